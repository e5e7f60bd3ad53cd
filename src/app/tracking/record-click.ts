import { newClickId } from '../../domain/click-id.js';
import { type ClickMacroValues, fillClickMacros, fillLandingTemplate } from '../../domain/click-macros.js';
import { checkDeeplink, type DeeplinkCheck, MAX_DEEPLINK_LENGTH } from '../../domain/deeplink.js';
import { notFound, ValidationError } from '../../domain/errors.js';
import { truncateIp } from '../../domain/ip.js';
import type { UserAgentInfo } from './classify-user-agent.js';
import type { ClickWriter } from './click-writer.js';
import type { GeoLookup } from './geo.js';
import type { TrackingCache, TrackingTarget } from './tracking-cache.js';

export interface RecordClickDeps {
  now: () => number;
  trackingCache: TrackingCache;
  clickWriter: ClickWriter;
  geo: Pick<GeoLookup, 'country'>;
  classifyUserAgent: (ua: string) => UserAgentInfo;
}

export interface RecordClickInput {
  /** The raw path segment of /t/:campaignId. */
  campaignId: string;
  /** The parsed query string: pid, ref_id, sub1..sub5, lp, deeplink. */
  query: Record<string, unknown>;
  /** The visitor's address (the proxy-aware one); stored truncated. */
  ip: string;
  userAgent: string | undefined;
  /** The country a CDN header gave, or '' to look the address up. */
  country: string;
  /**
   * false: run every check and build the landing URL, but store nothing (clickid left empty). For HEAD
   * requests, which link checkers and ad-network validators send: they are not visits.
   */
  store?: boolean;
}

export interface RecordedClick {
  clickId: string;
  /** null for a deeplink click (no landing was served) or the campaign's own landing_url. */
  landingId: number | null;
  /** The landing URL (or the deeplink) with the click macros filled: where the visitor goes next. */
  location: string;
  /** Why a `deeplink=` was not followed (the visitor went to the landing instead); absent otherwise. */
  deeplinkRefused?: Exclude<DeeplinkCheck, { ok: true }>['reason'];
}

