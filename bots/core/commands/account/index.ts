import type { Command } from '../../command.js';

/** Identity and account commands: start, help, link, unlink, balance, payments, referral, timezone, notify ... */
export const accountCommands: Command[] = [];
