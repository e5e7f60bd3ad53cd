import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DIGEST_CADENCES, type DigestCadence } from '../../domain/digest-schedule.js';
import type { App } from '../../main/create-app.js';
import { UsageError } from '../cli-error.js';
import type { DigestSendDeps } from '../digest-use-cases.js';
import { withApp } from '../open-app.js';
import { print, printJson, utcMinute } from '../output.js';
import { formatTable } from '../table.js';

function cadenceOf(raw: string | undefined): DigestCadence | undefined {
  if (raw === undefined) return undefined;
  if (!(DIGEST_CADENCES as readonly string[]).includes(raw)) {
    throw new UsageError(`--cadence must be daily, weekly or monthly, got "${raw}"`);
  }
  return raw as DigestCadence;
}

function partnerIdOf(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`<partnerId> must be a number like 12, got "${raw}"`);
  return Number(raw);
}

const load = () => import('../digest-use-cases.js');

/** Sends in this process (no Redis needed): the template, chart pool and transport of a one-shot verb. */
async function withSender<T>(fn: (d: DigestSendDeps, app: App) => Promise<T>): Promise<T> {
  const { compileDigestTemplate, createMailTransport } = await load();
  return withApp(async (app) => {
    const template = await compileDigestTemplate();
    const transport = createMailTransport(app.config.mail, { maxConnections: 2 });
    try {
      return await fn(
        {
          ...app,
          renderer: {
            config: app.config,
            template,
            renderChart: (spec) => app.charts.render(spec),
            logger: app.logger,
          },
          transport,
        },
        app,
      );
    } finally {
      transport.close();
    }
  });
}

/**
 * `digest preview|send|run|list`. preview renders without sending or writing anything; send and run send
 * from this process through SMTP_URL (or the outbox dir) with the same rows and states as the worker, so a
 * worker running meanwhile never sends the same digest twice.
 */
export function registerDigestCommands(program: Command, setExitCode: (code: number) => void): void {
  const digest = program.command('digest').description('e-mail digests: preview, send one now, run the tick, list');
  digest
    .command('preview <partnerId>')
    .description('render a digest to an HTML file and an .eml beside it, without sending')
    .option('--cadence <cadence>', 'daily, weekly or monthly (default: the partner setting)')
    .option('--period <date>', 'a local date inside the period, like 2026-11-23 (default: the last whole period)')
    .option('--out <file>', 'where to write the HTML', 'digest-preview.html')
    .action(async (id: string, o) => {
      const partnerId = partnerIdOf(id);
      const cadence = cadenceOf(o.cadence);
      const { previewDigest, nodemailer } = await load();
      await withSender(async (d) => {
        const r = await previewDigest(d, d.renderer, partnerId, { cadence, period: o.period });
        const out = path.resolve(String(o.out));
        mkdirSync(path.dirname(out), { recursive: true });
        // The HTML file is for a browser: the chart, a cid: part in the mail, is written beside it and linked.
        const chart = r.chart;
        let html = r.html;
        if (chart) {
          const png = `${out.replace(/\.html?$/i, '')}-chart.png`;
          writeFileSync(png, chart.png);
          html = html.split(`cid:${chart.cid}`).join(path.basename(png));
        }
        writeFileSync(out, html);
        const eml = out.replace(/\.html?$/i, '') + '.eml';
        const built = await nodemailer
          .createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
          .sendMail(r.message);
        writeFileSync(eml, built.message as Buffer);
        print(`Subject: ${r.view.subject}`);
        print(`HTML: ${out} (${Buffer.byteLength(r.html)} bytes)`);
        print(`EML:  ${eml} (${(built.message as Buffer).length} bytes)`);
      });
    });
  digest
    .command('send <partnerId>')
    .description('send one digest now (the last whole period of the partner cadence, or --cadence/--period)')
    .option('--cadence <cadence>', 'daily, weekly or monthly')
    .option('--period <date>', 'a local date inside the period, like 2026-11-23')
    .action(async (id: string, o) => {
      const partnerId = partnerIdOf(id);
      const cadence = cadenceOf(o.cadence);
      const { requestDigest, processDigest } = await load();
      await withSender(async (d) => {
        const r = await requestDigest(d, partnerId, { cadence, period: o.period });
        const outcome = await processDigest(d, r.row.id);
        print(`digest ${r.row.id} (${r.row.cadence} ${r.row.periodStart}) to ${r.email}: ${outcome}`);
        if (outcome === 'failed') setExitCode(1);
      });
    });
  digest
    .command('run')
    .description("the scheduler's tick now: create the digests due and send them from this process")
    .action(async () => {
      const { tickDigests, findUndispatchedDigests, markDigestsQueued, processDigest } = await load();
      await withSender(async (d) => {
        const t = await tickDigests(d);
        const counts: Record<string, number> = {};
        for (;;) {
          const ids = await findUndispatchedDigests(d.db, d.now(), 200);
          if (ids.length === 0) break;
          // Marked queued so a worker's dispatcher does not hand the same rows to BullMQ meanwhile.
          await markDigestsQueued(d.db, ids, d.now());
          for (const id of ids) {
            const outcome = await processDigest(d, id).catch((err: Error) => `retry later (${err.message})`);
            counts[outcome] = (counts[outcome] ?? 0) + 1;
          }
        }
        print(
          `due: ${t.due}, new: ${t.created}, ${
            Object.entries(counts)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ') || 'nothing to send'
          }`,
        );
      });
    });
  digest
    .command('list')
    .description('recent digests and their states, and addresses that refused mail')
    .option('--limit <n>', 'how many digests', '20')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError(`--limit must be 1 to 1000, got "${o.limit}"`);
      const { listRecentDigests, listUndeliverable } = await load();
      await withApp(async (app) => {
        const rows = await listRecentDigests(app.db, limit);
        const bad = await listUndeliverable(app.db, 100);
        if (o.json) return printJson({ digests: rows, undeliverable: bad });
        print(
          rows.length
            ? formatTable(
                ['id', 'partner', 'cadence', 'period', 'state', 'tries', 'to', 'sent', 'error'],
                rows.map((r) => [
                  r.id,
                  r.partnerId,
                  r.cadence,
                  r.periodStart + (r.requestKey ? ' (asked)' : ''),
                  r.state,
                  r.attempts,
                  r.email ?? '',
                  r.sentAt ? utcMinute(r.sentAt) : '',
                  (r.error ?? '').slice(0, 60),
                ]),
              )
            : 'No digests yet.',
        );
        if (bad.length > 0) {
          print('\nUndeliverable addresses (no digests go to them until the partner sets another):');
          print(
            formatTable(
              ['partner', 'address', 'since', 'reason'],
              bad.map((b) => [
                b.partnerId,
                b.email,
                b.undeliverableAt ? utcMinute(b.undeliverableAt) : '',
                (b.undeliverableReason ?? '').slice(0, 80),
              ]),
            ),
          );
        }
      });
    });
}
