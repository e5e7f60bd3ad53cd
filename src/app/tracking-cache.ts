import {
  findAccessStatus,
  findPartnerStatus,
  findTrackingCampaign,
  type TrackingCampaign,
} from '../db/repositories/tracking-lookups.js';
import { compileLandingTemplate, type LandingTemplate } from '../domain/click-macros.js';
import { LruCache } from '../infra/lru.js';
import { parseJsonArray } from './campaign-view.js';
import type { Deps } from './deps.js';

export interface TrackingLanding {
  /** null: the campaign's own landing_url (no landings row). */
  landingId: number | null;
  template: LandingTemplate;
}

export interface TrackingTarget {
  id: number;
  active: boolean;
  access: string;
  defaultLanding: TrackingLanding;
  landings: Map<number, TrackingLanding>;
  /** Hosts a `deeplink=` may point to (and their subdomains); empty: no deeplinks. */
  deeplinkDomains: readonly string[];
}

/**
 * The look-ups every tracking redirect makes (campaign and its landings, partner status, access), kept in
 * memory for a few seconds so a click costs no read queries. The price is staleness: a campaign paused, a
 * partner suspended or access revoked stops clicks within `ttlMs` (default 5 s) in every process, or at
 * once in this process after `clear()` (admin use cases call it after such a change). Unknown ids are
 * cached too, so junk traffic cannot turn into one query per request; a campaign created after someone
 * hit its id appears within the TTL.
 */
export interface TrackingCache {
  campaign(id: number): Cached<TrackingTarget | null>;
  partnerStatus(partnerId: number): Cached<string | null>;
  accessStatus(partnerId: number, campaignId: number): Cached<string | null>;
  clear(): void;
}

/** A loaded value is returned as is (no promise, no microtask hop on the hot path); a miss as a promise. */
export type Cached<T> = T | Promise<T>;

interface Slot<V> {
  done: boolean;
  value: V | undefined;
  promise: Promise<V>;
}

export interface TrackingCacheOptions {
  ttlMs?: number;
  /** Entries per kind; ids come from the outside world, so the cache must be bounded. */
  max?: number;
}

export function createTrackingCache(deps: Pick<Deps, 'db' | 'logger'>, opts: TrackingCacheOptions = {}): TrackingCache {
  const ttl = opts.ttlMs ?? 5000;
  const max = opts.max ?? 20_000;
  const campaigns = new LruCache<number, Slot<TrackingTarget | null>>(max, ttl);
  const partners = new LruCache<number, Slot<string | null>>(max, ttl);
  const access = new LruCache<string, Slot<string | null>>(max, ttl);
  const warned = new Set<string>();
  const log = deps.logger.child({ component: 'tracking' });

  // The slot is cached from the first miss, so a burst of clicks on a cold entry shares one query.
  function through<K, V>(cache: LruCache<K, Slot<V>>, key: K, load: () => Promise<V>): Cached<V> {
    const hit = cache.get(key);
    if (hit) return hit.done ? (hit.value as V) : hit.promise;
    const slot: Slot<V> = { done: false, value: undefined, promise: load() };
    cache.set(key, slot);
    slot.promise.then(
      (v) => {
        slot.value = v;
        slot.done = true;
      },
      () => {
        if (cache.get(key) === slot) cache.delete(key); // a failed query must not be remembered
      },
    );
    return slot.promise;
  }

  function compile(campaignId: number, landingId: number | null, url: string): TrackingLanding {
    const template = compileLandingTemplate(url);
    if (template.unknown.length > 0) {
      const key = `${campaignId}|${landingId}|${url}`;
      if (!warned.has(key)) {
        if (warned.size > 10_000) warned.clear();
        warned.add(key);
        log.warn(
          { event: 'tracking.unknown_macro', campaignId, landingId, macros: template.unknown },
          `landing URL has macros that are not click macros; they are passed through as written: ${template.unknown.map((m) => `{${m}}`).join(' ')}`,
        );
      }
    }
    return { landingId, template };
  }

  function toTarget(c: TrackingCampaign): TrackingTarget {
    const landings = new Map<number, TrackingLanding>();
    for (const l of c.landings) landings.set(l.id, compile(c.id, l.id, l.url));
    const def = c.landings.find((l) => l.isDefault);
    return {
      id: c.id,
      active: c.status === 'active',
      access: c.access,
      defaultLanding: def ? (landings.get(def.id) as TrackingLanding) : compile(c.id, null, c.landingUrl),
      landings,
      deeplinkDomains: parseJsonArray(c.deeplinkDomains),
    };
  }

  return {
    campaign: (id) =>
      through(campaigns, id, async () => {
        const c = await findTrackingCampaign(deps.db, id);
        return c ? toTarget(c) : null;
      }),
    partnerStatus: (id) => through(partners, id, () => findPartnerStatus(deps.db, id)),
    accessStatus: (partnerId, campaignId) =>
      through(access, `${partnerId}|${campaignId}`, () => findAccessStatus(deps.db, partnerId, campaignId)),
    clear() {
      campaigns.clear();
      partners.clear();
      access.clear();
    },
  };
}
