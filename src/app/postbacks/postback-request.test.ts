import { describe, expect, it } from 'vitest';
import { endpointOf } from './postback-request.js';

describe('endpointOf', () => {
  it('is scheme://host:port with the default port filled in, whatever follows the authority', () => {
    expect(endpointOf('https://t.example/pb?id=1')).toBe('https://t.example:443');
    expect(endpointOf('http://t.example:8080?id=1')).toBe('http://t.example:8080');
    expect(endpointOf('http://T.Example#x')).toBe('http://t.example:80');
    expect(endpointOf('http://user@t.example/p')).toBe('http://t.example:80');
    expect(endpointOf('http://t.example\\evil.example/p')).toBe('http://t.example:80');
    expect(endpointOf('http://[::1]:9/p')).toBe('http://[::1]:9');
  });

  it('answers the same the second time (remembered) and null for what is not a URL', () => {
    expect(endpointOf('https://t.example/a')).toBe(endpointOf('https://t.example/b?x=1'));
    expect(endpointOf('not a url')).toBeNull();
    expect(endpointOf('not a url')).toBeNull();
  });
});
