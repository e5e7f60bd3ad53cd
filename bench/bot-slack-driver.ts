/**
 * The child process of `bench/bot.ts --slack`: the fake Slack Web API on 127.0.0.1 (test/helpers/fake-slack.ts)
 * and the load: signed `/pd` slash commands posted to /slack/events. Living apart from the bot, it reads the
 * time a request was posted, its HTTP answer (the ack) and the reply's arrival at the fake from one clock.
 *
 * A reply is complete when its response_url message has arrived, plus, for a report, the files upload into the
 * user's DM (files.completeUploadExternal). Each user has at most one command under way (closed loop).
 */
import { Agent, request } from 'undici';
import { type SlackCall, startFakeSlack } from '../test/helpers/fake-slack.js';
import { signedSlashCommand } from '../test/helpers/slack-signing.js';

export interface SlackPhase {
  name: string;
  text: string;
  seconds: number;
  warmupSec: number;
  /** Pause after a reply (random between half and 1.5x), ms; 0 = next command at once. */
  thinkMs: number;
  /** Wait only for the ack (HTTP answer), not the reply: the ack-under-load phases. */
  ackOnly: boolean;
  /** Also wait for a files upload into the DM. */
  files: boolean;
  url: string;
  /** The bot's clock runs at the data's time: requests are signed with that time, as Slack would. */
  skewMs: number;
}

export interface SlackPhaseResult {
  name: string;
  acks: number[];
  replies: number[];
  seconds: number;
  errors: number;
  timeouts: number;
}

export type ToSlackChild = { type: 'phase'; secret: string; userIds: string[]; phase: SlackPhase };
export type FromSlackChild = { type: 'ready'; apiUrl: string } | { type: 'result'; result: SlackPhaseResult };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT_MS = 30_000;

interface Pending {
  responseId: string;
  dm: string;
  needFiles: boolean;
  gotMessage: boolean;
  gotFiles: boolean;
  done: () => void;
}
const pendingByResponse = new Map<string, Pending>();
const pendingByDm = new Map<string, Pending>();

function settle(p: Pending) {
  if (p.gotMessage && (!p.needFiles || p.gotFiles)) {
    pendingByResponse.delete(p.responseId);
    pendingByDm.delete(p.dm);
    p.done();
  }
}

function onCall(c: SlackCall) {
  if (c.method === 'response_url' && c.pathId) {
    const p = pendingByResponse.get(c.pathId);
    if (p) {
      p.gotMessage = true;
      settle(p);
    }
  } else if (c.method === 'files.completeUploadExternal') {
    const p = pendingByDm.get(String(c.args['channel_id']));
    if (p) {
      p.gotFiles = true;
      settle(p);
    }
  }
}

const fake = await startFakeSlack({ onCall, record: false });
const agent = new Agent({ connections: 512, pipelining: 1 });
let seq = 0;

async function runPhase(secret: string, userIds: string[], phase: SlackPhase): Promise<SlackPhaseResult> {
  const acks: number[] = [];
  const replies: number[] = [];
  let errors = 0;
  let timeouts = 0;
  const start = performance.now();
  const measureFrom = start + phase.warmupSec * 1000;
  const end = measureFrom + phase.seconds * 1000;
  const one = async (userId: string) => {
    seq += 1;
    const responseId = `b${seq}`;
    const dm = `D${userId.slice(1)}`;
    const req = signedSlashCommand(
      secret,
      {
        userId,
        text: phase.text,
        channelId: dm,
        responseUrl: fake.responseUrl(responseId),
      },
      { timestamp: Math.floor((Date.now() + phase.skewMs) / 1000) },
    );
    let resolveDone: () => void = () => {};
    const replied = new Promise<void>((r) => {
      resolveDone = r;
    });
    const p: Pending = {
      responseId,
      dm,
      needFiles: phase.files,
      gotMessage: false,
      gotFiles: false,
      done: resolveDone,
    };
    if (!phase.ackOnly) {
      pendingByResponse.set(responseId, p);
      pendingByDm.set(dm, p);
    }
    const t0 = performance.now();
    const res = await request(phase.url, { method: 'POST', headers: req.headers, body: req.body, dispatcher: agent });
    await res.body.text();
    const ack = performance.now() - t0;
    if (res.statusCode !== 200) errors += 1;
    let reply = Number.NaN;
    if (!phase.ackOnly) {
      const ok = await Promise.race([replied.then(() => true), sleep(TIMEOUT_MS).then(() => false)]);
      if (ok) reply = performance.now() - t0;
      else {
        timeouts += 1;
        pendingByResponse.delete(responseId);
        pendingByDm.delete(dm);
      }
    }
    if (t0 >= measureFrom && t0 < end) {
      acks.push(ack);
      if (!Number.isNaN(reply)) replies.push(reply);
    }
  };
  await Promise.all(
    userIds.map(async (u, i) => {
      // Spread the first commands of a human-paced phase over one think time.
      if (phase.thinkMs > 0) await sleep((i / userIds.length) * phase.thinkMs);
      while (performance.now() < end) {
        await one(u);
        if (phase.thinkMs > 0) await sleep(phase.thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  acks.sort((a, b) => a - b);
  replies.sort((a, b) => a - b);
  return { name: phase.name, acks, replies, seconds: phase.seconds, errors, timeouts };
}

process.on('message', (msg: ToSlackChild) => {
  if (msg.type !== 'phase') return;
  void runPhase(msg.secret, msg.userIds, msg.phase).then((result) => {
    process.send?.({ type: 'result', result } satisfies FromSlackChild);
  });
});
process.on('disconnect', () => {
  void fake.close().finally(() => process.exit(0));
});
process.send?.({ type: 'ready', apiUrl: fake.apiUrl } satisfies FromSlackChild);
