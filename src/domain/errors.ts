/**
 * One error type for everything a caller can get wrong or run into. The code is stable (clients and tests
 * match on it); the message says what is wrong and how to fix it; `field` names the input at fault.
 * HTTP status and chat wording are decided at the edge, from `kind`.
 */
export type AppErrorKind =
  | 'invalid' // 400: the input is wrong
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'rate_limited' // 429
  | 'unavailable'; // 503: a dependency is down; retrying later may help

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly kind: AppErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalid = (code: string, message: string, field?: string) => new AppError('invalid', code, message, field);
export const notFound = (code: string, message: string, field?: string) =>
  new AppError('not_found', code, message, field);
export const conflict = (code: string, message: string, field?: string) =>
  new AppError('conflict', code, message, field);

/** Several problems with one input, reported together so a caller fixes them in one go. */
export class ValidationError extends AppError {
  constructor(readonly issues: { field: string; message: string }[]) {
    const first = issues[0] ?? { field: '', message: 'invalid input' };
    super(
      'invalid',
      'validation_failed',
      first.field ? `${first.field}: ${first.message}` : first.message,
      first.field,
    );
  }
}
