import { UAParser } from 'ua-parser-js';
import { Bots } from 'ua-parser-js/extensions';
import { LruCache } from '../infra/lru.js';

/** The device values stored on clicks and offered as a report dimension. */
export const DEVICES = [
  'desktop',
  'mobile',
  'tablet',
  'tv',
  'console',
  'wearable',
  'xr',
  'embedded',
  'bot',
  'other',
  'unknown',
] as const;
export type Device = (typeof DEVICES)[number];

export interface UserAgentInfo {
  device: Device;
  /** '' when not recognised; at most 32 characters (the column width). */
  os: string;
  browser: string;
}

/** Browser types ua-parser's Bots extension gives to crawlers, link previewers, curl and HTTP libraries. */
const BOT_TYPES = new Set(['crawler', 'fetcher', 'cli', 'library']);
const DEVICE_TYPES: Record<string, Device> = {
  mobile: 'mobile',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
  xr: 'xr',
  embedded: 'embedded',
};
/** Without a device type, these operating systems mean a desktop or laptop. */
const DESKTOP_OS =
  /^(windows|macos|mac os|linux|ubuntu|debian|fedora|chrom(e|ium) ?os|freebsd|openbsd|netbsd|solaris|mint|arch|gentoo|suse|red ?hat|centos|mandriva|slackware|unix)/i;

export function parseUserAgent(ua: string): UserAgentInfo {
  if (!ua) return { device: 'unknown', os: '', browser: '' };
  const r = UAParser(ua, Bots);
  const os = (r.os.name ?? '').slice(0, 32);
  const browser = (r.browser.name ?? '').slice(0, 32);
  let device: Device;
  if (r.browser.type && BOT_TYPES.has(r.browser.type)) device = 'bot';
  else if (r.device.type) device = DEVICE_TYPES[r.device.type] ?? 'other';
  else if (DESKTOP_OS.test(os)) device = 'desktop';
  else device = 'other';
  return { device, os, browser };
}

/**
 * ua-parser costs ~50 µs per string, as much as the rest of a tracking request; but user agents repeat heavily
 * (a few thousand strings cover most traffic), so results are kept in a bounded LRU keyed by the string.
 */
export function createUserAgentClassifier(max = 5000): (ua: string) => UserAgentInfo {
  const cache = new LruCache<string, UserAgentInfo>(max);
  return (ua) => {
    const hit = cache.get(ua);
    if (hit) return hit;
    const info = parseUserAgent(ua);
    cache.set(ua, info);
    return info;
  };
}
