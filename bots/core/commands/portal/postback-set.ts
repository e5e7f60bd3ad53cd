import { checkPostbackShape } from '../../../../src/app/postbacks/check-postback.js';
import { listPostbacks } from '../../../../src/app/postbacks/list-postbacks.js';
import { previewPostbackInput } from '../../../../src/app/postbacks/preview-postback.js';
import { savePostback } from '../../../../src/app/postbacks/save-postback.js';
import { testFirePostback } from '../../../../src/app/postbacks/test-fire-postback.js';
import { AppError } from '../../../../src/domain/errors.js';
import { checkPostbackTemplate, POSTBACK_MACROS } from '../../../../src/domain/postback-template.js';
import { type CommandContext, partnerOf } from '../../command.js';
import { currentFlow, endFlow, type FlowHandler, setFlowStep, startFlow } from '../../conversation-state.js';
import { bold, code, italic, type Line, type Reply, reply, text } from '../../reply.js';
import { testResultBlock } from './postback-views.js';
import { cmd, cmdText } from './shared.js';

/**
 * The guided postback set-up: URL -> every problem explained -> preview with a sample conversion -> a real
 * test fire to the partner's server -> confirm -> save. Where the partner is lives in the conversation store
 * (bots/core/conversation-state.ts), so the flow survives a bot restart.
 */
export const POSTBACK_FLOW = 'postback_set';
const EXAMPLE = 'https://tracker.example.com/postback?click={ref_id}&payout={aff_payout}&status={status}';
const saveButtons = [
  [
    { label: 'Save', action: 'postback:save' },
    { label: 'Cancel', action: 'postback:cancel' },
  ],
];

export async function startPostbackSet(ctx: CommandContext, url: string): Promise<Reply> {
  partnerOf(ctx);
  if (url !== '') return checkUrl(ctx, url);
  await startFlow(ctx, POSTBACK_FLOW, 'url');
  return reply([
    text(
      [bold('Postback set-up, step 1 of 3:'), ' send the URL your tracker gives you for conversions, for example'],
      [code(EXAMPLE)],
      ['Macros you can use: ', POSTBACK_MACROS.map((m) => `{${m}}`).join(' ')],
      [
        code('{ref_id}'),
        ' is the click id your tracker put in the tracking link in place of {replace_me}: that is how it matches the conversion.',
      ],
      [italic('Send "cancel" to stop; nothing is saved until you confirm.')],
    ),
  ]);
}

/** Steps 1-2: check the URL, explain each problem, else preview and test it, then ask to save. */
async function checkUrl(ctx: CommandContext, raw: string): Promise<Reply> {
  const partner = partnerOf(ctx);
  const url = raw.trim();
  const check = checkPostbackTemplate(url);
  if (!check.ok) {
    await startFlow(ctx, POSTBACK_FLOW, 'url');
    return reply([
      text(
        [bold(`That URL has ${check.problems.length === 1 ? 'a problem' : `${check.problems.length} problems`}:`)],
        ...check.problems.map((p): Line => [`• ${p.message}`]),
        'Send the corrected URL (or "cancel").',
      ),
    ]);
  }
  // A resolver that failed (not a name that does not exist) does not stop the set-up: every send checks the
  // host again when it connects, so the partner sees the preview and may save after confirming.
  let unchecked: string | null;
  try {
    const shape = { url, method: 'GET' as const, bodyFormat: 'none' as const, bodyTemplate: '' };
    unchecked = (await checkPostbackShape(ctx.app, shape, { allowUncheckedHost: true })).hostUnchecked;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await startFlow(ctx, POSTBACK_FLOW, 'url');
    return reply([text([bold('That URL cannot be used: '), err.message], 'Send the corrected URL (or "cancel").')]);
  }
  const preview = previewPostbackInput({ url });
  const result = await testFirePostback(
    ctx.app,
    { partnerId: partner.id },
    { url },
    unchecked ? { allowUncheckedHost: true } : {},
  );
  await setFlowStep(ctx, POSTBACK_FLOW, 'confirm', unchecked ? { url, unchecked: true } : { url });
  const verdict: Line[] = unchecked
    ? [
        [
          `We could not check the host right now (${unchecked}: our DNS resolver did not answer), so this is not a `,
          'verdict on your URL. Every send checks the host again when it connects: you can save it now, and ',
          'deliveries go out once the host resolves.',
        ],
      ]
    : [
        [
          result.ok
            ? 'Your server answered fine.'
            : 'Your server did not accept the test; you can still save and fix it on your side.',
        ],
      ];
  return reply(
    [
      text(
        [bold('Step 2 of 3: preview'), ' · for a sample conversion, we would call'],
        [code(preview.url)],
        [
          'Sample values: ',
          ['ref_id', 'aff_payout', 'status', 'type', 'txid'].map((k) => `${k}=${preview.sample[k] ?? ''}`).join(' · '),
        ],
      ),
      testResultBlock(result),
      text(
        [bold('Step 3 of 3:'), ' save this postback? It receives every conversion of all your campaigns.'],
        ...verdict,
        [italic('Press Save (or send "save"), send another URL to start over, or "cancel".')],
      ),
    ],
    saveButtons,
  );
}

/** Step 3: save. Replaces the partner's one global postback if there is one, so "set" never piles up copies. */
async function save(ctx: CommandContext): Promise<Reply> {
  const partner = partnerOf(ctx);
  const flow = await currentFlow(ctx);
  const url = flow?.flow === POSTBACK_FLOW && flow.step === 'confirm' ? flow.state['url'] : undefined;
  // Pressing Save after "could not check the host right now" is the partner's confirmation.
  const opts = flow?.state['unchecked'] === true ? { allowUncheckedHost: true } : {};
  if (typeof url !== 'string') {
    return reply([
      text(
        `There is no postback waiting to be saved (set-ups expire after 30 minutes). Start with ${cmdText(ctx, 'postback set')}.`,
      ),
    ]);
  }
  const actor = { partnerId: partner.id };
  const { items } = await listPostbacks(ctx.app, actor);
  const globals = items.filter((p) => p.campaign_id === null);
  const saved =
    globals.length === 1
      ? await savePostback(ctx.app, actor, { url, enabled: true }, globals[0]!.id, opts)
      : await savePostback(ctx.app, actor, { url }, undefined, opts);
  await endFlow(ctx);
  return reply([
    text(
      [bold(`Saved postback #${saved.id}`), globals.length === 1 ? ' (it replaces your previous URL)' : ''],
      [code(saved.url)],
      ['See it with ', cmd(ctx, 'postback'), ', test it with ', cmd(ctx, `postback test ${saved.id}`), '.'],
    ),
  ]);
}

export async function postbackFlowAction(ctx: CommandContext, action: string): Promise<Reply> {
  if (action === 'postback:save') return save(ctx);
  await endFlow(ctx);
  return reply([text('Cancelled. Nothing was changed.')]);
}

export const postbackSetFlow: FlowHandler = {
  async onText(ctx, input) {
    const s = input.trim();
    if (ctx.conversation.step === 'confirm' && /^(save|yes|y|ok|confirm)$/i.test(s)) return save(ctx);
    if (/^https?:\/\//i.test(s) || ctx.conversation.step === 'url') return checkUrl(ctx, s);
    return reply(
      [text('Press Save (or send "save") to keep this postback, send another URL, or "cancel".')],
      saveButtons,
    );
  },
};
