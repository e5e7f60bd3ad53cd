import { LRUCache } from 'lru-cache';
import {
  findAccessStatus,
  findPartnerStatus,
  findTrackingCampaign,
  type TrackingCampaign,
} from '../../db/repositories/tracking-lookups.js';
import { compileLandingTemplate, type LandingTemplate } from '../../domain/click-macros.js';
import type { CacheBus } from '../../infra/cache-bus.js';
import { type Cached, createCachedLookup } from '../../infra/cached-lookup.js';
import { parseJsonArray } from '../admin/campaign-view.js';
import type { Deps } from '../deps.js';

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
 * memory so a click costs no read queries. A campaign paused, a partner suspended or access revoked reaches
 * every process within a moment: the admin use cases announce the change on the cache bus after it commits,
 * and each process forgets (see infra/cache-bus.ts). The TTL (default 5 s) is only the safety net for a
 * change made where no bus reaches (a CLI verb that cannot reach Redis). Unknown ids are cached too, so junk
 * traffic cannot turn into one query per request.
 */
export interface TrackingCache {
  campaign(id: number): Cached<TrackingTarget | null>;
  partnerStatus(partnerId: number): Cached<string | null>;
  accessStatus(partnerId: number, campaignId: number): Cached<string | null>;
  clear(): void;
}

export type { Cached };

export interface TrackingCacheOptions {
  ttlMs?: number;
  /** Entries per kind; ids come from the outside world, so the cache must be bounded. */
  max?: number;
}

export function createTrackingCache(
  deps: Pick<Deps, 'db' | 'logger'> & { cacheBus?: CacheBus },
  opts: TrackingCacheOptions = {},
): TrackingCache {
  const ttlMs = opts.ttlMs ?? 5000;
  const max = opts.max ?? 20_000;
  const bus = deps.cacheBus;
  const trusted = bus ? () => bus.live() : undefined;
  const campaigns = createCachedLookup(
    async (id: number) => {
      const c = await findTrackingCampaign(deps.db, id);
      return c ? toTarget(c) : null;
    },
    { max, ttlMs, trusted },
  );
  const partners = createCachedLookup((id: number) => findPartnerStatus(deps.db, id), { max, ttlMs, trusted });
  const access = createCachedLookup(
    (key: string) => {
      const [partnerId, campaignId] = key.split('|').map(Number);
      return findAccessStatus(deps.db, partnerId as number, campaignId as number);
    },
    { max, ttlMs, trusted },
  );
  const warned = new LRUCache<string, true>({ max: 10_000 });
  const log = deps.logger.child({ component: 'tracking' });
  const clear = () => {
    campaigns.clear();
    partners.clear();
    access.clear();
  };
  // Changes are rare and touch several look-ups at once (a campaign and its access rows): forget all.
  bus?.subscribe('tracking', clear);

  function compile(campaignId: number, landingId: number | null, url: string): TrackingLanding {
    const template = compileLandingTemplate(url);
    if (template.unknown.length > 0) {
      const key = `${campaignId}|${landingId}|${url}`;
      if (!warned.has(key)) {
        warned.set(key, true);
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
    campaign: (id) => campaigns.get(id),
    partnerStatus: (id) => partners.get(id),
    accessStatus: (partnerId, campaignId) => access.get(`${partnerId}|${campaignId}`),
    clear,
  };
}
