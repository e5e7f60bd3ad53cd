import { createBotCore } from '../../bots/core/bot-core.js';
import type { ChatUser } from '../../bots/core/command.js';
import type { Reply } from '../../bots/core/reply.js';
import { type Destination, plannedCalls } from '../../bots/slack/deliver.js';
import type { ChatCore } from '../../bots/telegram/telegram-bot.js';
import { issueLinkCode } from '../../src/app/chat/issue-link-code.js';
import type { Driver, MakeTarget, Transcript } from '../contract/driver.js';
import type { SlackCall } from './fake-slack.js';
import type { DbFlavor } from './harness.js';
import { type SlackTestApp, startSlackTestApp } from './slack-app.js';
import { blockActionPayload, signedDirectMessage, signedInteraction, signedSlashCommand } from './slack-signing.js';

/**
 * The Slack adapter under the bot contract: signed slash commands (`/pd ...`), DM events and button clicks
 * into the real server's /slack/events, what the bot sent read back from the fake Slack on loopback. Like the
 * Telegram driver, it waits for exactly the number of calls the answer plans to (observed, not changed).
 */

let seq = 0;

/** Slack mrkdwn as a partner reads it: our emphasis marks, fences and escapes gone, links as "label (url)". */
export function mrkdwnToText(s: string): string {
  return s
    .replace(/```/g, '')
    .replace(/<([^|<>]+)\|([^<>]*)>/g, '$2 ($1)')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/(^|[\s(•])\*(\S(?:[^*\n]*\S)?)\*(?=$|[\s).,:;!?·—-])/gm, '$1$2')
    .replace(/(^|[\s(•])_(\S(?:[^_\n]*\S)?)_(?=$|[\s).,:;!?·—-])/gm, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

interface BlockLike {
  type: string;
  text?: { text?: string };
  elements?: { type: string; text?: string | { text?: string }; action_id?: string; value?: string }[];
  rows?: { text?: string }[][];
}

/** What the blocks of one message say, and the action buttons under it. */
export function readBlocks(blocks: BlockLike[]): { text: string; buttons: string[]; images: number } {
  const parts: string[] = [];
  const buttons: string[] = [];
  let images = 0;
  for (const b of blocks) {
    if (b.type === 'section' && b.text?.text) parts.push(mrkdwnToText(b.text.text));
    if (b.type === 'context') {
      for (const e of b.elements ?? []) if (typeof e.text === 'string') parts.push(mrkdwnToText(e.text));
    }
    if (b.type === 'table') parts.push((b.rows ?? []).map((r) => r.map((c) => c.text ?? '').join('  ')).join('\n'));
    if (b.type === 'image') images += 1;
    if (b.type === 'actions') {
      for (const e of b.elements ?? []) {
        if (e.action_id?.startsWith('pd:a:') && typeof e.text === 'object') buttons.push(e.text.text ?? '');
      }
    }
  }
  return { text: parts.join('\n'), buttons, images };
}

function transcriptOf(calls: SlackCall[]): Transcript {
  const t: Transcript = { text: '', images: 0, files: [], buttons: [] };
  const parts: string[] = [];
  for (const c of calls) {
    if (c.method === 'response_url' || c.method === 'chat.postMessage') {
      const read = readBlocks((c.args['blocks'] ?? []) as BlockLike[]);
      parts.push(read.text || String(c.args['text'] ?? ''));
      t.buttons.push(...read.buttons);
      t.images += read.images;
    }
    if (c.method === 'files.getUploadURLExternal') {
      const name = String(c.args['filename']);
      if (name.endsWith('.png')) t.images += 1;
      else t.files.push({ name, bytes: Number(c.args['length']) });
    }
    if (c.method === 'files.completeUploadExternal' && c.args['initial_comment']) {
      parts.push(String(c.args['initial_comment']));
    }
  }
  t.text = parts.join('\n\n').trim();
  return t;
}

export function slackTarget(flavor: DbFlavor): MakeTarget {
  return async (env) => {
    const expected = new Map<string, (calls: number) => void>();
    const settle = (user: ChatUser, n: number) => expected.get(user.userId)?.(n);
    let core: ChatCore | null = null;
    const observed: ChatCore = {
      get commands() {
        return core?.commands ?? [];
      },
      handleText: (u, text) => watch(u, () => (core as ChatCore).handleText(u, text)),
      handleAction: (u, action) => watch(u, () => (core as ChatCore).handleAction(u, action)),
    };
    // A core that throws makes the adapter send one apology; success is counted in onAnswered.
    const watch = async (u: ChatUser, work: () => Promise<Reply[]>) => {
      try {
        return await work();
      } catch (err) {
        settle(u, 1);
        throw err;
      }
    };
    const s = await startSlackTestApp(flavor, env, {
      core: observed,
      onAnswered: async (u: ChatUser, replies: Reply[], dest: Destination) =>
        settle(u, await plannedCalls(replies, dest)),
    });
    core = createBotCore(s.ctx.app);
    return {
      app: s.ctx.app,
      baseUrl: s.ctx.baseUrl,
      newChat: async () => slackDriver(s, expected),
      close: () => s.close(),
    };
  };
}

function slackDriver(s: SlackTestApp, expected: Map<string, (calls: number) => void>): Driver {
  seq += 1;
  const userId = `U0CT${String(seq).padStart(5, '0')}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const teamKey = `T0FAKE0001:${userId}`;
  const dm = `D${userId.slice(1)}`;
  let n = 0;
  const mine = () =>
    s.fake.calls.filter(
      (c) =>
        c.status === 200 &&
        !c.error &&
        ((c.method === 'response_url' && c.pathId?.startsWith(`${userId}-`)) ||
          (c.method === 'chat.postMessage' && c.args['channel'] === dm) ||
          (c.method === 'files.completeUploadExternal' && c.args['channel_id'] === dm)),
    );

  const exchange = async (send: () => Promise<{ status: number }>): Promise<Transcript> => {
    const before = s.fake.calls.length;
    const beforeMine = mine().length;
    const planned = new Promise<number>((resolve) => expected.set(teamKey, resolve));
    const res = await send();
    if (res.status !== 200) throw new Error(`slack: /slack/events answered ${res.status}`);
    const want = await withTimeout(planned, 15_000, 'the core never answered');
    expected.delete(teamKey);
    await s.fake.waitFor(() => mine().length >= beforeMine + want);
    const window = s.fake.calls
      .slice(before)
      .filter((c) => mine().includes(c) || (c.method === 'files.getUploadURLExternal' && c.status === 200));
    return transcriptOf(window);
  };

  const slash = (text: string) =>
    exchange(() =>
      s.post(
        signedSlashCommand(s.secret, {
          userId,
          text,
          channelId: dm,
          responseUrl: s.fake.responseUrl(`${userId}-${++n}`),
        }),
      ),
    );

  return {
    async linkAs(partnerId) {
      const { code } = await issueLinkCode(s.ctx.app, partnerId);
      return slash(`link ${code}`);
    },
    command: (line) => slash(line),
    send: (text) => exchange(() => s.post(signedDirectMessage(s.secret, { userId, text, channel: dm }))),
    async press(label) {
      // The newest message of this user with that button: what the partner sees at the bottom of the DM.
      for (const c of mine().reverse()) {
        const blocks = (c.args['blocks'] ?? []) as BlockLike[];
        for (const b of blocks) {
          const e =
            b.type === 'actions'
              ? b.elements?.find((x) => typeof x.text === 'object' && x.text.text === label)
              : undefined;
          if (e?.action_id && e.value !== undefined) {
            const payload = blockActionPayload({
              userId,
              actionId: e.action_id,
              value: e.value,
              channelId: dm,
              ephemeral: c.method === 'response_url',
              responseUrl: s.fake.responseUrl(`${userId}-${++n}`),
            });
            return exchange(() => s.post(signedInteraction(s.secret, payload)));
          }
        }
      }
      throw new Error(`slack: no button "${label}" was sent to ${userId}`);
    },
    olderButtons: true,
    close: async () => {},
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
