import type { App as BoltApp } from '@slack/bolt';
import type { App } from '../../src/main/create-app.js';
import type { ChatUser } from '../core/command.js';
import { currentFlow } from '../core/conversation-state.js';
import type { Reply } from '../core/reply.js';
import type { ChatCore } from '../telegram/telegram-bot.js';
import { cut, LIMITS } from './block-limits.js';
import { dmDestination, slackErrorCode, uploadFiles } from './deliver.js';
import { publishHome } from './home.js';
import { type PartnerHandlers, slackChatUser } from './partner-handlers.js';
import { fallbackText, planSlackReply, replyBlocks } from './render-blocks.js';
import type { KnownBlock, ModalView, WebClient } from './slack-types.js';

/**
 * App Home and modals. A modal opens at once with a "loading" view (a trigger_id lives 3 s) and is filled by
 * views.update when the core has answered. A guided flow (postback set, paymethod) runs inside the modal: the
 * input is the flow's next answer, and an answer the flow did not accept (it stays on the same step with the
 * same state) comes back as `response_action: 'errors'` under the input, so the partner fixes it in place.
 */
export const MODAL_ID = 'pd:modal';
const INPUT_BLOCK = 'pd:in';
const INPUT_ACTION = 'pd:v';
/** A submission is answered inline when the core is this quick; else "working" first, then an update. */
const INLINE_DEADLINE_MS = 2_000;

const section = (t: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: t } });

export function loadingView(title = 'partnerdesk'): ModalView {
  return {
    type: 'modal',
    callback_id: MODAL_ID,
    title: { type: 'plain_text', text: cut(title, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section(':hourglass_flowing_sand: Loading…')],
  };
}

/** The modal for the core's answer; with an input while a guided flow waits for typed text. */
export function modalView(replies: Reply[], opts: { flow: boolean; sentFiles: boolean }): ModalView {
  const blocks: KnownBlock[] = [];
  const room = LIMITS.blocksPerView - 3;
  for (const r of replies) {
    if (blocks.length >= room) break;
    blocks.push(...replyBlocks(r, { surface: 'view', maxBlocks: room - blocks.length }));
  }
  if (opts.sentFiles) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Charts and files were sent to our DM.' }] });
  }
  if (opts.flow) {
    blocks.push({
      type: 'input',
      block_id: INPUT_BLOCK,
      label: { type: 'plain_text', text: 'Your answer' },
      element: { type: 'plain_text_input', action_id: INPUT_ACTION, max_length: LIMITS.inputValue },
    });
  }
  if (!blocks.length) blocks.push(section(cut(replies.map(fallbackText).join('\n'), LIMITS.sectionText)));
  return {
    type: 'modal',
    callback_id: MODAL_ID,
    title: { type: 'plain_text', text: 'partnerdesk' },
    close: { type: 'plain_text', text: opts.flow ? 'Cancel' : 'Done' },
    ...(opts.flow ? { submit: { type: 'plain_text', text: 'Send' } } : {}),
    blocks,
  };
}

export interface ViewsOptions {
  app: App;
  bolt: BoltApp;
  core: ChatCore;
  handlers: PartnerHandlers;
}

