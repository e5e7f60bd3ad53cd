import type { Logger } from '../infra/logger.js';

/** A poll loop's pause that a commit signal (or stop) can cut short, shared by the outbox dispatchers. */
export function createWaker(): { sleep(ms: number): Promise<void>; wake(): void } {
  let wake: (() => void) | null = null;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(done, ms);
        function done() {
          clearTimeout(t);
          wake = null;
          resolve();
        }
        wake = done;
      }),
    wake: () => wake?.(),
  };
}

/**
 * Runs `pass` every intervalMs without keeping the process alive; a failed pass is logged at warn and the
 * next one retries. Returns the timer for clearInterval.
 */
export function everyInterval(
  intervalMs: number,
  pass: () => Promise<unknown>,
  log: Logger,
  event: string,
  message: string,
): NodeJS.Timeout {
  const timer = setInterval(() => {
    pass().catch((err) => log.warn({ err: (err as Error).message, event }, message));
  }, intervalMs);
  timer.unref();
  return timer;
}
