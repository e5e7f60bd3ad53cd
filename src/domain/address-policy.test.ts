import { describe, expect, it } from 'vitest';
import { addressBlockReason, classifyAddress, isForbiddenAddress, parseHostLiteral } from './address-policy.js';

describe('isForbiddenAddress: IPv4', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.99', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
  ])('%s is %s', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '192.167.255.255',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '11.0.0.1',
  ])('%s is public', (ip) => {
    expect(isForbiddenAddress(ip)).toBeNull();
  });
});

describe('isForbiddenAddress: IPv6', () => {
  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'ipv4_mapped_loopback'],
    ['::ffff:7f00:1', 'ipv4_mapped_loopback'],
    ['::FFFF:7F00:0001', 'ipv4_mapped_loopback'],
    ['0:0:0:0:0:ffff:10.1.2.3', 'ipv4_mapped_private'],
    ['::ffff:a9fe:a9fe', 'ipv4_mapped_metadata'],
    ['::127.0.0.1', 'ipv4_compatible'],
    ['::8.8.8.8', 'ipv4_compatible'],
    ['64:ff9b::127.0.0.1', 'nat64_loopback'],
    ['64:ff9b::a9fe:a9fe', 'nat64_metadata'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::1', '6to4_loopback'],
    ['2002:c0a8:101::1', '6to4_private'],
    ['fc00::1', 'ula'],
    ['fd12:3456::1', 'ula'],
    ['fd00:ec2::254', 'metadata'],
    ['fd00:0ec2:0:0:0:0:0:254', 'metadata'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['::ffff:0:7f00:1', 'reserved'],
  ])('%s is %s', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toBe(reason);
  });

  it.each([
    '2606:4700:4700::1111',
    '2a00:1450:4001:82a::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('%s is public', (ip) => {
    expect(isForbiddenAddress(ip)).toBeNull();
  });
});

describe('isForbiddenAddress: inputs that are not addresses', () => {
  it.each(['', 'localhost', 'example.com', '256.0.0.1', '1:2:3:4:5:6:7:8:9', '::1::2', '[::1', 'fe80::g'])(
    '%j is invalid (names must be resolved first)',
    (ip) => {
      expect(isForbiddenAddress(ip)).toBe('invalid');
    },
  );
});

describe('parseHostLiteral: every notation of one host is the same host', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7F000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0177.0.0.01', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
    ['2852039166', '169.254.169.254'],
  ])('%s -> %s (as WHATWG URL does)', (host, address) => {
    expect(parseHostLiteral(host)).toEqual({ kind: 'ip', family: 4, address });
    expect(new URL(`http://${host}/`).hostname).toBe(address);
  });

  it.each([
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
    ['[2001:DB8:0:0:1:0:0:1]', '2001:db8::1:0:0:1'],
    ['[1:0:0:2:0:0:0:3]', '1:0:0:2::3'],
    ['[fd00:ec2::254]', 'fd00:ec2::254'],
  ])('%s -> %s (as WHATWG URL does)', (host, address) => {
    expect(parseHostLiteral(host)).toEqual({ kind: 'ip', family: 6, address });
    expect(new URL(`http://${host}/`).hostname).toBe(`[${address}]`);
  });

  it.each(['example.com', 'localhost', 'xn--bcher-kva.example', '127.0.0.1.nip.io', '0x7f.example'])(
    '%s is a name to resolve',
    (host) => {
      expect(parseHostLiteral(host).kind).toBe('name');
    },
  );

  it('drops the trailing dot of a fully qualified name', () => {
    expect(parseHostLiteral('Example.COM.')).toEqual({ kind: 'name', name: 'example.com' });
  });

  it.each([
    '256.0.0.1',
    '1.2.3.4.5',
    '0x100000000',
    '4294967296',
    '09.0.0.1',
    'foo.0x',
    'foo.123',
    '[::1',
    '[1::2::3]',
  ])('%s is refused, as a WHATWG URL parser refuses it', (host) => {
    expect(parseHostLiteral(host).kind).toBe('invalid');
    expect(() => new URL(`http://${host}/`)).toThrow();
  });

  it('a URL with a shorthand IPv4 host is classified by the address it means', () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.1/', 'http://[::ffff:127.0.0.1]/']) {
      expect(isForbiddenAddress(new URL(url).hostname)).toMatch(/loopback/);
    }
  });
});

describe('addressBlockReason: the send-time policy', () => {
  const off = { allowPrivateNetworks: false };
  const on = { allowPrivateNetworks: true };

  it('blocks every non-public address when private networks are off', () => {
    expect(addressBlockReason('127.0.0.1', off)).toBe('loopback');
    expect(addressBlockReason('::ffff:10.0.0.1', off)).toBe('ipv4_mapped_private');
    expect(addressBlockReason('8.8.8.8', off)).toBeNull();
  });

  it.each(['127.0.0.1', '::1', '10.1.1.1', '192.168.0.10', '100.64.1.1', 'fd12::1', '::ffff:127.0.0.1', '169.254.1.1'])(
    'lets %s through when private networks are allowed',
    (ip) => {
      expect(addressBlockReason(ip, on)).toBeNull();
    },
  );

  it.each([
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'ipv4_mapped_metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['not-an-ip', 'invalid'],
  ])('still blocks %s (%s) when private networks are allowed', (ip, reason) => {
    expect(addressBlockReason(ip, on)).toBe(reason);
  });

  it('classifyAddress separates the embedded reason from the form that carried it', () => {
    expect(classifyAddress('::ffff:192.168.0.1')).toEqual({ reason: 'private', via: 'ipv4_mapped' });
    expect(classifyAddress('93.184.215.14')).toBeNull();
  });
});
