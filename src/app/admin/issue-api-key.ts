import { z } from 'zod';
import { findPartnerById } from '../../db/repositories/partners.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema, text } from './admin-input.js';
import { createApiKey } from './api-keys.js';
import { partnerNotFound } from './get-partner.js';

const Schema = z.object({
  name: text('key name', 100, 'reporting-script'),
  partner_id: idSchema('partner').optional(),
});

export interface IssuedApiKey {
  id: number;
  /** The key in clear: shown once, never stored. */
  key: string;
  prefix: string;
  role: 'admin' | 'partner';
  partnerId: number | null;
}

/** An admin key, or with partner_id a partner key that sees only that partner's reports. */
export async function issueApiKey(deps: Deps, input: unknown): Promise<IssuedApiKey> {
  const p = parseInput(Schema, input);
  if (p.partner_id !== undefined && !(await findPartnerById(deps.db, p.partner_id))) {
    throw partnerNotFound(p.partner_id, 'partner_id');
  }
  const role = p.partner_id === undefined ? 'admin' : 'partner';
  const partnerId = p.partner_id ?? null;
  const created = await createApiKey(deps, { name: p.name, role, partnerId });
  return { ...created, role, partnerId };
}
