// Kept apart from config.ts (which loads zod) so that `partnerdesk --help` can start without the schema.

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** For the test helpers and the CLI: the few raw variables that are not application settings. */
export function readRawEnv(name: string): string | undefined {
  return process.env[name];
}
