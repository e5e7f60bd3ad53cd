import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDigestSettings } from '../src/app/digests/digest-settings.js';
import { tickDigests } from '../src/app/digests/tick-digests.js';
import { localTime } from '../src/domain/period.js';
import { type RunningDigests, startDigestWorker } from '../src/jobs/digests/start.js';
import { EARLY, partnerWithWeek } from './helpers/digest-world.js';
import { makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.js';

const HOUR = 3_600_000;

describe.each(DB_FLAVORS)('digest schedule (%s)', (flavor) => {
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

  it('three timezones across the autumn DST changes get their digest at their local hour, once a period', async () => {
    const db = ctx.app.db;
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
    const daily: Record<string, number> = {};
    for (const tz of zones) {
      const id = await makePartner(db, { timezone: tz, created_at: EARLY } as never);
      await setDigestSettings(ctx.app, id, { cadence: 'daily', hour: 9 });
      daily[tz] = id;
    }
    const weekly = await makePartner(db, { timezone: 'Europe/Berlin', created_at: EARLY } as never);
    await setDigestSettings(ctx.app, weekly, { cadence: 'weekly', weekday: 1, hour: 9 });
    // Hourly ticks (the scheduler's pattern) from 17 Oct to 4 Nov 2026: Europe leaves summer time on 25 Oct,
    // the US on 1 Nov; Kolkata (+5:30) never sees 09:00 on a UTC hour, so its tick is the first after it.
    const from = Date.UTC(2026, 9, 17);
    const to = Date.UTC(2026, 10, 4);
    for (let t = from; t < to; t += HOUR) await tickDigests(ctx.app, t);

    const ids = [...Object.values(daily), weekly];
    const rows = await db('digests').whereIn('partner_id', ids).orderBy('id');
    for (const tz of zones) {
      const mine = rows.filter((r) => Number(r.partner_id) === daily[tz]);
      expect(mine.length).toBeGreaterThanOrEqual(17);
      const starts = new Set<string>();
      for (const r of mine) {
        const local = localTime(Number(r.created_at), tz);
        expect(local.hour, `${tz} row created at ${new Date(Number(r.created_at)).toISOString()}`).toBe(9);
        // The period is the local day before the send day.
        const sendDay = Date.UTC(local.year, local.month - 1, local.day);
        expect(r.period_start).toBe(new Date(sendDay - 86_400_000).toISOString().slice(0, 10));
        starts.add(String(r.period_start));
      }
      expect(starts.size).toBe(mine.length);
    }
    const berlinWeeks = rows
      .filter((r) => Number(r.partner_id) === weekly)
      .map((r) => [new Date(Number(r.created_at)).toISOString(), r.period_start]);
    expect(berlinWeeks).toEqual([
      ['2026-10-19T07:00:00.000Z', '2026-10-12'], // summer: 09:00 CEST
      ['2026-10-26T08:00:00.000Z', '2026-10-19'], // winter: 09:00 CET
      ['2026-11-02T08:00:00.000Z', '2026-10-26'],
    ]);
  });

  it('two ticks (and two at once) send nothing twice', async () => {
    const a = await partnerWithWeek(ctx.app.db, { clicks: 4, timezone: 'UTC' });
    const b = await partnerWithWeek(ctx.app.db, { clicks: 0, timezone: 'UTC' });
    // Monday 09:30 UTC of this week: the weekly digest of last week is due for both.
    const now = new Date();
    const monday = Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate() - ((now.getUTCDay() + 6) % 7),
      9,
      30,
    );
    const before = sink.messages.length;
    const [r1, r2] = await Promise.all([digests.tick(monday), digests.tick(monday)]);
    const r3 = await digests.tick(monday + HOUR);
    expect((r1?.created ?? 0) + (r2?.created ?? 0) + r3.created).toBeGreaterThanOrEqual(2);
    const mine = () => ctx.app.db('digests').whereIn('partner_id', [a.partnerId, b.partnerId]);
    for (let i = 0; i < 400 && (await mine()).some((r) => r.state !== 'sent'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await digests.tick(monday + 2 * HOUR);
    await new Promise((r) => setTimeout(r, 800));
    const to = sink.messages.slice(before).map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
    expect(to.filter((t) => t === a.email)).toHaveLength(1);
    expect(to.filter((t) => t === b.email)).toHaveLength(1);
    const rows = await mine();
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
  });
});
