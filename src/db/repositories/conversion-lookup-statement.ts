import type { Knex } from 'knex';
import { addClickWithTerms, addPayoutRule, CLICK_COLUMNS, type ConversionContext } from './conversions.js';
import { type Postback, toPostback } from './postbacks.js';

type Q = Knex | Knex.Transaction;

/** What a conversion batch reads before it writes (record-conversion-batch.ts). */
export interface ConversionLookup extends ConversionContext {
  /** The enabled postbacks of the clicks' partners. */
  postbacks: Postback[];
  /** Conversion ids taken from the table's sequence for the batch's new conversions (see reserveConversionIds). */
  ids: number[];
}

/** Click ids per statement at most, as findClicksWithTerms reads them. */
const MAX_CLICKS = 500;

/**
 * PostgreSQL: everything a conversion batch reads, in ONE statement: the clicks with their campaign's
 * currency and their partner's referral terms, the payout rules of those campaigns (by id), the enabled
 * postbacks of those partners, and `reserve` conversion ids. Four statements in two round trips before;
 * each result comes back as one JSON (or array) column of a single row. The same answers as
 * findClicksWithTerms, addPayoutRules, findEnabledRules and reserveConversionIds. Null where it does not
 * apply (more clicks than one statement takes): the caller reads the usual way.
 */
export async function lookUpConversionBatch(
  q: Q,
  clickIds: readonly string[],
  reserve: number,
): Promise<ConversionLookup | null> {
  if (clickIds.length > MAX_CLICKS) return null;
  const res = await q.raw(
    // The click ids travel as one JSON array: a knex array binding would be spread into a list.
    `with k as (
       select ${CLICK_COLUMNS.map((c) => `clicks.${c}`).join(', ')},
         campaigns.id as terms_campaign_id, campaigns.currency as terms_currency,
         partners.id as terms_partner_id, partners.referrer_id as terms_referrer_id,
         partners.referral_rate_bp as terms_referral_rate_bp
       from clicks
       left join campaigns on campaigns.id = clicks.campaign_id
       left join partners on partners.id = clicks.partner_id
       where clicks.click_id in (select json_array_elements_text(?::json))
     )
     select
       (select coalesce(json_agg(k), '[]'::json) from k) as clicks,
       (select coalesce(json_agg(r order by r.id), '[]'::json) from campaign_payouts r
         where r.campaign_id in (select terms_campaign_id from k)) as rules,
       (select coalesce(json_agg(p order by p.id), '[]'::json) from postbacks p
         where p.partner_id in (select partner_id from k) and p.enabled = true and p.deleted_at is null) as postbacks,
       (select coalesce(array_agg(nextval(pg_get_serial_sequence('conversions', 'id'))), '{}')
         from generate_series(1, ?::int)) as ids`,
    [JSON.stringify(clickIds), Math.max(0, reserve)],
  );
  const row = res.rows[0] as { clicks: object[]; rules: object[]; postbacks: object[]; ids: (string | number)[] };
  const out: ConversionLookup = {
    clicks: new Map(),
    campaigns: new Map(),
    partners: new Map(),
    postbacks: row.postbacks.map((p) => toPostback(p as Record<string, unknown>)),
    ids: row.ids.map(Number),
  };
  for (const r of row.clicks) addClickWithTerms(out, r as Record<string, unknown>);
  for (const r of row.rules) addPayoutRule(out.campaigns, r as Record<string, unknown>);
  return out;
}