export function registerViews({ app, bolt, core, handlers }: ViewsOptions): void {
  const log = app.logger.child({ component: 'slack-views' });
  const flowOf = async (user: ChatUser) => {
    const c = await currentFlow({ app, user, now: app.now() });
    return c ? JSON.stringify([c.flow, c.step, c.state]) : null;
  };

  /** Files of the answer go to the DM; the modal says so. */
  const sendFiles = async (client: WebClient, teamId: string, userId: string, replies: Reply[]) => {
    const files = replies.flatMap((r) => planSlackReply(r)).filter((o) => o.kind === 'files');
    for (const f of files) {
      if (f.kind === 'files')
        await uploadFiles(client, await handlers.dmOf(client, teamId, userId), f.files, f.comment);
    }
    return files.length > 0;
  };

  const render = async (client: WebClient, teamId: string, userId: string, user: ChatUser, replies: Reply[]) => {
    const sentFiles = await sendFiles(client, teamId, userId, replies);
    return modalView(replies, { flow: (await flowOf(user)) !== null, sentFiles });
  };

  /** Opens a loading modal now, then fills it with what `produce` answers. */
  const openModal = async (
    client: WebClient,
    triggerId: string,
    teamId: string,
    userId: string,
    produce: (user: ChatUser) => Promise<Reply[]>,
  ) => {
    const user = slackChatUser(teamId, userId);
    let viewId: string | undefined;
    try {
      viewId = (await client.views.open({ trigger_id: triggerId, view: loadingView() })).view?.id;
    } catch (err) {
      if (slackErrorCode(err) !== 'expired_trigger_id') throw err;
      log.warn({ event: 'slack.trigger_expired' }, 'trigger_id expired; answering in the DM instead');
    }
    await handlers.perUser(user.userId, async () => {
      const replies = await produce(user);
      if (!viewId) {
        const dm = await handlers.dmOf(client, teamId, userId);
        await handlers.answer(user, client, dmDestination(client, dm), async () => replies);
        return;
      }
      await client.views.update({ view_id: viewId, view: await render(client, teamId, userId, user, replies) });
    });
  };

  bolt.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const teamId = String((body as { team_id?: string }).team_id ?? '');
    await publishHome({ app, core, client, teamId, userId: event.user, log });
  });

  // Home buttons: value is the command to run, shown in a modal.
  bolt.action(/^pd:h:/, async ({ ack, body, action, client }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const line = action.value ?? 'help';
    await openModal(client, body.trigger_id, teamId, body.user.id, (u) => core.handleText(u, `/${line}`));
  });

  // Core buttons inside Home or a modal (the pd:a: listener of partner-handlers acknowledges them).
  bolt.action(/^pd:a:/, async ({ body, action, client }) => {
    if (body.type !== 'block_actions' || action.type !== 'button' || body.container?.type !== 'view') return;
    const value = action.value ?? '';
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const userId = body.user.id;
    if (body.view?.type === 'home') {
      await openModal(client, body.trigger_id, teamId, userId, (u) => core.handleAction(u, value));
      return;
    }
    const viewId = body.view?.id;
    if (!viewId) return;
    const user = slackChatUser(teamId, userId);
    await handlers.perUser(user.userId, async () => {
      const replies = await core.handleAction(user, value);
      await client.views.update({ view_id: viewId, view: await render(client, teamId, userId, user, replies) });
    });
  });

  bolt.view(MODAL_ID, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const userId = body.user.id;
    const user = slackChatUser(teamId, userId);
    const input = String(view.state.values[INPUT_BLOCK]?.[INPUT_ACTION]?.value ?? '').trim();
    const before = await flowOf(user);
    const work = core.handleText(user, input).then(async (replies) => ({ replies, after: await flowOf(user) }));
    const quick = await Promise.race([work, new Promise<null>((r) => setTimeout(() => r(null), INLINE_DEADLINE_MS))]);
    if (quick) {
      // Same step, same state: the flow did not take the answer; say why under the input.
      if (before !== null && quick.after === before) {
        const why = cut(quick.replies.map(fallbackText).join(' '), 1_000);
        await ack({ response_action: 'errors', errors: { [INPUT_BLOCK]: why } });
        return;
      }
      await ack({ response_action: 'update', view: await render(client, teamId, userId, user, quick.replies) });
      return;
    }
    // Slow (a real test fire to the partner's server): answer now, fill the modal when done.
    await ack({ response_action: 'update', view: loadingView() });
    const done = await work;
    await client.views.update({ view_id: view.id, view: await render(client, teamId, userId, user, done.replies) });
  });
}
