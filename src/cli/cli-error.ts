import { CommanderError } from 'commander';
import { ConfigError } from '../config/raw-env.js';
import { AppError, ValidationError } from '../domain/errors.js';

/** A bad argument the CLI itself noticed (before any use case ran): one line, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Maps use-case field names to the flag a CLI user typed, so errors talk about `--currency`, not `currency`. */
export type FlagNames = Record<string, string>;

function flagFor(field: string, flags: FlagNames): string {
  const top = field.split('.')[0] ?? field;
  return flags[field] ?? flags[top] ?? `--${top.replace(/_/g, '-')}`;
}

/** One line saying what is wrong, in CLI terms. */
export function describeAppError(err: AppError, flags: FlagNames = {}): string {
  if (err instanceof ValidationError && err.issues[0]?.field) {
    const i = err.issues[0];
    return `${flagFor(i.field, flags)} ${i.message}`;
  }
  if (err.field && err.message.startsWith(err.field)) {
    return `${flagFor(err.field, flags)}${err.message.slice(err.field.length)}`;
  }
  return err.message;
}

export interface ErrorOutcome {
  code: number;
  /** Lines for stderr, already prefixed. */
  lines: string[];
}

/**
 * Exit codes: 0 help, 2 a bad argument (commander's or a use case's validation), 1 anything else
 * (a conflict, something missing, a dependency down). Always one line unless config has several problems.
 */
export function errorOutcome(err: unknown, flags: FlagNames = {}): ErrorOutcome {
  const line = (s: string) => [`partnerdesk: ${s}`];
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return { code: 0, lines: [] };
    // Commander already printed the help for a missing verb; the one-line reason follows it.
    if (err.code === 'commander.help') return { code: 2, lines: line('name a verb; see the list above') };
    return { code: 2, lines: line(err.message.replace(/^error:\s*/, '')) };
  }
  if (err instanceof UsageError) return { code: 2, lines: line(err.message) };
  if (err instanceof AppError)
    return { code: err.kind === 'invalid' ? 2 : 1, lines: line(describeAppError(err, flags)) };
  if (err instanceof ConfigError)
    return { code: 1, lines: err.message.split('\n').map((l, i) => (i === 0 ? `partnerdesk: ${l}` : l)) };
  const e = err as Error;
  return { code: 1, lines: line(e?.message ?? String(err)) };
}
