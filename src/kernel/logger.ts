import pino, { type Logger } from 'pino';

export type { Logger };

/** Logs go to stderr so that commands whose stdout is data (reports, exports) stay clean. */
export function createLogger(level: string, name = 'dases'): Logger {
  return pino({ name, level }, pino.destination(2));
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
