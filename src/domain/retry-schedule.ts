/**
 * When to try a delivery again, and when to stop. Pure: the worker feeds it the attempt's outcome and gets a
 * decision, so the policy is tested without HTTP, Redis or a clock.
 */

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/**
 * Delay before attempt i+1 (index 0 is the first attempt: at once). Ten attempts spread over ~2.9 days,
 * close to what Svix and Stripe do: quick retries for blips, then hours for an endpoint that is down.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  10 * S,
  M,
  5 * M,
  30 * M,
  2 * H,
  6 * H,
  12 * H,
  24 * H,
  24 * H,
];

/** Longest we wait for a Retry-After, whatever the receiver asks. */
export const MAX_RETRY_AFTER_MS = 24 * H;
/** A 4xx other than 408/429 is the receiver refusing the request: a second try covers a deploy blip, no more. */
export const CLIENT_ERROR_MAX_ATTEMPTS = 2;

export interface AttemptOutcome {
  /** HTTP status when an answer arrived. */
  status?: number | undefined;
  /** Network error class when none did (timeout, refused, dns, tls, blocked ...). */
  errorClass?: string | undefined;
  /** Raw Retry-After header, if any. */
  retryAfter?: string | undefined;
}

export type RetryDecision =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead'; reason: string }
  | { kind: 'disable'; reason: string };

export interface RetryInput {
  outcome: AttemptOutcome;
  /** Attempts made so far, including the one just finished. */
  attempts: number;
  schedule?: readonly number[];
  now: number;
  /** [0, 1); injectable for tests. */
  random?: () => number;
}

/** ±20 % so deliveries that failed together do not all come back in the same second. */
export function jitter(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (0.8 + 0.4 * random()));
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(raw: string | undefined, now: number): number | undefined {
  if (!raw) return undefined;
  const s = raw.trim();
  if (/^\d{1,10}$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function isSuccess(o: AttemptOutcome): boolean {
  return o.status !== undefined && o.status >= 200 && o.status < 300 && !o.errorClass;
}

/** Does this outcome say the endpoint is unwell (counts against the circuit breaker)? */
export function isEndpointFailure(o: AttemptOutcome): boolean {
  if (o.errorClass) return o.errorClass !== 'blocked' && o.errorClass !== 'invalid_url' && o.errorClass !== 'aborted';
  return o.status === undefined || o.status >= 500 || o.status === 429 || o.status === 408;
}

export function decideRetry(input: RetryInput): RetryDecision {
  const { outcome: o, attempts } = input;
  const schedule = input.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  if (isSuccess(o)) return { kind: 'delivered' };
  if (o.status === 410 && !o.errorClass) {
    return { kind: 'disable', reason: 'the endpoint answered 410 Gone: the partner retired this postback URL' };
  }
  const exhausted = attempts >= schedule.length;
  const described = o.errorClass ? `error ${o.errorClass}` : `HTTP ${o.status}`;
  if (exhausted) return { kind: 'dead', reason: `gave up after ${attempts} attempts (last: ${described})` };
  const clientError = !o.errorClass && o.status !== undefined && o.status >= 400 && o.status < 500;
  const refusedForGood = o.errorClass === 'blocked' || o.errorClass === 'invalid_url';
  if ((clientError && o.status !== 408 && o.status !== 429) || refusedForGood) {
    if (attempts >= CLIENT_ERROR_MAX_ATTEMPTS) {
      return { kind: 'dead', reason: `gave up early after ${attempts} attempts: ${described} will not fix itself` };
    }
  }
  const step = schedule[attempts] ?? schedule[schedule.length - 1] ?? 0;
  let delayMs = jitter(step, input.random);
  const asked = parseRetryAfter(o.retryAfter, input.now);
  // Honour Retry-After, but never sooner than our own schedule and never later than a day.
  if (asked !== undefined) delayMs = Math.min(Math.max(asked, step), Math.max(step, MAX_RETRY_AFTER_MS));
  return { kind: 'retry', delayMs };
}
