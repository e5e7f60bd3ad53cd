/**
 * The worker role as a child process for the chaos tests: started with `node --import tsx` so that SIGKILL
 * hits the process doing the work (no wrapper in between). Argument: JSON {dataDir, redisUrl, prefix, serve?}.
 * With serve, it is the whole `start` role instead: the HTTP API too, so conversions recorded here take the
 * same process's relay; it then sends {port} when ready. Configuration comes through buildConfig, not process.env.
 */

import { buildConfig } from '../../src/config/index.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/infra/logger.js';
import { startRelay } from '../../src/jobs/relay.js';
import { createApp } from '../../src/main/create-app.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  dataDir: string;
  redisUrl: string;
  prefix: string;
  serve?: boolean;
};
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
const server = args.serve ? await buildServer(app) : null;
if (server) await server.listen({ host: '127.0.0.1', port: 0 });
const address = server?.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
process.once('SIGTERM', () => {
  void (server?.close() ?? Promise.resolve())
    .then(() => relay.close())
    .then(() => app.close())
    .then(() => process.exit(0));
});
