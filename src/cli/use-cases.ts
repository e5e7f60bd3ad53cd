import pino from 'pino';
import type { App } from '../app/create-app.js';
import { type Config, loadConfig } from '../config/index.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createOneShotCacheBus } from '../infra/one-shot-cache-bus.js';
import { createRoot } from '../main/root.js';

/**
 * Everything the one-shot verbs run, in one module that src/cli/open-app.ts loads on first use: the verbs
 * register with commander alone, so `partnerdesk --help` loads neither zod, knex nor the use cases.
 */
export { openConsoleChat, runConsoleRepl } from '../../bots/console/console-chat.js';
export { createCampaign } from '../app/create-campaign.js';
export { createPartner } from '../app/create-partner.js';
export { grantCampaignAccess } from '../app/grant-campaign-access.js';
export { issueApiKey } from '../app/issue-api-key.js';
export { issueLinkCode } from '../app/issue-link-code.js';
export { listApiKeys } from '../app/list-api-keys.js';
export { listCampaigns } from '../app/list-campaigns.js';
export { listPartners } from '../app/list-partners.js';
export { listPostbacks } from '../app/list-postbacks.js';
export { replayDeliveries } from '../app/replay-deliveries.js';
export { revokeApiKey } from '../app/revoke-api-key.js';
export { seedDemo } from '../app/seed-demo.js';
export { isDatabaseEmpty } from '../app/start-summary.js';
export { testFirePostback } from '../app/test-fire-postback.js';
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
  const root = await createRoot(config, { logger, redis: 'none', readPool: false, cacheBus });
  return root.app;
}
