import type { App } from '../main/create-app.js';

/** The use cases and wiring the verbs run, loaded on first use so that `--help` stays light. */
export const load = () => import('./use-cases.js');

/**
 * For admin verbs: the app on the configured database (migrated), without Redis, closed after `fn`. A verb
 * that changes something running processes cache (a revoked key, a paused campaign) announces it through
 * Redis, connecting only then (see infra/one-shot-cache-bus.ts).
 */
export async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const app = await (await load()).openCliApp();
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
