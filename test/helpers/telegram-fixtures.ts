import type { ChatUser } from '../../bots/core/command.js';
import { bold, code, link, type Reply, reply, text } from '../../bots/core/reply.js';
import type { ChatCore } from '../../bots/telegram/telegram-bot.js';
import { FAKE_BOT, type FakeTelegram } from './fake-telegram.js';

/** Real Update JSON as Telegram sends it, and a stand-in bot core, for the Telegram adapter tests. */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  language_code?: string;
}

export const ann: TgUser = { id: 4242, is_bot: false, first_name: 'Ann', last_name: 'Lee', language_code: 'en' };
export const chat = { id: 4242, type: 'private', first_name: 'Ann' };
let messageId = 1;
export const nextMessageId = () => messageId++;

export function textUpdate(t: string, from: TgUser = ann) {
  const command = /^\/\S+/.exec(t)?.[0];
  return {
    message: {
      message_id: messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { ...chat, id: from.id },
      from,
      text: t,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  };
}

export function callbackUpdate(id: string, data: string, from: TgUser = ann) {
  return {
    callback_query: {
      id,
      from,
      chat_instance: '-1234',
      data,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { ...chat, id: from.id },
        from: FAKE_BOT,
        text: 'earlier answer',
      },
    },
  };
}

export const messagesTo = (fake: FakeTelegram, chatId: number) =>
  fake.sent('sendMessage').filter((c) => Number(c.params['chat_id']) === chatId);

// A stand-in core returning fixed Replies with every block kind, so rendering is checked whatever the
// commands say today.
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
export const CSV = new TextEncoder().encode('day,clicks\n2026-11-01,10\n');
export const longLines = Array.from({ length: 300 }, (_, i) => `row ${String(i).padStart(3, '0')} & more text here`);

export const standIn: ChatCore = {
  commands: [
    { name: 'start', summary: 'greeting' },
    { name: 'report', summary: 'a report with a chart' },
    { name: 'Bad Name', summary: 'never in the menu' },
  ],
  async handleText(user: ChatUser, t: string): Promise<Reply[]> {
    if (t === '/escape') {
      return [
        reply([
          text([
            'Tom & Jerry <b>',
            bold('5 < 6 & 7 > 2'),
            ' ',
            code('<x>'),
            ' ',
            link('a&b', 'https://x.test/?q=1&r=<2>'),
          ]),
        ]),
      ];
    }
    if (t === '/report') {
      return [
        reply(
          [
            text([bold('Report'), ' 7d, UTC']),
            {
              kind: 'table',
              columns: [{ title: 'geo' }, { title: 'clicks', align: 'right' }],
              rows: [
                ['DE', '12'],
                ['<US>', '3'],
              ],
            },
            { kind: 'image', png: PNG, alt: 'clicks per day', caption: [[bold('Clicks'), ' & conversions']] },
            {
              kind: 'image_url',
              url: 'https://cdn.example.com/banner.png',
              alt: 'banner',
              caption: [['Banner 300x250']],
            },
            { kind: 'file', filename: 'report-7d.csv', mime: 'text/csv', data: CSV, caption: [['CSV export']] },
          ],
          [
            [
              { label: 'Export CSV', action: 'report:csv:7d' },
              { label: 'Open docs', url: 'https://docs.example.com/?a=1&b=2' },
            ],
          ],
        ),
      ];
    }
    if (t === '/long') return [reply([text(...longLines)])];
    if (t === '/boom')
      throw new Error('connection to postgres://secret@db failed at Object.<anonymous> (/app/x.ts:1:1)');
    return [reply([text(`echo ${user.name}: ${t}`)])];
  },
  async handleAction(_user, action) {
    if (action === 'explode') throw new Error('stack trace material');
    return [reply([text(`action ${action}`)])];
  },
};
