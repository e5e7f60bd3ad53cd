import { z } from 'zod';
import { invalid } from '../../domain/errors.js';
import { parseTimezone } from '../../domain/period.js';

/**
 * Building blocks shared by the partner and campaign administration schemas. Every message says what a
 * good value looks like, because it reaches an operator verbatim as `field: message`.
 */

export const idSchema = (what: string) =>
  z.union(
    [
      z.number().int().positive(),
      z
        .string()
        .regex(/^\d{1,15}$/)
        .transform(Number),
    ],
    { error: `must be the numeric id of a ${what}, like 12` },
  );

export const currencySchema = z
  .string({ error: 'must be a 3-letter ISO code like USD or EUR' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO code like USD or EUR');

/** Canonical IANA spelling via parseTimezone, so partner settings and reports name a zone the same way. */
export const timezoneSchema = z
  .string({ error: 'must be an IANA time zone like Europe/Berlin or UTC' })
  .transform((v, ctx) => {
    try {
      return parseTimezone(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an IANA time zone like Europe/Berlin or UTC, got "${v}"` });
      return z.NEVER;
    }
  });

/** Decimal amounts arrive as strings ("12.50") or, forgivingly, numbers; parseMoney decides later. */
export const decimalSchema = z.union([z.string(), z.number()], { error: 'must be a decimal like 12.50' });

export const text = (label: string, max: number, example: string) =>
  z
    .string({ error: `must be text like "${example}"` })
    .trim()
    .min(1, `must not be empty; give the ${label}, like "${example}"`)
    .max(max, `must be at most ${max} characters`);

/** Refuses fields the schema does not know, so a typo ("stauts") is an error rather than a silent no-op. */
export function rejectUnknownKeys(input: unknown, known: readonly string[], prefix = ''): void {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid('invalid_body', `${prefix || 'the request body'} must be a JSON object`, prefix || undefined);
  }
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      const field = prefix ? `${prefix}.${key}` : key;
      throw invalid('unknown_field', `${field} is not a known field; use one of: ${known.join(', ')}`, field);
    }
  }
}

/** An update must name a field to change; otherwise it would only move updated_at, which no one asks for. */
export function requireSomeField(patch: Record<string, unknown>, known: readonly string[]): void {
  if (Object.values(patch).every((v) => v === undefined)) {
    throw invalid('empty_update', `send at least one field to change: ${known.join(', ')}`);
  }
}

export const PaginationSchema = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 500' })
    .int('must be a whole number from 1 to 500')
    .min(1, 'must be a whole number from 1 to 500')
    .max(500, 'must be a whole number from 1 to 500')
    .default(50),
  offset: z.coerce
    .number({ error: 'must be a whole number, 0 or more' })
    .int('must be a whole number, 0 or more')
    .min(0, 'must be a whole number, 0 or more')
    .default(0),
  search: z.string().trim().max(200, 'must be at most 200 characters').optional(),
});

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const isoTime = (ms: number) => new Date(ms).toISOString();
