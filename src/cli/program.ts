import { Command } from 'commander';
import { readRawEnv } from '../config/raw-env.js';
import { errorOutcome, type FlagNames } from './cli-error.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerChatCommands } from './commands/chat.js';
import { registerDigestCommands } from './commands/digest.js';
import { registerDoctorCommand } from './commands/doctor-command.js';
import { registerMaintenanceCommands } from './commands/maintenance.js';
import { registerPostbackCommands } from './commands/postbacks.js';
import { registerRunCommands } from './commands/run.js';

/**
 * `partnerdesk <verb>`. Commander is told not to exit or print errors itself: every failure comes back here
 * and becomes ONE line on stderr and an exit code (2 for a bad argument), see cli-error.ts.
 */
export async function runCli(argv: string[]): Promise<number> {
  let flags: FlagNames = {};
  let exitCode = 0;
  const program = new Command('partnerdesk')
    .description('partnerdesk: the partner side of an affiliate program (tracking, conversions, reports, bots)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: () => {}, // printed by errorOutcome, as one line
    })
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment and .env (see .env.example). Every verb has --help.',
    );
  registerRunCommands(program);
  registerMaintenanceCommands(program);
  // Each verb's action names its flags before it runs, so a failure is reported in the flags the user typed.
  const setFlags = (f: FlagNames) => {
    flags = f;
  };
  registerAdminCommands(program, setFlags);
  registerPostbackCommands(program, setFlags);
  registerChatCommands(program, setFlags);
  registerDigestCommands(program, (c) => (exitCode = c));
  registerDoctorCommand(program, (c) => (exitCode = c), readRawEnv('PATH') ?? '');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    const outcome = errorOutcome(err, flags);
    for (const line of outcome.lines) process.stderr.write(`${line}\n`);
    return outcome.code;
  }
}