export const MAX_PARAM_LENGTH = 256;
export const MAX_USER_AGENT_LENGTH = 512;
const TEXT_PARAMS = ['ref_id', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
type TextParam = (typeof TEXT_PARAMS)[number];
const ID = /^[1-9][0-9]{0,9}$/;
const MAX_ID = 2_147_483_647; // the id columns are 32-bit integers

/**
 * One click through a tracking link: check the campaign, partner and access; pick the landing; store the
 * click (waiting for its commit); return the landing URL with the click macros filled. Nothing is stored when
 * any check fails. Unknown `lp`: the campaign's default landing is used instead of refusing the visitor: the
 * paid click still lands, and the stored landing_id shows which landing was really served.
 *
 * `deeplink=<absolute URL>` sends the visitor to that page instead of a landing when its final URL (macros
 * filled) is http(s) on one of the campaign's deeplink domains; the click then stores landing_id null, because
 * no landing was shown and counting it for the default landing would skew the landing report's CR and EPC.
 * A deeplink that is not allowed falls back to the landing, like an unknown `lp`, rather than answering 400:
 * domains get removed from a campaign while links built with them still run in paid ads, and that traffic
 * should still reach the advertiser's page. It is never an open redirect: the visitor only ever goes to an
 * allowed host or the campaign's own landing. The reason comes back in `deeplinkRefused` for the metrics.
 */
export async function recordClick(deps: RecordClickDeps, input: RecordClickInput): Promise<RecordedClick> {
  const q = parseQuery(input.query);
  const campaignId = parseId(input.campaignId);
  const cached = campaignId === null ? null : deps.trackingCache.campaign(campaignId);
  const campaign = cached instanceof Promise ? await cached : cached;
  if (!campaign?.active) {
    throw notFound(
      'campaign_not_found',
      `campaign ${JSON.stringify(input.campaignId.slice(0, 40))} does not exist or is not running; check the campaign id in the tracking link, or ask your partner manager whether the campaign was paused`,
    );
  }
  const status = deps.trackingCache.partnerStatus(q.pid);
  const partnerStatus = status instanceof Promise ? await status : status;
  if (partnerStatus !== 'active') {
    throw notFound(
      'partner_not_found',
      `partner ${q.pid} does not exist or is not active; check pid in the tracking link (copy it from the bot: "campaign ${campaign.id}")`,
      'pid',
    );
  }
  const access = campaign.access === 'public' ? 'approved' : deps.trackingCache.accessStatus(q.pid, campaign.id);
  if ((access instanceof Promise ? await access : access) !== 'approved') {
    throw notFound(
      'not_approved',
      `partner ${q.pid} is not approved for campaign ${campaign.id}; request access to the campaign and use the link once it is approved`,
      'pid',
    );
  }

  const userAgent = (input.userAgent ?? '').replaceAll('\u0000', '').slice(0, MAX_USER_AGENT_LENGTH);
  const ua = deps.classifyUserAgent(userAgent);
  const country = input.country || deps.geo.country(input.ip);
  const createdAt = deps.now();
  const store = input.store !== false;
  const clickId = store ? newClickId(createdAt) : '';
  const values: ClickMacroValues = {
    clickid: clickId,
    ref_id: q.ref_id,
    sub1: q.sub1,
    sub2: q.sub2,
    sub3: q.sub3,
    sub4: q.sub4,
    sub5: q.sub5,
    campaign_id: campaign.id,
    partner_id: q.pid,
    country,
    device: ua.device,
    os: ua.os,
    browser: ua.browser,
    landing_id: null,
  };

  const click = pickTarget(campaign, q, values, clickId);

  if (store) {
    await deps.clickWriter.write({
      clickId,
      campaignId: campaign.id,
      partnerId: q.pid,
      landingId: click.landingId,
      refId: q.ref_id,
      sub1: q.sub1,
      sub2: q.sub2,
      sub3: q.sub3,
      sub4: q.sub4,
      sub5: q.sub5,
      country,
      device: ua.device,
      os: ua.os,
      browser: ua.browser,
      ip: truncateIp(input.ip),
      userAgent,
      createdAt,
    });
  }

  return click;
}

/** Where the visitor goes: the deeplink when it is allowed, else the landing named by lp, else the default one. */
function pickTarget(
  campaign: TrackingTarget,
  q: ParsedQuery,
  values: ClickMacroValues,
  clickId: string,
): RecordedClick {
  // Checked after the macros are filled: what is judged is exactly where the visitor would go.
  const deeplink =
    q.deeplink === null ? null : checkDeeplink(fillClickMacros(q.deeplink, values), campaign.deeplinkDomains);
  if (deeplink?.ok) return { clickId, landingId: null, location: deeplink.url.href };
  const landing = (q.lp !== null ? campaign.landings.get(q.lp) : undefined) ?? campaign.defaultLanding;
  values.landing_id = landing.landingId;
  const location = fillLandingTemplate(landing.template, values);
  if (deeplink === null) return { clickId, landingId: landing.landingId, location };
  return { clickId, landingId: landing.landingId, location, deeplinkRefused: deeplink.reason };
}

type ParsedQuery = { pid: number; lp: number | null; deeplink: string | null } & Record<TextParam, string | null>;

/** All problems at once, so a partner fixes the link in one go. Empty values count as absent. */
function parseQuery(query: Record<string, unknown>): ParsedQuery {
  const issues: { field: string; message: string }[] = [];
  const pidRaw = first(query['pid']);
  const pid = pidRaw ? parseId(pidRaw) : null;
  if (pid === null) {
    issues.push({
      field: 'pid',
      message: pidRaw
        ? `must be your numeric partner id, got ${JSON.stringify(pidRaw.slice(0, 40))}; copy the tracking link from the bot`
        : 'is required: add &pid=<your partner id> to the tracking link (copy it from the bot)',
    });
  }
  const lpRaw = first(query['lp']);
  const lp = lpRaw ? parseId(lpRaw) : null;
  if (lpRaw && lp === null) {
    issues.push({ field: 'lp', message: `must be a landing id (a number), got ${JSON.stringify(lpRaw.slice(0, 40))}` });
  }
  const deeplink = first(query['deeplink']) || null;
  if (deeplink !== null && deeplink.length > MAX_DEEPLINK_LENGTH) {
    issues.push({
      field: 'deeplink',
      message: `must be a page address of at most ${MAX_DEEPLINK_LENGTH} characters, got ${deeplink.length}; ask the bot for the link again ("deeplink ID URL")`,
    });
  }
  const out: ParsedQuery = {
    pid: pid ?? 0,
    lp,
    deeplink,
    ref_id: null,
    sub1: null,
    sub2: null,
    sub3: null,
    sub4: null,
    sub5: null,
  };
  for (const name of TEXT_PARAMS) {
    const v = first(query[name]);
    out[name] = v || null;
    if (!v) continue;
    if (v.length > MAX_PARAM_LENGTH) {
      issues.push({ field: name, message: `must be at most ${MAX_PARAM_LENGTH} characters, got ${v.length}` });
    } else if (v.includes('\u0000')) {
      issues.push({ field: name, message: 'must not contain NUL characters (%00)' });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return out;
}

/** A repeated parameter counts by its first value, as most trackers read it. */
function first(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

function parseId(s: string): number | null {
  if (!ID.test(s)) return null;
  const n = Number(s);
  return n <= MAX_ID ? n : null;
}
