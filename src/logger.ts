import pino from 'pino';

/** Creates the process logger. Patient data is never logged: only ids and codes. */
export function createLogger(level: string) {
  return pino({ level, base: undefined });
}

export type Logger = pino.Logger;
