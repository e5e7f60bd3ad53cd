import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from './net.js';

/**
 * Starts what the integration suite talks to: a throwaway Redis on a free loopback port, and
 * PostgreSQL (the machine's cluster, started if it is down, with a `partnerdesk_test` role).
 * `scripts/bootstrap.mjs test` has already installed what was missing.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    pgUrl: string;
  }
}

const PG_ROLE = 'partnerdesk_test';
const PG_PASSWORD = 'partnerdesk_test';

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function tryExec(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return null;
  }
}

function ensurePostgres(): string {
  const external = process.env['TEST_DATABASE_URL'];
  if (external) return external;
  const up = () => tryExec('pg_isready', ['-h', '127.0.0.1', '-p', '5432']) !== null;
  if (!up()) tryExec('pg_ctlcluster', ['15', 'main', 'start']);
  const psql = (sql: string) =>
    execFileSync('su', ['postgres', '-c', `psql -v ON_ERROR_STOP=1 -qAtc "${sql}"`], { encoding: 'utf8' });
  const exists = psql(`SELECT 1 FROM pg_roles WHERE rolname='${PG_ROLE}'`).trim() === '1';
  if (!exists) psql(`CREATE ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}'`);
  return `postgres://${PG_ROLE}:${PG_PASSWORD}@127.0.0.1:5432/postgres`;
}

export default async function setup(project: TestProject) {
  // The CLI tests run bin/partnerdesk.js, which compiles src on first use after a change and says so on
  // stderr; tests that expect a silent stderr would fail on a checkout edited since the last build.
  // @ts-expect-error bin/build.js is plain JavaScript without declarations.
  const { ensureBuild } = await import('../../bin/build.js');
  await ensureBuild();
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-test-redis-'));
  const port = await freePort();
  const redis: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(() => tryExec('redis-cli', ['-p', String(port), 'ping'])?.trim() === 'PONG', 'redis-server');
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  project.provide('pgUrl', ensurePostgres());
  return async () => {
    redis.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
}
