import { describe, expect, it } from 'vitest';
import { classifyNetworkError, describeNetworkError } from './classify-error.js';

const err = (code: string, message = 'boom', extra: object = {}) => Object.assign(new Error(message), { code }, extra);

describe('classifyNetworkError', () => {
  it.each([
    [err('ERR_POSTBACK_BLOCKED'), 'blocked'],
    [err('ERR_POSTBACK_INVALID_HOST'), 'invalid_url'],
    [err('ECONNREFUSED'), 'refused'],
    [err('ENOTFOUND'), 'dns'],
    [err('EAI_AGAIN'), 'dns'],
    [err('ECONNRESET'), 'reset'],
    [err('UND_ERR_SOCKET', 'other side closed'), 'reset'],
    [err('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    [err('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [err('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    [err('ETIMEDOUT'), 'timeout'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    [new DOMException('This operation was aborted', 'AbortError'), 'aborted'],
    [err('EHOSTUNREACH'), 'unreachable'],
    [err('ENETUNREACH'), 'unreachable'],
    [err('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    [err('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [err('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [err('CERT_HAS_EXPIRED'), 'tls'],
    [err('EPROTO'), 'tls'],
    [err('HPE_INVALID_CONSTANT'), 'protocol'],
    [err('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'protocol'],
    [new TypeError('fetch failed', { cause: err('ECONNREFUSED') }), 'refused'],
    [new Error('mystery'), 'other'],
    ['a string', 'other'],
    [null, 'other'],
  ])('%s -> %s', (e, cls) => {
    expect(classifyNetworkError(e)).toBe(cls);
  });
});

describe('describeNetworkError', () => {
  it('puts the code first and keeps the cause', () => {
    expect(describeNetworkError(err('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:9',
    );
    expect(describeNetworkError(err('UND_ERR_SOCKET', 'other side closed'))).toBe('UND_ERR_SOCKET: other side closed');
    expect(describeNetworkError(new Error('fetch failed', { cause: err('ENOTFOUND', 'getaddrinfo x') }))).toBe(
      'ENOTFOUND: fetch failed: getaddrinfo x',
    );
  });

  it('bounds the length', () => {
    expect(describeNetworkError(new Error('x'.repeat(5000))).length).toBe(300);
  });
});
