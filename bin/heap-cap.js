// Plain JavaScript on purpose: it runs in the `partnerdesk` launcher BEFORE tsx is registered, so the parent
// process it leaves behind stays small (about 40 MB instead of ~90 MB with the TypeScript loader in it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/**
 * V8 old-space caps (MB) for the long-running roles. Without one V8 sizes the heap from the machine's memory
 * (about 4 GB here) and lets it grow lazily: a worker draining a million deliveries sat at ~420 MB RSS while
 * holding a few MB of live data; capped at 160 MB it peaked at 284 MB. `start` and `api` get more room for
 * reports and seeding.
 */
export const HEAP_MB = { worker: 160, bots: 256, api: 512, start: 512 };

/** Set in the child's environment; src/cli/watch-parent.ts reads it through the config module. */
export const SUPERVISED = 'PARTNERDESK_HEAP_CAPPED';

/**
 * Runs this same command again in a child process with the role's heap cap and returns its exit code, or
 * null ("go on in this process") when the verb is not a long-running role or the heap is already bounded
 * near the budget (a cap the operator set with a flag or NODE_OPTIONS, or a small machine). The parent waits
 * and relays signals as SIGTERM (a terminal's Ctrl-C already reaches the child through the process group,
 * and a second SIGINT would mean "stop now" to it; SIGHUP would kill it without a graceful shutdown). An IPC
 * channel is the child's lifeline: if this parent is killed outright, the child shuts down gracefully.
 */
export async function runWithHeapCap(argv, script) {
  const mb = HEAP_MB[argv[0] ?? ''];
  const limitMb = getHeapStatistics().heap_size_limit / 2 ** 20;
  if (!mb || limitMb <= mb * 1.5) return null;
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${mb}`, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [SUPERVISED]: '1' },
  });
  const relay = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT']) process.on(sig, relay);
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
