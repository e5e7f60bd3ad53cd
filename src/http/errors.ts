import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type AppErrorKind, ValidationError } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';

const STATUS: Record<AppErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: { field: string; message: string }[] };
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

/** Maps every error to CONTRACT.md's JSON shape; unexpected ones are logged and never leak internals. */
export function makeErrorHandler(logger: Logger) {
  return function handleError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
    if (err instanceof AppError) {
      const body = errorBody(err.code, err.message, err.field);
      if (err instanceof ValidationError && err.issues.length > 1) body.error.issues = err.issues;
      return reply.status(STATUS[err.kind]).send(body);
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && /JSON/i.test(fe.message))) {
      return reply.status(400).send(errorBody('invalid_json', 'the request body is not valid JSON'));
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .status(413)
        .send(errorBody('body_too_large', 'the request body is too large; send fewer items per request'));
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .status(415)
        .send(errorBody('unsupported_media_type', 'send application/json or application/x-www-form-urlencoded'));
    }
    if (fe.validation) {
      return reply.status(400).send(errorBody('validation_failed', fe.message));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody('bad_request', fe.message));
    }
    logger.error(
      { err, reqId: req.id, url: req.url, method: req.method, event: 'http.unhandled_error' },
      'unhandled error',
    );
    return reply.status(500).send(errorBody('internal_error', 'something went wrong on our side; it has been logged'));
  };
}
