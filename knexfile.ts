// For the knex CLI only; partnerdesk itself migrates with `partnerdesk migrate` (and on start).
import { loadConfig } from './src/config/index.js';
import { knexConfig } from './src/db/knex.js';

export default knexConfig(loadConfig().database);
