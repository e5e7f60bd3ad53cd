import { invalid } from './errors.js';

export const PAYMENT_METHOD_KINDS = ['paypal', 'wire', 'wise', 'crypto'] as const;
export type PaymentMethodKind = (typeof PAYMENT_METHOD_KINDS)[number];

export interface MethodField {
  key: string;
  /** Asked as: "Send the <label>". */
  label: string;
  example: string;
  /** Returns the cleaned value or throws an AppError naming the field and the fix. */
  parse(raw: string): string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

function email(label: string): MethodField['parse'] {
  return (raw) => {
    const s = raw.trim();
    if (!EMAIL.test(s) || s.length > 320)
      throw invalid(
        'invalid_email',
        `${label} must be an e-mail address like name@example.com, got "${s.slice(0, 80)}"`,
        'email',
      );
    return s;
  };
}

function nonEmpty(label: string, key: string, max = 200): MethodField['parse'] {
  return (raw) => {
    const s = raw.trim();
    if (!s) throw invalid(`missing_${key}`, `${label} must not be empty`, key);
    if (s.length > max) throw invalid(`invalid_${key}`, `${label} must be at most ${max} characters`, key);
    return s;
  };
}

/** IBAN: country, check digits, up to 30 letters/digits, and the ISO 7064 mod-97 check (catches typos). */
export function parseIban(raw: string): string {
  const s = raw.replace(/\s+/g, '').toUpperCase();
  const fail = () =>
    invalid(
      'invalid_iban',
      `IBAN must look like DE89 3704 0044 0532 0130 00 (country, 2 check digits, account), got "${raw.trim().slice(0, 40)}"`,
      'iban',
    );
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) throw fail();
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const c of moved) {
    const v = c >= 'A' ? String(c.charCodeAt(0) - 55) : c;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  if (rem !== 1) {
    throw invalid(
      'invalid_iban',
      'IBAN check digits do not match: a character is probably mistyped, please check it',
      'iban',
    );
  }
  return s.replace(/(.{4})/g, '$1 ').trim();
}

function bic(raw: string): string {
  const s = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(s)) {
    throw invalid(
      'invalid_bic',
      `BIC/SWIFT must be 8 or 11 letters and digits like DEUTDEFF, got "${raw.trim().slice(0, 20)}"`,
      'bic',
    );
  }
  return s;
}

function cryptoAddress(raw: string): string {
  const s = raw.trim();
  if (!s) throw invalid('missing_address', 'wallet address must not be empty', 'address');
  if (/\s/.test(s) || s.length > 128)
    throw invalid(
      'invalid_address',
      'wallet address must be one word without spaces, at most 128 characters',
      'address',
    );
  return s;
}

/** The fields each kind needs, in the order a guided flow asks for them. */
export const METHOD_FIELDS: Record<PaymentMethodKind, MethodField[]> = {
  paypal: [{ key: 'email', label: 'PayPal e-mail', example: 'name@example.com', parse: email('PayPal e-mail') }],
  wise: [
    { key: 'email', label: 'Wise e-mail', example: 'name@example.com', parse: email('Wise e-mail') },
    {
      key: 'holder',
      label: 'account holder name',
      example: 'Jane Doe',
      parse: nonEmpty('account holder name', 'holder'),
    },
  ],
  wire: [
    {
      key: 'holder',
      label: 'account holder name',
      example: 'Jane Doe',
      parse: nonEmpty('account holder name', 'holder'),
    },
    { key: 'iban', label: 'IBAN', example: 'DE89 3704 0044 0532 0130 00', parse: parseIban },
    { key: 'bic', label: 'BIC/SWIFT code', example: 'DEUTDEFF', parse: bic },
    { key: 'bank', label: 'bank name', example: 'Deutsche Bank', parse: nonEmpty('bank name', 'bank') },
  ],
  crypto: [
    {
      key: 'network',
      label: 'currency and network',
      example: 'USDT TRC20',
      parse: nonEmpty('currency and network', 'network', 40),
    },
    { key: 'address', label: 'wallet address', example: 'TQ2v...x9', parse: cryptoAddress },
  ],
};

export const isPaymentMethodKind = (s: string): s is PaymentMethodKind =>
  (PAYMENT_METHOD_KINDS as readonly string[]).includes(s);

/** Validates a whole set of details (the flow validates field by field; this guards the save). */
export function parseMethodDetails(kind: string, details: Record<string, unknown>): Record<string, string> {
  if (!isPaymentMethodKind(kind)) {
    throw invalid(
      'invalid_method_kind',
      `payment method must be one of ${PAYMENT_METHOD_KINDS.join(', ')}, got "${kind}"`,
      'kind',
    );
  }
  const out: Record<string, string> = {};
  for (const f of METHOD_FIELDS[kind]) out[f.key] = f.parse(String(details[f.key] ?? ''));
  return out;
}

/** A one-line description that does not spell out full account numbers in a chat. */
export function describeMethod(kind: string, d: Record<string, string>): string {
  const tail = (s: string | undefined) => (s ? `…${s.replace(/\s/g, '').slice(-4)}` : '');
  switch (kind) {
    case 'paypal':
      return `PayPal ${d['email'] ?? ''}`.trim();
    case 'wise':
      return `Wise ${d['email'] ?? ''}${d['holder'] ? ` (${d['holder']})` : ''}`;
    case 'wire':
      return `Bank transfer to ${d['holder'] ?? ''}, IBAN ${tail(d['iban'])}${d['bank'] ? `, ${d['bank']}` : ''}`;
    case 'crypto':
      return `Crypto ${d['network'] ?? ''} to ${(d['address'] ?? '').slice(0, 6)}${tail(d['address'])}`;
    default:
      return kind;
  }
}
