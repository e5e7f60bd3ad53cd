import { z } from 'zod';
import { PERIOD_FORMS } from '../../domain/period.js';
import { REPORT_GROUPS } from '../../domain/report-dimensions.js';

const reportId = (what: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be the numeric id of a ${what}, like 12`)
    .transform(Number)
    .optional();

/**
 * GET /api/v1/report's query, shape-checked before requestReport applies the rules (partner scoping, periods,
 * time zones). The route parses with it (parseInput), so its messages are the API's; the OpenAPI document
 * describes the query from it too.
 */
export const ReportRequestSchema = z.object({
  group: z
    .string()
    .max(40)
    .optional()
    .meta({ description: `One of ${REPORT_GROUPS.join(', ')} (partner: admin keys only); default day.` }),
  date_from: z
    .string()
    .max(40)
    .optional()
    .meta({ examples: ['2026-11-01'] }),
  date_to: z
    .string()
    .max(40)
    .optional()
    .meta({ examples: ['2026-11-30'] }),
  period: z
    .string()
    .max(64)
    .optional()
    .meta({ description: `Instead of date_from/date_to: ${PERIOD_FORMS}.` }),
  partner_id: reportId('partner'),
  campaign_id: reportId('campaign'),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code like DE')
    .transform((s) => s.toUpperCase())
    .optional(),
  timezone: z
    .string()
    .max(64)
    .optional()
    .meta({ examples: ['Europe/Berlin'] }),
  currency: z.string().max(8).optional(),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
});
