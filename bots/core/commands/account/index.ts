import type { Command } from '../../command.js';
import type { FlowHandler } from '../../conversation-state.js';
import { balance } from './balance.js';
import { link, unlink } from './link.js';
import { payments } from './payments.js';
import { paymethod, paymethodFlow } from './paymethod.js';
import { referral } from './referral.js';
import { digest, notify, timezone } from './settings.js';
import { help, start } from './start-help.js';

/** Identity and account commands: start, help, link, unlink, balance, payments, referral, timezone, notify ... */
export const accountCommands: Command[] = [
  start,
  help,
  link,
  unlink,
  balance,
  payments,
  paymethod,
  referral,
  timezone,
  notify,
  digest,
];

/** Guided flows of the account commands, by the name passed to startFlow. */
export const accountFlows: Record<string, FlowHandler> = { paymethod: paymethodFlow };
