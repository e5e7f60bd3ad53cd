import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 10 item 12: SIGTERM, however often and whenever it comes (systemd, `timeout`, a container runtime,
 * our heap-cap launcher relaying it), stops `start` gracefully: exit 0, "Stopped.", the self-started Redis gone.
 */
interface Child {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(cmd: string[], env: Record<string, string> = {}, detached = false): Child {
  const child = spawn(process.execPath, cmd, {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, exited };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

/** Signals `pid` (a negative pid: its process group) back to back for `ms`, as fast as kill(2) goes. */
function flood(pid: number, ms: number): void {
  const end = Date.now() + ms;
  try {
    while (Date.now() < end) process.kill(pid, 'SIGTERM');
  } catch {
    // the process is gone: what it did before is what the test checks
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('graceful stop on SIGTERM', () => {
  it('survives a flood of SIGTERMs in the middle of handling the first one (real listenForStop)', async () => {
    const HARNESS = ['--import', 'tsx', path.resolve('test/helpers/stop-signal-process.ts')];
    for (let round = 0; round < 6; round++) {
      const runs = [start(HARNESS), start(HARNESS)];
      await until(() => runs.every((r) => r.out().includes('ready')), 20_000);
      for (const r of runs) flood(r.child.pid ?? 0, 40);
      for (const r of runs) {
        expect(await r.exited, r.out()).toEqual({ code: 0, signal: null });
        expect(r.out()).toContain('stopped');
      }
    }
  });

  it.each([
    [
      'while it starts (its own Redis just launched)',
      (dir: string) => existsSync(path.join(dir, 'redis', 'redis.pid')),
    ],
    ['once running', (_dir: string, out: string) => out.includes('partnerdesk is running')],
  ])('`start` signalled as a process group %s stops gracefully and stops its Redis', async (_what, ready) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pd-stop-'));
    try {
      const run = start(
        [path.resolve('bin/partnerdesk.js'), 'start'],
        { DATA_DIR: dir, SEED_DEMO: 'false', PORT: '0', REDIS_URL: '', DATABASE_URL: '' },
        true,
      );
      await until(() => ready(dir, run.out()), 60_000);
      expect(ready(dir, run.out()), run.out()).toBe(true);
      const redisPid = Number(readFileSync(path.join(dir, 'redis', 'redis.pid'), 'utf8').trim() || 0);
      flood(-(run.child.pid ?? 0), 30);
      expect(await run.exited, run.out()).toEqual({ code: 0, signal: null });
      expect(run.out()).toContain('Stopped.');
      await until(() => !isAlive(redisPid), 10_000);
      expect(isAlive(redisPid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
