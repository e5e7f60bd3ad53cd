export { buildConfig, ConfigError, loadConfig, readRawEnv } from './config.js';
export type { Config } from './config.js';
