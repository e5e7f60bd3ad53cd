import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import type { UAParser as UAParserClass } from 'ua-parser-js';
import { ownEntry } from '../../domain/own-entry.js';

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

/**
 * Crawlers, link previewers, command-line tools and HTTP libraries. ua-parser-js 1.x (MIT; 2.x is AGPL,
 * which a hosted service should not take on lightly) has no bot detection of its own, so we keep a pattern.
 */
const BOT_UA =
  /bot\b|bot\/|crawl|spider|slurp|facebookexternalhit|embedly|preview|headless|lighthouse|pingdom|uptime|monitor|curl\/|wget\/|python-requests|python-urllib|aiohttp|httpx|go-http-client|okhttp|java\/|apache-httpclient|axios\/|node-fetch|undici|libwww|scrapy|postman/i;
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

/** Loaded on the first user agent: processes that never see a click (bots, CLI verbs) skip it. */
let Parser: typeof UAParserClass | undefined;

export function parseUserAgent(ua: string): UserAgentInfo {
  if (!ua) return { device: 'unknown', os: '', browser: '' };
  Parser ??= (createRequire(import.meta.url)('ua-parser-js') as { UAParser: typeof UAParserClass }).UAParser;
  const r = new Parser(ua).getResult();
  const os = (r.os.name ?? '').slice(0, 32);
  const browser = (r.browser.name ?? '').slice(0, 32);
  let device: Device;
  if (BOT_UA.test(ua)) device = 'bot';
  else if (r.device.type) device = ownEntry(DEVICE_TYPES, r.device.type) ?? 'other';
  else if (DESKTOP_OS.test(os)) device = 'desktop';
  else device = 'other';
  return { device, os, browser };
}

/**
 * ua-parser costs ~50 µs per string, as much as the rest of a tracking request; but user agents repeat heavily
 * (a few thousand strings cover most traffic), so results are kept in a bounded LRU keyed by the string.
 */
export function createUserAgentClassifier(max = 5000): (ua: string) => UserAgentInfo {
  const cache = new LRUCache<string, UserAgentInfo>({ max });
  return (ua) => {
    const hit = cache.get(ua);
    if (hit) return hit;
    const info = parseUserAgent(ua);
    cache.set(ua, info);
    return info;
  };
}
