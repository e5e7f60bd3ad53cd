import type { z } from 'zod';
import { ValidationError } from './errors.js';

/**
 * Runs a zod schema and turns its issues into one ValidationError naming each field, so HTTP answers 400
 * with `field` and chat replies can say which argument is wrong. Schemas carry their own fix-it messages.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  // reportInput: without it zod v4 omits `input`, and every wrong type would read "is required".
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => {
      const field = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      return { field, message: humanIssue(i) };
    }),
  );
}

function humanIssue(i: z.core.$ZodIssue): string {
  if (i.code === 'invalid_type' && (i as { input?: unknown }).input === undefined) return 'is required';
  return i.message;
}
