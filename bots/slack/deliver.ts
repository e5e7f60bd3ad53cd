import type { RespondFn } from '@slack/bolt';
import type { Logger } from '../../src/infra/logger.js';
import type { Reply } from '../core/reply.js';
import { planSlackReply, type SlackFile, type SlackOutgoing } from './render-blocks.js';
import type { KnownBlock, WebClient } from './slack-types.js';

/**
 * Where the answers of one request go. Text goes where the user asked (a `response_url` as an ephemeral
 * message, or the DM with the app); pictures and files always go into the DM, never into a shared channel.
 */
export interface Destination {
  /** Posts one rendered message. */
  post(msg: { text: string; blocks: KnownBlock[] }): Promise<void>;
  /** The DM channel id files are uploaded to. */
  dmChannel(): Promise<string>;
  /** True when `post` writes into that same DM (no "sent to your DM" note needed). */
  postsToDm(): Promise<boolean>;
}

const DM_NOTE = 'I sent the files to our direct messages (only you can see them there).';

/** Slack error code of a Web API failure, if any. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** How many Slack calls answering these replies takes (tests wait for exactly that many). */
export async function plannedCalls(replies: Reply[], dest: Pick<Destination, 'postsToDm'>): Promise<number> {
  const plan = replies.flatMap((r) => planSlackReply(r));
  const files = plan.filter((o) => o.kind === 'files').length;
  const notes = files > 0 && !(await dest.postsToDm()) ? 1 : 0;
  return plan.length + notes;
}

export async function uploadFiles(client: WebClient, channelId: string, files: SlackFile[], comment: string) {
  await client.filesUploadV2({
    channel_id: channelId,
    ...(comment ? { initial_comment: comment } : {}),
    file_uploads: files.map((f) => ({ file: f.data, filename: f.filename, title: f.title })),
  });
}

/**
 * Sends a batch of replies in order. A message Slack refuses as `invalid_blocks` (a limit we did not know
 * of) is sent again as its plain fallback text, so the partner still gets the answer; the log says why.
 */
export async function deliver(client: WebClient, replies: Reply[], dest: Destination, log: Logger): Promise<void> {
  const plan: SlackOutgoing[] = replies.flatMap((r) => planSlackReply(r));
  let noted = false;
  for (const o of plan) {
    if (o.kind === 'message') {
      try {
        await dest.post({ text: o.text, blocks: o.blocks });
      } catch (err) {
        if (slackErrorCode(err) !== 'invalid_blocks') throw err;
        log.error({ event: 'slack.invalid_blocks', blocks: o.blocks.length }, 'Slack refused our blocks; sent as text');
        await dest.post({ text: o.text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: o.text } }] });
      }
    } else {
      await uploadFiles(client, await dest.dmChannel(), o.files, o.comment);
      if (!noted && !(await dest.postsToDm())) {
        noted = true;
        await dest.post({ text: DM_NOTE, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: DM_NOTE } }] });
      }
    }
  }
}

/** A `response_url` destination: ephemeral, so only the sender sees it, wherever they typed the command. */
export function responseUrlDestination(
  respond: RespondFn,
  dm: () => Promise<string>,
  channelId: string | undefined,
): Destination {
  return {
    async post(msg) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });
    },
    dmChannel: dm,
    postsToDm: async () => channelId !== undefined && channelId === (await dm()),
  };
}

/** The DM with the app (or the user id, which Slack routes to that DM). */
export function dmDestination(client: WebClient, channelId: string): Destination {
  return {
    async post(msg) {
      await client.chat.postMessage({ channel: channelId, text: msg.text, blocks: msg.blocks });
    },
    dmChannel: async () => channelId,
    postsToDm: async () => true,
  };
}
