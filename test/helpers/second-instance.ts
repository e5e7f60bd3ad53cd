import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/http/server.js';
import { createLogger, type Logger } from '../../src/infra/logger.js';
import { type App, createApp } from '../../src/main/create-app.js';
import type { TestContext } from './harness.js';

/**
 * Another server on the same database and Redis as `ctx`, as a second `api` (or `bots`) process would be.
 * `ctx` here is a TestContext for the helpers (`api(...)`); close() closes only this instance.
 */
export async function startSecondInstance(
  first: TestContext,
  opts: { logger?: Logger } = {},
): Promise<{ app: App; server: FastifyInstance; ctx: TestContext; close(): Promise<void> }> {
  const app = await createApp(first.config, { logger: opts.logger ?? createLogger('silent'), migrate: false });
  const server = await buildServer(app);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const close = async () => {
    await server.close();
    await app.close();
  };
  return { app, server, close, ctx: { ...first, app, server, baseUrl: `http://127.0.0.1:${port}`, close } };
}

/** A logger that keeps the `event` field of every line, to see what a process decided. */
export function eventRecorder(): { logger: Logger; events: string[] } {
  const events: string[] = [];
  const logger = createLogger('info', {
    write(line: string) {
      const e = (JSON.parse(line) as { event?: string }).event;
      if (e) events.push(e);
    },
  });
  return { logger, events };
}
