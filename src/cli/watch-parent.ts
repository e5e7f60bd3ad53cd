import { readRawEnv } from '../config/raw-env.js';

/**
 * In the child started by bin/heap-cap.js (which marks it with PARTNERDESK_HEAP_CAPPED and an IPC channel):
 * a parent that dies without passing a signal on still stops us, gracefully, instead of leaving an orphan.
 */
export function watchParent(): void {
  if (readRawEnv('PARTNERDESK_HEAP_CAPPED') !== '1' || !process.connected) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The channel must not keep an otherwise finished process alive.
  process.channel?.unref();
}
