import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import {
  checkBodyTemplate,
  checkPostbackTemplate,
  expandJsonBody,
  expandPostback,
  SAMPLE_CONVERSION,
} from '../../domain/postback-template.js';
import { parseInput } from '../../domain/validation.js';

export const PreviewSchema = z.object({
  url: z.string({ error: 'must be the postback URL to preview' }),
  body_format: z.enum(['none', 'form', 'json']).default('none'),
  body_template: z.string().max(8192).default(''),
});

export interface PostbackPreview {
  url: string;
  body: string | null;
  sample: Record<string, string>;
}

/**
 * The postback as it would be sent for the sample conversion: the bot's "check -> preview" step. Syntax only,
 * no DNS (that happens when saved), so a partner can iterate on the URL quickly.
 */
export function previewPostbackInput(input: unknown): PostbackPreview {
  const p = parseInput(PreviewSchema, input);
  const check = checkPostbackTemplate(p.url.trim());
  if (!check.ok) {
    throw new AppError('invalid', check.problems[0]!.code, check.problems.map((x) => x.message).join('; '), 'url');
  }
  let body: string | null = null;
  if (p.body_format !== 'none') {
    const b = checkBodyTemplate(p.body_template, p.body_format);
    if (!b.ok) {
      throw new AppError('invalid', b.problems[0]!.code, b.problems.map((x) => x.message).join('; '), 'body_template');
    }
    body =
      p.body_format === 'json'
        ? expandJsonBody(p.body_template, SAMPLE_CONVERSION)
        : expandPostback(p.body_template, SAMPLE_CONVERSION);
  }
  return { url: expandPostback(p.url.trim(), SAMPLE_CONVERSION), body, sample: { ...SAMPLE_CONVERSION } };
}
