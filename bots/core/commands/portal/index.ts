import type { Command } from '../../command.js';
import type { FlowHandler } from '../../conversation-state.js';
import { campaignCommand } from './campaign.js';
import { campaignsCommand } from './campaigns.js';
import { conversionsCommand } from './conversions.js';
import { dashboardCommand } from './dashboard.js';
import { deeplinkCommand } from './deeplink.js';
import { postbackCommand } from './postback.js';
import { POSTBACK_FLOW, postbackSetFlow } from './postback-set.js';
import { reportCommand } from './report.js';
import { traceCommand } from './trace.js';

/** Portal commands: dashboard, campaigns, campaign, deeplink, report, conversions, trace, postback ... */
export const portalCommands: Command[] = [
  dashboardCommand,
  campaignsCommand,
  campaignCommand,
  deeplinkCommand,
  reportCommand,
  conversionsCommand,
  traceCommand,
  postbackCommand,
];

/** Guided flows of the portal commands, by the name they pass to startFlow. */
export const portalFlows: Record<string, FlowHandler> = { [POSTBACK_FLOW]: postbackSetFlow };
