import type { Command } from '../command.js';
import { accountCommands } from './account/index.js';
import { portalCommands } from './portal/index.js';

/** Every command, written once; each adapter dispatches to these through bots/core. */
export const COMMANDS: Command[] = [...accountCommands, ...portalCommands];
