import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { SAMPLE_CONVERSION } from '../src/domain/postback-macros.js';
import { type RunningRelay, startRelay } from '../src/jobs/relay.js';
import { makeApprovedPair, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { freePort } from './helpers/net.js';
import { eventually, type Receiver, startReceiver } from './helpers/receiver.js';
import { makeRichClick, randomPrefix } from './helpers/relay-fixtures.js';

const ALL_MACROS =
  'ref={ref_id}&payout={aff_payout}&click={clickid}&type={type}&status={status}&tx={txid}&cid={campaign_id}' +
  '&cur={currency}&s1={sub1}&s2={sub2}&s3={sub3}&s4={sub4}&s5={sub5}&geo={country}&t={conversion_time}&id={postback_id}';

describe.each(DB_FLAVORS)('postback relay on %s', (flavor) => {
  let ctx: TestContext;
  let relay: RunningRelay;
  let rx: Receiver;
  let rx2: Receiver;
  let paths = 0;

  beforeAll(async () => {
    ctx = await startTestApp(flavor, { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    rx = await startReceiver();
    rx2 = await startReceiver();
    relay = await startRelay(ctx.app, {
      prefix: randomPrefix(),
      retrySchedule: [0, 300, 300, 300],
      timeoutMs: 3000,
      dispatchPollMs: 50,
      reconcileIntervalMs: 500,
      reconcileGraceMs: 1500,
      breaker: {
        windowSize: 10,
        minAttempts: 8,
        failureRatio: 0.8,
        cooldownMs: 1000,
        probeWaitMs: 200,
        failingStreak: 3,
      },
    });
  });
  afterAll(async () => {
    await relay?.close();
    await rx?.close();
    await rx2?.close();
    await ctx?.close();
  });

  /** A partner with a campaign (Deposit pays 50.00) and one postback to a fresh path on the receiver. */
  async function setup(postback: Record<string, unknown> = {}, receiver: Receiver = rx) {
    const { partnerId, campaignId } = await makeApprovedPair(ctx.app.db);
    paths += 1;
    const path = `/pb${paths}`;
    const res = await api(ctx, 'POST', '/api/v1/postbacks', {
      partner_id: partnerId,
      url: `${receiver.url}${path}?${ALL_MACROS}`,
      ...postback,
    });
    expect(res.status, res.text).toBe(201);
    return { partnerId, campaignId, path, postbackId: res.body.id as number };
  }
  async function convert(s: { partnerId: number; campaignId: number }, query = 'type=Deposit') {
    const click = await makeRichClick(ctx.app.db, s.partnerId, s.campaignId);
    const res = await api(
      ctx,
      'GET',
      `/postback?clickid=${click}&txid=T-${click.slice(0, 5)}&${query}`,
      undefined,
      null,
    );
    expect(res.status, res.text).toBe(200);
    return { click, conversionId: res.body.conversion_id as number };
  }
  const deliveriesOf = (postbackId: number) =>
    ctx.app.db('postback_deliveries').where({ postback_id: postbackId }).orderBy('id');

  it('a conversion reaches the partner endpoint with every macro filled and URL-encoded', async () => {
    const s = await setup();
    const { click, conversionId } = await convert(s);
    const [got] = await rx.waitFor(s.path, 1);
    const conv = await ctx.app.db('conversions').where({ id: conversionId }).first();
    const [d] = await deliveriesOf(s.postbackId);
    expect(Object.fromEntries(got!.query)).toEqual({
      ref: `ref-${click.slice(0, 6)}`,
      payout: '50.00',
      click,
      type: 'Deposit',
      status: 'approved',
      tx: `T-${click.slice(0, 5)}`,
      cid: String(s.campaignId),
      cur: 'USD',
      s1: 's1 value',
      s2: 's2&x=y',
      s3: 'ü3',
      s4: 's4',
      s5: 's5',
      geo: 'DE',
      t: String(Math.floor(Number(conv.created_at) / 1000)),
      id: String(d.id),
    });
    const delivered = await eventually(async () => {
      const [row] = await deliveriesOf(s.postbackId);
      return row?.state === 'delivered' ? row : null;
    });
    expect(delivered).toMatchObject({ event_key: 'created', attempts: 1, last_status: 200 });
    const log = await api(ctx, 'GET', `/api/v1/deliveries/${d.id}`);
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ state: 'delivered', event: 'created', attempts: 1 });
    expect(log.body.attempts_log).toEqual([
      expect.objectContaining({ kind: 'delivery', status: 200, response_snippet: 'ok', error_class: null }),
    ]);
  });

  it('POST with a JSON body sends the macros as JSON strings', async () => {
    const s = await setup({
      method: 'POST',
      body_format: 'json',
      body_template: '{"id":"{postback_id}","payout":{aff_payout}}',
    });
    await convert(s);
    const [got] = await rx.waitFor(s.path, 1);
    const [d] = await deliveriesOf(s.postbackId);
    expect(got!.method).toBe('POST');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got!.body)).toEqual({ id: String(d.id), payout: '50.00' });
  });

  it('status changes reach postbacks that ask for them; filters decide who hears what', async () => {
    const s = await setup({ on_status_change: true });
    const onlyApproved = await api(ctx, 'POST', '/api/v1/postbacks', {
      partner_id: s.partnerId,
      url: `${rx.url}${s.path}-approved?status={status}&id={postback_id}`,
      statuses: ['approved'],
    });
    const onlyLeads = await api(ctx, 'POST', '/api/v1/postbacks', {
      partner_id: s.partnerId,
      campaign_id: s.campaignId,
      url: `${rx.url}${s.path}-leads?type={type}`,
      conversion_types: ['LEAD'],
    });
    expect(onlyApproved.status).toBe(201);
    expect(onlyLeads.body.conversion_types).toEqual(['lead']);
    const { conversionId } = await convert(s, 'type=Deposit&status=pending');
    await rx.waitFor(s.path, 1);
    const upd = await api(ctx, 'POST', '/api/v1/conversions/update', [
      { conversion_id: conversionId, status: 'approved' },
    ]);
    expect(upd.status).toBe(200);
    const got = await rx.waitFor(s.path, 2);
    expect(got.map((r) => r.query.get('status'))).toEqual(['pending', 'approved']);
    expect(got[0]!.query.get('id')).not.toBe(got[1]!.query.get('id'));
    const approved = await rx.waitFor(`${s.path}-approved`, 1);
    expect(approved.map((r) => r.query.get('status'))).toEqual(['approved']);
    const keys = (await deliveriesOf(s.postbackId)).map((d) => d.event_key);
    expect(keys).toEqual(['created', 'status:approved']);
    expect(await deliveriesOf(onlyLeads.body.id)).toHaveLength(0);
    await convert(s, 'type=lead');
    await rx.waitFor(`${s.path}-leads`, 1);
    expect(rx.on(`${s.path}-leads`)[0]!.query.get('type')).toBe('lead');
  });

  it('retries a failing endpoint with the same postback_id until it answers 2xx', async () => {
    const s = await setup();
    rx.script(s.path, [503, 500, 200]);
    await convert(s);
    const got = await rx.waitFor(s.path, 3);
    expect(new Set(got.map((r) => r.query.get('id'))).size).toBe(1);
    const d = await eventually(async () => {
      const [row] = await deliveriesOf(s.postbackId);
      return row?.state === 'delivered' ? row : null;
    });
    expect(d.attempts).toBe(3);
    const attempts = await ctx.app.db('postback_attempts').where({ delivery_id: d.id }).orderBy('id');
    expect(attempts.map((a) => a.status_code)).toEqual([503, 500, 200]);
    expect(attempts[0].response_snippet).toBe('answer 503');
  });

  it('a burst of conversions is delivered together; only the failed ones are retried, every attempt logged', async () => {
    const s = await setup();
    rx.script(s.path, [503, 503, 500, 200]);
    await Promise.all(Array.from({ length: 8 }, () => convert(s)));
    const rows = await eventually(async () => {
      const all = await deliveriesOf(s.postbackId);
      return all.length === 8 && all.every((r) => r.state === 'delivered') ? all : null;
    });
    const got = await rx.waitFor(s.path, 11);
    expect(new Set(got.map((r) => r.query.get('id')))).toEqual(new Set(rows.map((r) => String(r.id))));
    expect(rows.map((r) => r.attempts).sort()).toEqual([1, 1, 1, 1, 1, 2, 2, 2]);
    const attempts = await ctx.app.db('postback_attempts').whereIn(
      'delivery_id',
      rows.map((r) => r.id),
    );
    expect(attempts).toHaveLength(11);
    expect(attempts.filter((a) => a.status_code === 200)).toHaveLength(8);
  });

  it('honours Retry-After (within bounds) for the next attempt', async () => {
    const s = await setup();
    rx.script(s.path, [{ status: 429, headers: { 'retry-after': '2' } }, 200]);
    await convert(s);
    await rx.waitFor(s.path, 1);
    const d = await eventually(async () => {
      const [row] = await deliveriesOf(s.postbackId);
      return row?.attempts === 1 ? row : null;
    });
    expect(Number(d.next_attempt_at) - Number(d.last_attempt_at)).toBeGreaterThanOrEqual(2000);
    const got = await rx.waitFor(s.path, 2);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(1900);
  });

  it('410 Gone disables the postback, says why, and records an event for the bots', async () => {
    const s = await setup();
    rx.script(s.path, [410]);
    await convert(s);
    await rx.waitFor(s.path, 1);
    const pb = await eventually(async () => {
      const r = await api(ctx, 'GET', `/api/v1/postbacks/${s.postbackId}`);
      return r.body.enabled === false ? r.body : null;
    });
    expect(pb.disabled_reason).toMatch(/410/);
    const events = await ctx.app.db('partner_events').where({ postback_id: s.postbackId });
    expect(events.map((e) => e.kind)).toEqual(['postback_disabled']);
    const [d] = await deliveriesOf(s.postbackId);
    expect(d.state).toBe('dead');
    // Disabled: new conversions write no deliveries.
    await convert(s);
    expect(await deliveriesOf(s.postbackId)).toHaveLength(1);
  });

  it('other 4xx give up after two attempts; replay sends a dead delivery again with the same id', async () => {
    const s = await setup();
    rx.script(s.path, [404]);
    await convert(s);
    const d = await eventually(async () => {
      const [row] = await deliveriesOf(s.postbackId);
      return row?.state === 'dead' ? row : null;
    });
    expect(d.attempts).toBe(2);
    expect(rx.on(s.path)).toHaveLength(2);
    const listed = await api(ctx, 'GET', `/api/v1/deliveries?postback_id=${s.postbackId}&state=dead`);
    expect(listed.body.items.map((i: { id: number }) => i.id)).toEqual([d.id]);

    rx.script(s.path, [200]);
    const replay = await api(ctx, 'POST', '/api/v1/deliveries/replay', { postback_id: s.postbackId });
    expect(replay.body).toEqual({ count: 1 });
    const got = await rx.waitFor(s.path, 3);
    expect(got[2]!.query.get('id')).toBe(String(d.id));
    const after = await eventually(async () => {
      const [row] = await deliveriesOf(s.postbackId);
      return row?.state === 'delivered' ? row : null;
    });
    expect(after.attempts).toBe(1);
    expect(await ctx.app.db('postback_attempts').where({ delivery_id: d.id })).toHaveLength(3);
  });

  it('test fire sends the sample conversion once and returns what the bot shows', async () => {
    const s = await setup();
    rx.script(s.path, [{ status: 202, body: 'accepted by tracker' }]);
    const res = await api(ctx, 'POST', `/api/v1/postbacks/${s.postbackId}/test`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      method: 'GET',
      ok: true,
      status: 202,
      body: null,
      response_snippet: 'accepted by tracker',
      error_class: null,
      error_message: null,
      duration_ms: expect.any(Number),
    });
    expect(Object.keys(res.body).filter((k) => /[A-Z]/.test(k))).toEqual([]); // snake_case like the rest of /api/v1
    expect(res.body.url).toContain('payout=12.50');
    expect(res.body.url).toContain('id=pb-sample-000001');
    expect(rx.on(s.path)).toHaveLength(1);
    const logged = await ctx.app.db('postback_attempts').where({ postback_id: s.postbackId, kind: 'test' });
    expect(logged).toHaveLength(1);
    expect(await deliveriesOf(s.postbackId)).toHaveLength(0);
  });

  it('test fire of an unsaved URL that gets no answer names the error class, in snake_case', async () => {
    const closed = await freePort();
    const res = await api(ctx, 'POST', '/api/v1/postbacks/test', {
      url: `http://127.0.0.1:${closed}/pb?c={clickid}`,
      method: 'POST',
      body_format: 'json',
      body_template: '{"t":"{type}"}',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      url: `http://127.0.0.1:${closed}/pb?c=${SAMPLE_CONVERSION.clickid}`,
      method: 'POST',
      ok: false,
      status: null,
      response_snippet: '',
      error_class: expect.any(String),
      error_message: expect.any(String),
      duration_ms: expect.any(Number),
    });
    expect(res.body.body).toBe(`{"t":"${SAMPLE_CONVERSION.type}"}`);
  });

  it('the circuit breaker pauses a failing endpoint, then resumes without dropping deliveries', async () => {
    const s = await setup({}, rx2);
    rx2.script(s.path, [503]);
    const n = 10;
    for (let i = 0; i < n; i++) await convert(s);
    await eventually(async () => {
      const ev = await ctx.app.db('partner_events').where({ postback_id: s.postbackId, kind: 'postback_failing' });
      return ev.some((e) => JSON.parse(e.payload).paused_until) ? ev : null;
    });
    // While paused, retries wait instead of running out the 4-attempt schedule.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await ctx.app.db('postback_deliveries').where({ postback_id: s.postbackId, state: 'dead' })).toHaveLength(0);
    rx2.script(s.path, [200]);
    const rows = await eventually(async () => {
      const all = await deliveriesOf(s.postbackId);
      return all.length === n && all.every((d) => d.state === 'delivered') ? all : null;
    }, 30_000);
    expect(rows.every((d) => d.attempts <= 4)).toBe(true);
    const ids = new Set(rx2.on(s.path).map((r) => r.query.get('id')));
    expect(ids.size).toBe(n);
    const kinds = (await ctx.app.db('partner_events').where({ postback_id: s.postbackId })).map((e) => e.kind);
    expect(kinds).toContain('postback_recovered');
  });

  it('never follows a redirect (to a private address or anywhere)', async () => {
    const s = await setup();
    rx.script(s.path, [{ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }]);
    await convert(s);
    await rx.waitFor(s.path, 1);
    const attempt = await eventually(() =>
      ctx.app.db('postback_attempts').where({ postback_id: s.postbackId }).first(),
    );
    expect(attempt.status_code).toBe(302);
    expect(attempt.response_snippet).toMatch(/^Location: http:\/\/169\.254\.169\.254\//);
    const [d] = await deliveriesOf(s.postbackId);
    expect(d.state).not.toBe('delivered');
  });

  it('a partner key manages only its own postbacks', async () => {
    const s = await setup();
    const other = await makePartner(ctx.app.db);
    const { key } = await createApiKey(ctx.app, { name: 'p', role: 'partner', partnerId: other });
    expect((await api(ctx, 'GET', `/api/v1/postbacks/${s.postbackId}`, undefined, key)).status).toBe(404);
    expect((await api(ctx, 'GET', '/api/v1/postbacks', undefined, key)).body.items).toEqual([]);
    const own = await api(ctx, 'POST', '/api/v1/postbacks', { url: `${rx.url}/mine?id={postback_id}` }, key);
    expect(own.status).toBe(201);
    expect(own.body.partner_id).toBe(other);
    const steal = await api(ctx, 'POST', '/api/v1/postbacks', { partner_id: s.partnerId, url: `${rx.url}/x` }, key);
    expect(steal.status).toBe(403);
  });
});
