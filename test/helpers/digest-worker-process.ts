/**
 * A digest worker in its own process, for the crash test: the real role on the database and Redis given in
 * the environment, with a short lease and BullMQ lock so a killed one's digests come back within seconds.
 * Prints "ready" once it consumes. Run with `node --import tsx`.
 */

import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { startDigestWorker } from '../../src/jobs/digests/start.js';
import { createApp } from '../../src/main/create-app.js';

const app = await createApp(loadConfig(), { logger: createLogger('silent'), readPool: false });
await startDigestWorker(app, {
  prefix: process.env['DIGEST_TEST_PREFIX'] ?? 'bull',
  schedule: false,
  pollMs: 50,
  concurrency: 4,
  leaseMs: 1_500,
  lockMs: 1_000,
  reconcileIntervalMs: 300,
  reconcileGraceMs: 1_000,
});
process.stdout.write('ready\n');
