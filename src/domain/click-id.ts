import { randomFillSync } from 'node:crypto';

/**
 * Public click ids are bearer tokens for attribution (whoever knows one can claim its conversions), so their
 * secret part is 96 random bits from the CSPRNG. In front of it sit 7 characters of the click time in ms:
 * ids then arrive in roughly ascending order, so the unique index on clicks.click_id grows at its right edge
 * instead of dirtying a random B-tree page per click (on SQLite that page write amplification, through the
 * WAL and its checkpoints, was the main cost of storing a click). The time is not a secret: the advertiser
 * who receives the id sees the visit anyway.
 *
 * Format: 23 characters of [-0-9A-Z_a-z]; the alphabet is in ASCII order so text order follows time order.
 */
export const CLICK_ID_LENGTH = 23;
const TIME_CHARS = 7; // 42 bits of epoch ms: good until the year 2109
const RANDOM_BYTES = 12; // 96 bits, 16 characters
const ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const CLICK_ID = /^[-0-9A-Z_a-z]{23}$/;

// Filling 3 KiB at a time costs one syscall per 256 ids instead of one per id, on the tracking hot path.
const pool = Buffer.alloc(RANDOM_BYTES * 256);
let offset = pool.length;

/** A new click id; `at` (epoch ms, default now) only orders it, it adds no secrecy. */
export function newClickId(at: number = Date.now()): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let id = '';
  let t = Math.max(0, Math.floor(at));
  for (let i = 0; i < TIME_CHARS; i++) {
    id = ALPHABET[t % 64] + id;
    t = Math.floor(t / 64);
  }
  // 12 bytes = 4 groups of 3 bytes = 4 groups of 4 six-bit characters.
  for (let i = 0; i < RANDOM_BYTES; i += 3) {
    const n = ((pool[offset + i] ?? 0) << 16) | ((pool[offset + i + 1] ?? 0) << 8) | (pool[offset + i + 2] ?? 0);
    id += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  offset += RANDOM_BYTES;
  return id;
}

/** Does this look like one of our click ids? (Cheap shape check before a database look-up.) */
export function isClickId(s: string): boolean {
  return CLICK_ID.test(s);
}
