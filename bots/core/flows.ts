import { accountFlows } from './commands/account/index.js';
import { portalFlows } from './commands/portal/index.js';
import type { FlowHandler } from './conversation-state.js';

/** Every guided flow by name (the `flow` a command passes to startFlow): paymethod, postback_set ... */
export const FLOWS: Record<string, FlowHandler> = { ...accountFlows, ...portalFlows };
