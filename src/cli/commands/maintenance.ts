import type { Command } from 'commander';
import { describeDatabase } from '../banner.js';
import { UsageError } from '../cli-error.js';
import { load, withApp } from '../open-app.js';

const positiveInt = (flag: string, max: number) => (raw: string) => {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got "${raw}"`);
  }
  return Number(raw);
};

export function registerMaintenanceCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and list what was applied')
    .action(async () => {
      const uc = await load();
      const config = uc.loadConfig();
      uc.cliLogger(config);
      const { applied, total } = await uc.migrateDatabase(config);
      console.log(`Database: ${describeDatabase(config)}`);
      if (applied.length === 0) console.log(`Already up to date (${total} migrations applied).`);
      else for (const name of applied) console.log(`applied ${name}`);
    });

  program
    .command('seed')
    .description('fill an EMPTY database with demo partners, campaigns, ~30 days of traffic and payments')
    .option('--demo', 'the demo data set (the only one today)')
    .option('--clicks <n>', 'how many clicks', positiveInt('--clicks', 20_000_000), 100_000)
    .option('--days <n>', 'over how many days, ending now', positiveInt('--days', 365), 30)
    .action(async (o: { demo?: boolean; clicks: number; days: number }) => {
      const uc = await load();
      if (!o.demo) throw new UsageError('say which data set: seed --demo');
      await withApp(async (app) => {
        // Refused rather than merged: demo emails and ids would collide with, or be mistaken for, real data.
        if (!(await uc.isDatabaseEmpty(app))) {
          throw new UsageError(
            'the database already has partners; seed --demo only fills an empty one (point DATA_DIR or DATABASE_URL at a new database)',
          );
        }
        console.log(
          `Seeding ${o.clicks.toLocaleString('en-US')} clicks over ${o.days} days into ${describeDatabase(app.config)}...`,
        );
        const s = await uc.seedDemo(app, { clicks: o.clicks, days: o.days, now: app.now() });
        const key = await uc.createDemoKey(app, app.config.dataDir);
        console.log(
          `Seeded ${s.partners} partners, ${s.campaigns} campaigns, ${s.clicks.toLocaleString('en-US')} clicks, ${s.conversions.toLocaleString('en-US')} conversions, ${s.payments} payments in ${(s.ms / 1000).toFixed(1)} s.`,
        );
        console.log(`Demo admin API key (saved in ${uc.demoKeyFile(app.config.dataDir)}):`);
        console.log(key);
      });
    });
}
