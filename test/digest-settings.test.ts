import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestDigest } from '../src/app/digests/request-digest.js';
import { type RunningDigests, startDigestWorker } from '../src/jobs/digests/start.js';
import { partnerWithWeek } from './helpers/digest-world.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.js';

describe.each(DB_FLAVORS)('digest settings and address confirmation (%s)', (flavor) => {
  let ctx: TestContext;
  let sink: SmtpSink;
  let digests: RunningDigests;

  beforeAll(async () => {
    sink = await startSmtpSink();
    ctx = await startTestApp(flavor, { SMTP_URL: sink.url, PUBLIC_URL: 'http://pd.example' });
    digests = await startDigestWorker(ctx.app, {
      prefix: `t${randomBytes(4).toString('hex')}`,
      schedule: false,
      pollMs: 50,
    });
  });
  afterAll(async () => {
    await digests?.close();
    await ctx?.close();
    await sink?.close();
  });

  it('the partner resource shows and changes digest settings; a new address is used only once confirmed', async () => {
    const { partnerId, email } = await partnerWithWeek(ctx.app.db, { clicks: 2 });
    const shown = await api(ctx, 'GET', `/api/v1/partners/${partnerId}/digest`);
    expect(shown.body).toMatchObject({ cadence: 'weekly', hour: 9, weekday: 1, email, is_default: true });
    const bad = await api(ctx, 'PATCH', `/api/v1/partners/${partnerId}/digest`, { hour: 25 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('hour');
    const changed = await api(ctx, 'PATCH', `/api/v1/partners/${partnerId}/digest`, {
      cadence: 'daily',
      hour: 7,
      email: 'new-inbox@digest.example',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ cadence: 'daily', hour: 7, email, pending_email: 'new-inbox@digest.example' });
    expect((await api(ctx, 'GET', `/api/v1/partners/${partnerId}/digest`, undefined, null)).status).toBe(401);

    // The worker mails the confirmation link to the new address.
    const [confirm] = await sink.waitFor(1);
    expect(confirm?.to && 'text' in confirm.to ? confirm.to.text : '').toBe('new-inbox@digest.example');
    const link = /http:\/\/pd\.example(\/digest\/confirm\/\S+)/.exec(String(confirm?.text))?.[1] ?? '';
    expect(link).toMatch(/^\/digest\/confirm\/c\d+\./);
    // Until then digests go to the old address.
    const before = sink.messages.length;
    await requestDigest(ctx.app, partnerId);
    const [first] = (await sink.waitFor(before + 1)).slice(before);
    expect(first?.to && 'text' in first.to ? first.to.text : '').toBe(email);
    // A forged link changes nothing; the real one (GET shows a button, POST confirms) does.
    expect((await fetch(`${ctx.baseUrl}${link.slice(0, -2)}xx`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${ctx.baseUrl}${link}`)).status).toBe(200);
    const ok = await fetch(`${ctx.baseUrl}${link}`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('digests now go to <strong>new-inbox@digest.example</strong>');
    expect((await fetch(`${ctx.baseUrl}${link}`, { method: 'POST' })).status).toBe(200); // again: already confirmed
    const after = await api(ctx, 'GET', `/api/v1/partners/${partnerId}/digest`);
    expect(after.body).toMatchObject({ email: 'new-inbox@digest.example', pending_email: null });
  });
});
