import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/infra/logger.js';

/**
 * Bolt and its Web API client log through our pino logger. Their debug output carries request bodies (and with
 * them tokens), so it never goes beyond warn: a partner's message or a token must not land in the log.
 */
export function boltLogger(log: Logger): BoltLogger {
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log.warn({ event: 'slack.bolt' }, text(msg)),
    error: (...msg: unknown[]) => log.error({ event: 'slack.bolt' }, text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.WARN,
    setName: () => {},
  };
}
