import { z } from 'zod';
import { MAX_UPDATE_ITEMS } from '../../app/conversions/update-conversions.js';
import { MAX_UPLOAD_ITEMS } from '../../app/conversions/upload-conversions.js';

/**
 * Zod schemas of the wire formats whose use cases parse by hand (the S2S postback, conversion uploads and
 * updates, test fires, digest settings, list filters). They describe the requests for the generated OpenAPI
 * document; the use cases keep their own parsing, whose error messages are part of the contract.
 */

const decimal = (description: string, example: string) =>
  z
    .union([z.string().max(24), z.number().nonnegative()])
    .meta({ description: `${description} A decimal like "49.90" ("49,90" is accepted).`, examples: [example] });
/** What parseConversionStatus accepts: our three statuses, or a tracker's spelling of one, in any case. */
const conversionStatus = z
  .string()
  .max(32)
  .meta({
    description:
      "approved, pending or declined (a postback without one is approved). Trackers' spellings are accepted in any " +
      'case: confirmed, paid, hold, on_hold, rejected, cancelled, refunded, chargeback, fraud, ...',
    examples: ['approved'],
  });
const isoTime = z.string().meta({ format: 'date-time', examples: ['2026-11-24T10:00:00.000Z'] });
const numericId = (what: string) =>
  z
    .string()
    .regex(/^\d{1,12}$/)
    .meta({ description: `The numeric id of the ${what}.`, examples: ['12'] });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable snake_case code.', examples: ['validation_failed'] }),
      message: z.string().meta({
        description: 'What is wrong and how to fix it.',
        examples: ['timezone: must be an IANA time zone like Europe/Berlin or UTC'],
      }),
      field: z.string().optional().meta({ description: 'The input at fault, as a dotted path.' }),
      issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ description: 'Every error: {"error":{"code","message","field"}}; a refused request wrote nothing.' });

export const IdParams = z.object({ id: numericId('resource') });
export const TokenParams = z.object({ token: z.string().meta({ description: 'The token from the e-mail link.' }) });

export const ConversionFields = z.object({
  clickid: z
    .string()
    .max(64)
    .meta({ description: 'The {clickid} the tracking link delivered.', examples: ['k3Jd9aQx2'] }),
  sum: decimal('Revenue of the conversion.', '49.90').optional(),
  payout: decimal('Alias of sum.', '49.90').optional(),
  type: z
    .string()
    .max(64)
    .optional()
    .meta({ description: 'A conversion type of the campaign.', examples: ['deposit'] }),
  status: conversionStatus.optional(),
  txid: z.string().max(128).optional().meta({ description: 'Advertiser transaction id; repeats are duplicates.' }),
  currency: z
    .string()
    .max(8)
    .optional()
    .meta({ description: "The campaign's currency, if sent.", examples: ['EUR'] }),
});
export const ConversionResult = z.object({
  status: z.literal('ok'),
  conversion_id: z.number().int(),
  duplicate: z.boolean().meta({ description: 'True when this clickid/type/txid was already recorded.' }),
});

const uploadExample = [{ clickid: 'k3Jd9aQx2', sum: '49.90', type: 'deposit', status: 'approved', txid: 'T-1' }];
const uploadList = z.array(ConversionFields).min(1).max(MAX_UPLOAD_ITEMS);
export const ConversionUpload = z
  .union([uploadList, z.object({ conversions: uploadList })])
  .meta({ description: 'A JSON array of conversions, or {"conversions": [...]}.', examples: [uploadExample] });

const ConversionChange = z.object({
  conversion_id: z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,15}$/)]).optional(),
  txid: z.string().max(128).optional(),
  clickid: z.string().max(64).optional(),
  type: z.string().max(64).optional(),
  status: conversionStatus.optional(),
  payout: decimal('New partner payout.', '30.00').optional(),
  revenue: decimal('New revenue.', '60.00').optional(),
});
const updateList = z.array(ConversionChange).min(1).max(MAX_UPDATE_ITEMS);
export const ConversionUpdate = z.union([updateList, z.object({ conversions: updateList })]).meta({
  description: 'Name each conversion by conversion_id, txid, or clickid and type; send status, payout or revenue.',
  examples: [[{ conversion_id: 1, status: 'approved' }]],
});

const itemResult = (statuses: [string, ...string[]]) =>
  z.object({
    index: z.number().int(),
    status: z.enum(statuses),
    conversion_id: z.number().int().optional(),
    error: ErrorBody.shape.error.optional(),
  });
export const UploadResult = z.object({
  created: z.number().int(),
  duplicates: z.number().int(),
  errors: z.number().int(),
  results: z.array(itemResult(['created', 'duplicate', 'error'])),
});
export const UpdateResult = z.object({
  updated: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
  results: z.array(itemResult(['updated', 'unchanged', 'error'])),
});

export const TestFireBody = z
  .object({
    url: z.string().optional().meta({ description: 'The postback URL template (unsaved test only).' }),
    method: z.enum(['GET', 'POST']).optional(),
    body_format: z.enum(['none', 'form', 'json']).optional(),
    body_template: z.string().max(8192).optional(),
    conversion_id: z.number().int().positive().optional().meta({ description: 'Fire for this conversion.' }),
  })
  .meta({ examples: [{ url: 'https://tracker.example.com/pb?click={ref_id}&sum={payout}' }] });
export const TestFireResult = z.object({
  url: z.string(),
  method: z.string(),
  body: z.string().nullable(),
  ok: z.boolean(),
  status: z.number().int().nullable(),
  duration_ms: z.number().int(),
  response_snippet: z.string().nullable(),
  error_class: z.string().nullable(),
  error_message: z.string().nullable(),
});

export const DeliveryQuery = z.object({
  partner_id: numericId('partner').optional(),
  postback_id: numericId('postback').optional(),
  state: z.enum(['pending', 'delivered', 'dead']).optional(),
  limit: z.string().optional().meta({ description: '1..500, default 50.' }),
  before_id: z.string().optional().meta({ description: 'Page backwards: next_before_id of the previous page.' }),
});
export const PostbackQuery = z.object({
  partner_id: numericId('partner').optional(),
  campaign_id: numericId('campaign').optional(),
});

export const DigestSettingsPatch = z
  .object({
    cadence: z.enum(['daily', 'weekly', 'monthly', 'off']).optional(),
    hour: z.number().int().min(0).max(23).optional(),
    weekday: z.number().int().min(1).max(7).optional().meta({ description: '1 = Monday (weekly digests).' }),
    email: z.email().optional().meta({ description: 'A new address is confirmed by mail first.' }),
  })
  .meta({ examples: [{ cadence: 'weekly', hour: 9, weekday: 1 }] });
export const DigestSettingsView = z.object({
  cadence: z.enum(['daily', 'weekly', 'monthly', 'off']),
  hour: z.number().int(),
  weekday: z.number().int(),
  email: z.string().nullable(),
  pending_email: z.string().nullable(),
  undeliverable: z.object({ at: isoTime, reason: z.string() }).nullable(),
  is_default: z.boolean(),
});
