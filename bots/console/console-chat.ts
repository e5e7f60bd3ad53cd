import path from 'node:path';
import { createInterface } from 'node:readline';
import { linkChatDirectly } from '../../src/app/chat/link-chat.js';
import type { App } from '../../src/main/create-app.js';
import { type BotCore, createBotCore } from '../core/bot-core.js';
import type { ChatUser } from '../core/command.js';
import { fileSaver, renderReplies, type SaveFile } from './render.js';

export interface ConsoleChat {
  user: ChatUser;
  /** One line typed by the operator -> the bot's answer as plain text. A number picks a button of the last answer. */
  send(line: string): Promise<string>;
}

/**
 * The bot core in a terminal, as console user "console:<partnerId>". It is linked to the partner directly,
 * without a link code: whoever runs this already has the database, so a code would protect nothing.
 */
export async function openConsoleChat(
  app: App,
  partnerId: number,
  opts: { core?: BotCore; save?: SaveFile } = {},
): Promise<ConsoleChat> {
  const user: ChatUser = {
    platform: 'console',
    userId: `console:${partnerId}`,
    chatId: `console:${partnerId}`,
    name: 'operator',
  };
  await linkChatDirectly(app, user, partnerId);
  const core = opts.core ?? createBotCore(app);
  const save = opts.save ?? fileSaver(path.join(app.config.dataDir, 'console'));
  let choices: string[] = [];
  return {
    user,
    async send(line) {
      const input = line.trim();
      const pick = /^\d{1,2}$/.test(input) ? choices[Number(input) - 1] : undefined;
      const replies = pick ? await core.handleAction(user, pick) : await core.handleText(user, input);
      const out = renderReplies(replies, save);
      choices = out.choices;
      return out.text;
    },
  };
}

/** Interactive loop on stdin/stdout until "exit", "quit" or Ctrl-D. */
export async function runConsoleRepl(chat: ConsoleChat, partnerLabel: string): Promise<void> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`partnerdesk chat as ${partnerLabel}. Type help for commands, a number to press a button, exit to quit.`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  rl.prompt();
  for await (const line of rl) {
    const t = line.trim();
    if (t === 'exit' || t === 'quit') break;
    if (t !== '') out(`\n${await chat.send(t)}\n`);
    rl.prompt();
  }
  rl.close();
}
