import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatUser } from '../bots/core/command.js';
import { type Reply, reply, text } from '../bots/core/reply.js';
import { type ChatCore, type RunningTelegramBot, startTelegramBot } from '../bots/telegram/telegram-bot.js';
import { type FakeTelegram, startFakeTelegram } from './helpers/fake-telegram.js';
import { startTestApp, type TestContext } from './helpers/harness.js';
import { eventRecorder, startSecondInstance } from './helpers/second-instance.js';
import { messagesTo, type TgUser, textUpdate } from './helpers/telegram-fixtures.js';

/** Echoes; "slow ..." takes a while, so a process that did not wait its turn would answer the next one first. */
const slowEcho: ChatCore = {
  commands: [{ name: 'start', summary: 'greeting' }],
  async handleText(_user: ChatUser, t: string): Promise<Reply[]> {
    if (t.startsWith('slow')) await new Promise((r) => setTimeout(r, 250));
    return [reply([text([`echo ${t}`])])];
  },
  async handleAction(): Promise<Reply[]> {
    return [];
  },
};

const zoe: TgUser = { id: 61_001, is_bot: false, first_name: 'Zoe' };
const textsTo = (fake: FakeTelegram, id: number) => messagesTo(fake, id).map((c) => c.params['text'] as string);

describe('two bots processes, webhook mode (postgres + Redis)', () => {
  const SECRET = 'whsec_scale_0123456789';
  let fake: FakeTelegram;
  let a: TestContext;
  let b: Awaited<ReturnType<typeof startSecondInstance>>;
  const bots: RunningTelegramBot[] = [];
  let nextId = 50_000;
  const post = (ctx: TestContext, body: unknown) =>
    fetch(`${ctx.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await startFakeTelegram();
    a = await startTestApp('postgres', {
      TELEGRAM_BOT_TOKEN: '123:scale-webhook',
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://partners.example.com',
    });
    b = await startSecondInstance(a);
    bots.push(await startTelegramBot(a.app, slowEcho), await startTelegramBot(b.app, slowEcho));
  });
  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await b?.close();
    await a?.close();
    await fake?.close();
  });

  it("answers one chat's updates in order when they arrive at different processes", async () => {
    const words = ['slow one', 'two', 'slow three', 'four', 'five', 'slow six', 'seven'];
    // Alternate between the processes, as a load balancer would; each answers 200 at once.
    for (const [i, w] of words.entries()) {
      nextId += 1;
      const res = await post(i % 2 === 0 ? a : b.ctx, { update_id: nextId, ...textUpdate(w, zoe) });
      expect(res.status).toBe(200);
    }
    await fake.waitFor(() => messagesTo(fake, zoe.id).length >= words.length, 15_000);
    expect(textsTo(fake, zoe.id)).toEqual(words.map((w) => `echo ${w}`));
  });

  it('a repeated update_id is answered once, whichever process gets it', async () => {
    const ben: TgUser = { id: 61_002, is_bot: false, first_name: 'Ben' };
    nextId += 1;
    const update = { update_id: nextId, ...textUpdate('only once', ben) };
    const answers = await Promise.all([post(a, update), post(b.ctx, update), post(a, update)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    nextId += 1;
    await post(b.ctx, { update_id: nextId, ...textUpdate('after', ben) });
    await fake.waitFor(() => messagesTo(fake, ben.id).length >= 2, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(textsTo(fake, ben.id)).toEqual(['echo only once', 'echo after']);
  });
});

describe('two bots processes, long polling (postgres + Redis)', () => {
  let fake: FakeTelegram;
  let a: TestContext;
  let b: Awaited<ReturnType<typeof startSecondInstance>>;
  let botA: RunningTelegramBot | null = null;
  let botB: RunningTelegramBot | null = null;
  const recorded = eventRecorder();

  beforeAll(async () => {
    fake = await startFakeTelegram();
    a = await startTestApp('postgres', { TELEGRAM_BOT_TOKEN: '123:scale-polling', TELEGRAM_API_ROOT: fake.apiRoot });
    b = await startSecondInstance(a, { logger: recorded.logger });
  });
  afterAll(async () => {
    await botA?.stop();
    await botB?.stop();
    await b?.close();
    await a?.close();
    await fake?.close();
  });

  it('one process polls, the other stands by and takes over when it stops', { timeout: 30_000 }, async () => {
    botA = await startTelegramBot(a.app, slowEcho, { leaseMs: 900 });
    botB = await startTelegramBot(b.app, slowEcho, { leaseMs: 900 });
    await expect.poll(() => recorded.events.includes('telegram.poller_standby'), { timeout: 5_000 }).toBe(true);
    expect(recorded.events).not.toContain('telegram.poller_active');

    const kim: TgUser = { id: 61_003, is_bot: false, first_name: 'Kim' };
    for (const w of ['slow a', 'b', 'c']) fake.pushUpdate(textUpdate(w, kim));
    await fake.waitFor(() => messagesTo(fake, kim.id).length >= 3, 10_000);
    expect(textsTo(fake, kim.id)).toEqual(['echo slow a', 'echo b', 'echo c']);

    await botA.stop();
    botA = null;
    await expect.poll(() => recorded.events.includes('telegram.poller_active'), { timeout: 5_000 }).toBe(true);
    fake.pushUpdate(textUpdate('after the handover', kim));
    await fake.waitFor(() => messagesTo(fake, kim.id).length >= 4, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    // Updates the first poller handled are not answered again by the second.
    expect(textsTo(fake, kim.id)).toEqual(['echo slow a', 'echo b', 'echo c', 'echo after the handover']);
  });
});
