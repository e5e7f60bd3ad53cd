import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type AppErrorKind, ValidationError } from '../domain/errors.js';
import { ownEntry } from '../domain/own-entry.js';
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
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply
        .status(400)
        .send(
          errorBody('empty_body', 'the body is empty but says it is JSON; send a JSON document or no content-type'),
        );
    }
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

/**
 * Errors Fastify answers before any route runs (frameworkErrors): a path segment longer than maxParamLength
 * and a URL with broken percent-encoding. Left alone they would come out as `{"error":"Bad Request",...}`.
 */
export function frameworkErrorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply
      .status(414)
      .send(errorBody('url_too_long', 'a part of the URL path is too long; ids and names there are short'));
  }
  if (err.code === 'FST_ERR_BAD_URL') {
    return reply
      .status(400)
      .send(errorBody('bad_url_encoding', 'the URL path has a broken %-escape; encode it with encodeURIComponent'));
  }
  return reply.status(400).send(errorBody('bad_request', err.message));
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    message: 'the request line or headers are too large; send a shorter URL or fewer headers',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'the request took too long to arrive' },
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers or URL past the header limit,
 * malformed request lines, a body that never arrives). The answer is written on the socket, in the same shape.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = ownEntry(CLIENT_ERRORS, err.code ?? '') ?? {
    status: 400,
    code: 'malformed_request',
    message: 'the request is not valid HTTP/1.1',
  };
  const body = JSON.stringify(errorBody(known.code, known.message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
