import type { Command } from 'commander';
import { UsageError } from '../cli-error.js';
import { load, withApp } from '../open-app.js';
import { print, utcMinute } from '../output.js';
import type { SetFlags } from './admin.js';

function partnerId(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${flag} must be a partner id like 1, got "${raw}"`);
  }
  return n;
}

/**
 * `chat --partner ID [--once TEXT]` and `partner link-code ID`. The latter joins the `partner` verb that
 * admin.ts registers, so this must be called after registerAdminCommands.
 */
export function registerChatCommands(program: Command, setFlags: SetFlags): void {
  program
    .command('chat')
    .description('talk to the partner bot in this terminal, as a partner (operator tool: it has database access)')
    .requiredOption('--partner <id>', 'the partner to chat as (linked directly, no link code needed)')
    .option('--once <text>', 'send one message, print the answer and exit (for scripts)')
    .addHelpText(
      'after',
      '\nThe console chat runs the same commands as Telegram and Slack. It links the console user\n' +
        '"console:<id>" to the partner without a code, since whoever runs it can read the database anyway.\n' +
        'Pictures and files the bot sends are saved under DATA_DIR/console/. Type a number to press a button.',
    )
    .action(async (o) => {
      const uc = await load();
      setFlags({ partner_id: '--partner' });
      const id = partnerId(String(o.partner), '--partner');
      await withApp(async (app) => {
        const chat = await uc.openConsoleChat(app, id);
        if (o.once !== undefined) {
          print(await chat.send(String(o.once)));
          return;
        }
        await uc.runConsoleRepl(chat, `partner ${id}`);
      });
    });

  const partner = program.commands.find((c) => c.name() === 'partner');
  if (!partner) throw new Error('registerChatCommands must run after the partner verb is registered');
  partner
    .command('link-code')
    .description('issue a one-time code that links a Telegram or Slack chat to this partner (valid 30 minutes)')
    .argument('<partnerId>', 'partner id')
    .action(async (raw: string) => {
      const uc = await load();
      setFlags({ partner_id: '<partnerId>' });
      const id = partnerId(raw, '<partnerId>');
      const { code, expiresAt } = await withApp((app) => uc.issueLinkCode(app, id));
      print(`Link code for partner ${id}: ${code}`);
      print(`Valid until ${utcMinute(expiresAt)} UTC, once.`);
      print(`The partner sends  /link ${code}  to the Telegram bot, or  /pd link ${code}  in Slack.`);
    });
}
