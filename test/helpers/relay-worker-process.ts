/**
 * The worker role as a child process for the chaos test: started with `node --import tsx` so that SIGKILL
 * hits the process doing the work (no wrapper in between). Argument: JSON {dataDir, redisUrl, prefix}.
 * Configuration comes through buildConfig, not process.env.
 */
import { createApp } from '../../src/app/create-app.js';
import { buildConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { startRelay } from '../../src/jobs/relay.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; redisUrl: string; prefix: string };
const config = buildConfig({
  DATA_DIR: args.dataDir,
  REDIS_URL: args.redisUrl,
  POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true',
  LOG_LEVEL: 'error',
});
const app = await createApp(config, { logger: createLogger('error'), migrate: false });
const relay = await startRelay(app, {
  prefix: args.prefix,
  retrySchedule: [0, 200, 500, 1000, 1000, 2000, 2000, 2000, 2000, 2000],
  timeoutMs: 3000,
  dispatchPollMs: 50,
  reconcileIntervalMs: 1000,
  reconcileGraceMs: 2000,
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  concurrency: 50,
});
process.send?.('ready');
process.once('SIGTERM', () => {
  void relay
    .close()
    .then(() => app.close())
    .then(() => process.exit(0));
});
