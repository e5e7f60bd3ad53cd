import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { ensureAppSecret } from '../../db/repositories/digests.js';
import type { Deps } from '../deps.js';

/**
 * Unsubscribe and address-confirmation links carry an HMAC, not a database id: nobody can unsubscribe or
 * confirm for someone else by counting. The key is DIGEST_TOKEN_SECRET, or one generated once and kept in the
 * database (app_secrets) so every process of a deployment signs and checks with the same key.
 */
const keys = new WeakMap<Knex, Promise<Buffer>>(); // per database handle: one read per process, not per link

export function tokenKey(deps: Pick<Deps, 'config' | 'db' | 'now'>): Promise<Buffer> {
  const fromConfig = deps.config.digests.tokenSecret;
  if (fromConfig) return Promise.resolve(Buffer.from(fromConfig, 'utf8'));
  let k = keys.get(deps.db);
  if (!k) {
    k = ensureAppSecret(deps.db, 'digest_token', randomBytes(32).toString('hex'), deps.now()).then((v) =>
      Buffer.from(v, 'utf8'),
    );
    // A failed read is not cached: the next link tries again.
    k.catch(() => keys.delete(deps.db));
    keys.set(deps.db, k);
  }
  return k;
}

const mac = (key: Buffer, msg: string) => createHmac('sha256', key).update(msg).digest('base64url').slice(0, 27);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const unsubscribeToken = (key: Buffer, partnerId: number): string =>
  `u${partnerId}.${mac(key, `unsubscribe:${partnerId}`)}`;

/** The partner id a genuine unsubscribe token names; null for anything else. */
export function verifyUnsubscribeToken(key: Buffer, token: string): number | null {
  const m = /^u(\d{1,12})\.([A-Za-z0-9_-]{27})$/.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  return same(m[2] as string, mac(key, `unsubscribe:${id}`)) ? id : null;
}

const confirmMessage = (partnerId: number, email: string, pendingAt: number) =>
  `confirm:${partnerId}:${email.toLowerCase()}:${pendingAt}`;

/** Bound to the address and the moment it was asked for: asking again voids the older link. */
export const confirmToken = (key: Buffer, partnerId: number, email: string, pendingAt: number): string =>
  `c${partnerId}.${pendingAt.toString(36)}.${mac(key, confirmMessage(partnerId, email, pendingAt))}`;

export function parseConfirmToken(token: string): { partnerId: number; pendingAt: number; mac: string } | null {
  const m = /^c(\d{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{27})$/.exec(token);
  if (!m) return null;
  return { partnerId: Number(m[1]), pendingAt: Number.parseInt(m[2] as string, 36), mac: m[3] as string };
}

export function confirmTokenMatches(
  key: Buffer,
  t: { partnerId: number; pendingAt: number; mac: string },
  email: string,
): boolean {
  return same(t.mac, mac(key, confirmMessage(t.partnerId, email, t.pendingAt)));
}
