import pino from 'pino';
import { type Config, loadConfig } from '../config/index.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createNullMetrics } from '../infra/null-metrics.js';
import { createOneShotCacheBus } from '../infra/one-shot-cache-bus.js';
import type { App } from '../main/create-app.js';
import { createRoot } from '../main/root.js';

/**
 * Everything the one-shot verbs run, in one module that src/cli/open-app.ts loads on first use: the verbs
 * register with commander alone, so `partnerdesk --help` loads neither zod, knex nor the use cases.
 */
export { openConsoleChat, runConsoleRepl } from '../../bots/console/console-chat.js';
export { createCampaign } from '../app/admin/create-campaign.js';
export { createPartner } from '../app/admin/create-partner.js';
export { grantCampaignAccess } from '../app/admin/grant-campaign-access.js';
export { issueApiKey } from '../app/admin/issue-api-key.js';
export { listApiKeys } from '../app/admin/list-api-keys.js';
export { listCampaigns } from '../app/admin/list-campaigns.js';
export { listPartners } from '../app/admin/list-partners.js';
export { revokeApiKey } from '../app/admin/revoke-api-key.js';
export { isDatabaseEmpty } from '../app/admin/start-summary.js';
export { issueLinkCode } from '../app/chat/issue-link-code.js';
export { seedDemo } from '../app/demo/seed-demo.js';
export { listPostbacks } from '../app/postbacks/list-postbacks.js';
export { replayDeliveries } from '../app/postbacks/replay-deliveries.js';
export { testFirePostback } from '../app/postbacks/test-fire-postback.js';
export { loadConfig } from '../config/index.js';
export { migrateDatabase } from '../main/migrate.js';
export { createDemoKey, demoKeyFile } from './demo-key.js';

/**
 * Logs of one-shot verbs go to stderr at warn and above (unless LOG_LEVEL is stricter), so stdout holds
 * only what the verb prints and scripts can capture it.
 */
export function cliLogger(config: Config): Logger {
  const level = config.logLevel === 'silent' || ['error', 'fatal'].includes(config.logLevel) ? config.logLevel : 'warn';
  return createLogger(level, pino.destination({ fd: 2, sync: true }));
}

/** For admin verbs: the app on the configured database (migrated), without Redis. */
export async function openCliApp(): Promise<App> {
  const config = loadConfig();
  const logger = cliLogger(config);
  // No Redis for the verb itself; a change that running processes cache is announced through Redis, which
  // this bus connects to only when something is published (infra/one-shot-cache-bus.ts).
  const cacheBus = createOneShotCacheBus(config, logger);
  const root = await createRoot(config, {
    logger,
    redis: 'none',
    readPool: false,
    cacheBus,
    metrics: createNullMetrics(),
  });
  return root.app;
}
