import type { Command } from '../../command.js';

/** Portal commands: dashboard, campaigns, campaign, deeplink, report, conversions, trace, postback ... */
export const portalCommands: Command[] = [];
