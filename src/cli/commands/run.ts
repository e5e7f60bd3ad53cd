import type { Command } from 'commander';
import { listenForStop } from '../stop-signal.js';

export interface Roles {
  http: boolean;
  worker: boolean;
  /** Chat bots (Telegram when TELEGRAM_BOT_TOKEN is set). */
  bots: boolean;
  /** Seed demo data into an empty embedded database (SEED_DEMO decides too). */
  seed: boolean;
}

/** The wiring loads only when a role runs, so `--help` and the one-shot verbs stay light. */
async function serve(roles: Roles): Promise<void> {
  // First of all: a stop that arrives while we start up must still find its listener (see stop-signal.ts).
  const stopped = listenForStop();
  const { serveRoles } = await import('../serve-roles.js');
  await serveRoles(roles, () => stopped);
}

export function registerRunCommands(program: Command): void {
  program
    .command('start')
    .description('run everything in one process: HTTP API + tracking, worker; seeds demo data on an empty embedded DB')
    .action(() => serve({ http: true, worker: true, bots: true, seed: true }));
  program
    .command('api')
    .description('run only the HTTP role (tracking, postback, API, docs); for scale-out')
    .action(() => serve({ http: true, worker: false, bots: false, seed: false }));
  program
    .command('worker')
    .description(
      'run only the worker role: postback relay (dispatcher, BullMQ worker, reconciler); scales out on PostgreSQL + Redis',
    )
    .action(() => serve({ http: false, worker: true, bots: false, seed: false }));
  program
    .command('bots')
    .description(
      'run only the chat bots role: Telegram long polling (one process only) or webhook, Slack (HTTP events at /slack/events, which listens on HTTP, or Socket Mode with SLACK_APP_TOKEN)',
    )
    .action(() => serve({ http: false, worker: false, bots: true, seed: false }));
}
