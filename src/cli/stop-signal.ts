/**
 * Resolves with the first SIGINT or SIGTERM. The listeners are installed once, at the start of a long-running
 * role, and stay for the rest of the process's life: while a signal has no listener Node restores its default
 * action, so a SIGTERM landing between removing one listener and adding the next (a supervisor and our
 * heap-cap parent both send one when the whole process group is signalled) killed the process at once, with
 * exit 143, no shutdown and the self-started Redis left running.
 *
 * After the first signal: a second SIGTERM is ignored (it is the same stop, relayed); a Ctrl-C more than a
 * second after the first one means "now" and exits 130 (one within the second is the same Ctrl-C passed on
 * by a wrapper such as `timeout`).
 */
export function listenForStop(
  proc: Pick<NodeJS.Process, 'on' | 'exit'> = process,
  now: () => number = Date.now,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt: number | null = null;
    const on = (sig: NodeJS.Signals) => {
      if (firstAt === null) {
        firstAt = now();
        resolve(sig);
        return;
      }
      if (sig === 'SIGINT' && now() - firstAt > 1000) proc.exit(130);
    };
    proc.on('SIGINT', on);
    proc.on('SIGTERM', on);
  });
}
