import type { Knex } from 'knex';

export interface NewPaymentMethodRow {
  partner_id: number;
  kind: string;
  /** JSON text. */
  details: string;
  is_default: boolean;
  created_at: number;
}

export async function insertPaymentMethod(db: Knex, row: NewPaymentMethodRow): Promise<number> {
  const [r] = await db('payment_methods').insert(row).returning('id');
  return (r as { id: number }).id;
}
