import type { Command } from 'commander';
import { UsageError } from '../cli-error.js';
import { load, withApp } from '../open-app.js';
import { print, printJson } from '../output.js';
import { formatTable } from '../table.js';
import type { SetFlags } from './admin.js';

const ADMIN = { partnerId: null };

/**
 * `postback list|test|replay`: the relay's operator verbs, over the same use cases as the API and the bots.
 * Replay only marks rows pending; a running worker (`start` or `worker`) sends them within its poll.
 */
export function registerPostbackCommands(program: Command, setFlags: SetFlags): void {
  const postback = program.command('postback').description("partners' postbacks: list, test fire, replay deliveries");
  postback
    .command('list')
    .description('list postbacks, with their URL expanded for a sample conversion')
    .option('--partner <id>', 'only this partner')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const uc = await load();
      setFlags({ partner_id: '--partner' });
      const r = await withApp((app) => uc.listPostbacks(app, ADMIN, { partner_id: o.partner }));
      if (o.json) return printJson(r.items);
      print(
        formatTable(
          ['id', 'partner', 'campaign', 'method', 'enabled', 'url'],
          r.items.map((p) => [
            p.id,
            p.partner_id,
            p.campaign_id ?? 'all',
            p.method,
            p.enabled ? 'yes' : `no: ${p.disabled_reason ?? ''}`,
            p.url,
          ]),
        ),
      );
    });
  postback
    .command('test <postbackId>')
    .description('send the postback once with a sample conversion (or --conversion) and show the answer')
    .option('--conversion <id>', "send this conversion's values instead of the sample")
    .action(async (id: string, o) => {
      const uc = await load();
      setFlags({ conversion_id: '--conversion' });
      const r = await withApp((app) => uc.testFirePostback(app, ADMIN, { postbackId: id, conversionId: o.conversion }));
      print(`${r.method} ${r.expandedUrl}`);
      print(
        r.status !== null
          ? `-> HTTP ${r.status} in ${r.durationMs} ms${r.ok ? '' : ' (not 2xx)'}`
          : `-> ${r.errorClass}: ${r.errorMessage} (${r.durationMs} ms)`,
      );
      if (r.bodySnippet) print(r.bodySnippet);
      if (!r.ok) process.exitCode = 1;
    });
  postback
    .command('replay')
    .description('send deliveries again (dead ones by default), keeping their {postback_id}')
    .option('--partner <id>', "this partner's deliveries")
    .option('--postback <id>', "this postback's deliveries")
    .option('--ids <ids>', 'comma-separated delivery ids (any state unless --state)')
    .option('--from <time>', 'created at or after, ISO time like 2026-11-01T00:00:00Z')
    .option('--to <time>', 'created before, ISO time')
    .option('--state <state>', 'dead (default), delivered, pending or any')
    .action(async (o) => {
      const uc = await load();
      setFlags({ partner_id: '--partner', postback_id: '--postback', delivery_ids: '--ids' });
      const ids =
        o.ids === undefined
          ? undefined
          : String(o.ids)
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
      if (ids?.some((s) => !/^\d+$/.test(s))) throw new UsageError(`--ids must be numbers like 12,13, got "${o.ids}"`);
      const r = await withApp((app) =>
        uc.replayDeliveries(app, ADMIN, {
          ...(o.partner !== undefined && { partner_id: o.partner }),
          ...(o.postback !== undefined && { postback_id: o.postback }),
          ...(ids !== undefined && { delivery_ids: ids }),
          ...(o.from !== undefined && { from: o.from }),
          ...(o.to !== undefined && { to: o.to }),
          ...(o.state !== undefined && { state: o.state }),
        }),
      );
      print(`Replaying ${r.count} deliveries; a running worker sends them now.`);
    });
}
