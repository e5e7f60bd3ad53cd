export type { Config } from './config.js';
export { buildConfig, ConfigError, loadConfig, readRawEnv } from './config.js';
