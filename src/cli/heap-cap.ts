import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { readRawEnv } from '../config/index.js';

/**
 * V8 old-space caps (MB) for the long-running roles. Without one V8 sizes the heap from the machine's memory
 * (about 4 GB here) and lets it grow lazily: a worker draining a million deliveries sat at ~420 MB RSS while
 * holding a few MB of live data. With a cap it collects sooner and stays well under 300 MB. `start` and `api`
 * get more room for reports and seeding. A cap the operator set (flag or NODE_OPTIONS) is left alone.
 */
export const HEAP_MB: Record<string, number> = { worker: 160, bots: 256, api: 512, start: 512 };

const SUPERVISED = 'PARTNERDESK_HEAP_CAPPED';

/** In the child started by runWithHeapCap: a parent that dies without telling us still stops us, gracefully. */
export function watchParent(): void {
  if (readRawEnv(SUPERVISED) !== '1' || !process.connected) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The channel must not keep an otherwise finished process alive.
  process.channel?.unref();
}

function capGiven(): boolean {
  const flag = (s: string) => /--max-old-space-size|--max-heap-size/.test(s);
  return process.execArgv.some(flag) || flag(readRawEnv('NODE_OPTIONS') ?? '');
}

/**
 * Runs this same command again in a child process with the role's heap cap, when it has none yet, and returns
 * its exit code; null means "go on in this process". The parent waits and relays signals: SIGTERM and
 * SIGHUP as they come, SIGINT as SIGTERM (a terminal's Ctrl-C already reaches the child through the process
 * group, and a second SIGINT would mean "stop now" to it), so a graceful shutdown stays graceful.
 */
export async function runWithHeapCap(argv: string[]): Promise<number | null> {
  const mb = HEAP_MB[argv[0] ?? ''];
  const script = process.argv[1];
  if (!mb || !script || capGiven()) return null;
  // The IPC channel is only a lifeline: if this parent is killed outright, the child sees it close and
  // shuts down gracefully instead of running on as an orphan (see watchParent).
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${mb}`, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [SUPERVISED]: '1' },
  });
  const relay = (to: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(to);
  };
  process.on('SIGTERM', relay('SIGTERM'));
  process.on('SIGHUP', relay('SIGHUP'));
  process.on('SIGINT', relay('SIGTERM'));
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
