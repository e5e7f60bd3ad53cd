import { getPaymentMethod, savePaymentMethod } from '../../../../src/app/ledger/save-payment-method.js';
import { AppError } from '../../../../src/domain/errors.js';
import {
  describeMethod,
  isPaymentMethodKind,
  METHOD_FIELDS,
  PAYMENT_METHOD_KINDS,
  type PaymentMethodKind,
} from '../../../../src/domain/payment-method.js';
import { type Command, type CommandContext, partnerOf } from '../../command.js';
import { currentFlow, endFlow, type FlowHandler, setFlowStep, startFlow } from '../../conversation-state.js';
import { bold, type Reply, reply, text } from '../../reply.js';
import { hint } from './shared.js';

/**
 * Guided payment-method change: kind (buttons or typed) -> each field of that kind, validated as typed ->
 * confirm -> saved. Steps: kind, field, confirm; state: {kind, values}. Lives in `conversations`.
 */
const FLOW = 'paymethod';

const KIND_LABELS: Record<PaymentMethodKind, string> = {
  paypal: 'PayPal',
  wire: 'Bank wire',
  wise: 'Wise',
  crypto: 'Crypto',
};

interface State {
  kind?: string;
  values?: Record<string, string>;
}

function askKind(): Reply {
  return reply(
    [text('How should we pay you? Choose one (or type paypal, wire, wise or crypto). Send cancel to stop.')],
    [PAYMENT_METHOD_KINDS.map((k) => ({ label: KIND_LABELS[k], action: `paymethod:kind:${k}` }))],
  );
}

function askField(kind: PaymentMethodKind, values: Record<string, string>, problem?: string): Reply {
  const fields = METHOD_FIELDS[kind];
  const i = Object.keys(values).length;
  const f = fields[i];
  if (!f) throw new Error(`paymethod flow asked for field ${i} of ${kind}`);
  const lines = [
    `${KIND_LABELS[kind]} (${i + 1} of ${fields.length}): send the ${f.label}, for example ${f.example}.`,
    'Send cancel to stop.',
  ];
  return reply([text(...(problem ? [`${problem}. Please send it again.`, ...lines.slice(0, 1)] : lines))]);
}

function askConfirm(kind: PaymentMethodKind, values: Record<string, string>): Reply {
  const rows = METHOD_FIELDS[kind].map((f) => `${f.label}: ${values[f.key] ?? ''}`);
  return reply(
    [text([bold(`New payment method: ${KIND_LABELS[kind]}`)], ...rows, 'Save it? Future payments go there.')],
    [
      [
        { label: 'Save', action: 'paymethod:confirm' },
        { label: 'Cancel', action: 'paymethod:cancel' },
      ],
    ],
  );
}

async function chooseKind(ctx: CommandContext, raw: string): Promise<Reply> {
  const k = raw.trim().toLowerCase();
  const kind = k === 'bank' || k === 'iban' ? 'wire' : k;
  if (!isPaymentMethodKind(kind)) {
    const again = askKind();
    return { ...again, blocks: [text(`"${raw.trim().slice(0, 30)}" is not one of the choices.`), ...again.blocks] };
  }
  await setFlowStep(ctx, FLOW, 'field', { kind, values: {} });
  return askField(kind, {});
}

async function save(ctx: CommandContext): Promise<Reply> {
  const p = partnerOf(ctx);
  const flow = await currentFlow(ctx);
  const st = (flow?.state ?? {}) as State;
  if (flow?.flow !== FLOW || flow.step !== 'confirm' || !st.kind) {
    return reply([text(`There is nothing to save; start again with ${hint(ctx, 'paymethod')}.`)]);
  }
  const saved = await savePaymentMethod(ctx.app, p.id, st.kind, st.values ?? {});
  await endFlow(ctx);
  return reply([text(`Saved: ${describeMethod(saved.kind, saved.details)}. Future payments go there.`)]);
}

export const paymethodFlow: FlowHandler = {
  async onText(ctx, input) {
    const st = ctx.conversation.state as State;
    const step = ctx.conversation.step;
    if (step === 'kind' || !st.kind || !isPaymentMethodKind(st.kind)) return chooseKind(ctx, input);
    const kind = st.kind;
    const values = { ...(st.values ?? {}) };
    if (step === 'confirm') {
      const a = input.toLowerCase();
      if (['yes', 'y', 'save', 'ok', 'confirm'].includes(a)) return save(ctx);
      if (['no', 'n'].includes(a)) {
        await endFlow(ctx);
        return reply([text('Cancelled. Your payment method is unchanged.')]);
      }
      return askConfirm(kind, values);
    }
    const field = METHOD_FIELDS[kind][Object.keys(values).length];
    if (!field) return askConfirm(kind, values);
    try {
      values[field.key] = field.parse(input);
    } catch (err) {
      if (err instanceof AppError)
        return askField(kind, values, err.message.charAt(0).toUpperCase() + err.message.slice(1));
      throw err;
    }
    const done = Object.keys(values).length >= METHOD_FIELDS[kind].length;
    await setFlowStep(ctx, FLOW, done ? 'confirm' : 'field', { kind, values });
    return done ? askConfirm(kind, values) : askField(kind, values);
  },
};

export const paymethod: Command = {
  name: 'paymethod',
  aliases: ['paymentmethod', 'payout-method'],
  summary: 'show or change how you get paid (guided)',
  usage: 'paymethod [change]',
  needsPartner: true,
  async run(ctx, args) {
    const p = partnerOf(ctx);
    if (/^(change|set|new|edit)$/i.test(args.trim())) {
      await startFlow(ctx, FLOW, 'kind');
      return askKind();
    }
    if (args.trim() !== '' && isPaymentMethodKind(args.trim().toLowerCase())) {
      await startFlow(ctx, FLOW, 'kind');
      return chooseKind(ctx, args);
    }
    const m = await getPaymentMethod(ctx.app, p.id);
    return reply(
      [
        text(
          m
            ? `Payments go to: ${describeMethod(m.kind, m.details)}.`
            : 'No payment method yet: we cannot pay you until you set one.',
        ),
      ],
      [[{ label: m ? 'Change' : 'Set payment method', action: 'paymethod:change' }]],
    );
  },
  async onAction(ctx, action) {
    const [, verb, arg] = action.split(':');
    if (verb === 'change') {
      await startFlow(ctx, FLOW, 'kind');
      return askKind();
    }
    if (verb === 'kind' && arg) {
      await startFlow(ctx, FLOW, 'kind');
      return chooseKind(ctx, arg);
    }
    if (verb === 'confirm') return save(ctx);
    await endFlow(ctx);
    return reply([text('Cancelled. Your payment method is unchanged.')]);
  },
};
