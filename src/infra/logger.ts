import pino, { type Logger } from 'pino';

export type { Logger };

/** The one root logger; parts take `logger.child({ component })`. Secrets never reach it (see redact). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'partnerdesk' },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', '*.token', '*.password'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
