import { describe, expect, it } from 'vitest';
import { checkDeeplink, hostAllowed } from './deeplink.js';

const DOMAINS = ['shop.example.com', 'brand.example'];
const reason = (raw: string, domains = DOMAINS) => {
  const r = checkDeeplink(raw, domains);
  return r.ok ? 'ok' : r.reason;
};

describe('deeplinks', () => {
  it('allows a listed host and its subdomains, in any case, with a trailing dot', () => {
    expect(hostAllowed('shop.example.com', DOMAINS)).toBe(true);
    expect(hostAllowed('eu.shop.example.com', DOMAINS)).toBe(true);
    expect(hostAllowed('Brand.Example.', DOMAINS)).toBe(true);
    expect(hostAllowed('example.com', DOMAINS)).toBe(false);
    expect(hostAllowed('evilshop.example.com', DOMAINS)).toBe(false);
    expect(hostAllowed('shop.example.com.evil.net', DOMAINS)).toBe(false);
    expect(hostAllowed('', ['.'])).toBe(false);
  });

  it('judges a URL by the host a browser would go to', () => {
    expect(reason('https://shop.example.com/sale?x=1')).toBe('ok');
    expect(reason('http://a.brand.example:8080/')).toBe('ok');
    expect(reason('https://shop.example.com@evil.example/')).toBe('host');
    expect(reason('https://evil.example\\.shop.example.com/')).toBe('host');
    expect(reason('https://evil.example#.shop.example.com')).toBe('host');
    expect(reason('//shop.example.com/x')).toBe('not_url');
    expect(reason('shop.example.com/x')).toBe('not_url');
    expect(reason('javascript:alert(1)//shop.example.com')).toBe('scheme');
    expect(reason('data:text/html,hi')).toBe('scheme');
    expect(reason('ftp://shop.example.com/x')).toBe('scheme');
    expect(reason('https://shop.example.com/', [])).toBe('no_domains');
  });
});
