import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildConfig } from '../src/config/index.js';
import { createLogger } from '../src/infra/logger.js';
import { createApp } from '../src/main/create-app.js';
import { partnerWithWeek } from './helpers/digest-world.js';
import { DB_FLAVORS, freshDatabase } from './helpers/harness.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.js';

const BIN = path.resolve('bin/partnerdesk.js');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

describe.each(DB_FLAVORS)('digest CLI (%s)', (flavor) => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let sink: SmtpSink;
  let good: { partnerId: number; email: string };
  let bad: { partnerId: number; email: string };

  beforeAll(async () => {
    const database = await freshDatabase(flavor);
    drop = database.drop;
    sink = await startSmtpSink();
    env = { ...database.env, REDIS_URL: inject('redisUrl'), SMTP_URL: sink.url, PUBLIC_URL: 'http://pd.example' };
    const app = await createApp(buildConfig({ ...env, LOG_LEVEL: 'silent' }), {
      logger: createLogger('silent'),
      redis: null,
    });
    good = await partnerWithWeek(app.db, { clicks: 20 });
    bad = await partnerWithWeek(app.db, { clicks: 2 });
    await app.close();
    sink.verdict = (rcpt) => (rcpt === bad.email ? { code: 550, message: '5.1.1 mailbox unknown' } : undefined);
  });
  afterAll(async () => {
    await sink?.close();
    await drop?.();
  });

  it('preview writes the HTML, the chart beside it and an .eml, sending nothing', async () => {
    const out = path.join(env['DATA_DIR'] as string, 'prev', 'p.html');
    const r = await cli(['digest', 'preview', String(good.partnerId), '--cadence', 'weekly', '--out', out], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Subject: Your week, /);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('src="p-chart.png"');
    expect(existsSync(path.join(path.dirname(out), 'p-chart.png'))).toBe(true);
    const eml = readFileSync(out.replace(/\.html$/, '.eml'), 'utf8');
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(eml).toMatch(/^Content-ID: <chart\./m);
    expect(sink.messages).toHaveLength(0);
    expect((await cli(['digest', 'preview', 'x1'], env)).code).toBe(2);
  });

  it('send delivers one; a refused address shows in digest list', async () => {
    const ok = await cli(['digest', 'send', String(good.partnerId)], env);
    expect(ok.stdout).toMatch(/: sent$/m);
    expect(sink.messages).toHaveLength(1);
    const refused = await cli(['digest', 'send', String(bad.partnerId)], env);
    expect(refused.stdout).toMatch(/: failed$/m);
    expect(refused.code).toBe(1);
    const list = await cli(['digest', 'list'], env);
    expect(list.stdout).toMatch(/sent/);
    expect(list.stdout).toContain('Undeliverable addresses');
    expect(list.stdout).toContain(bad.email);
    expect(list.stdout).toContain('mailbox unknown');
    const doctor = await cli(['doctor'], env);
    expect(doctor.stdout).toMatch(/mail\s+SMTP 127\.0\.0\.1:\d+ accepts connections and our login/);
    const run = await cli(['digest', 'run'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^due: \d+, new: \d+/);
  });
});
