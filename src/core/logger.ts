import pino from 'pino';

/**
 * Creates the process logger. Patient data is never logged: only ids and
 * codes. Tokens and variables are redacted should a line ever carry a
 * request's headers or body; `destination` lets tests read the lines.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'connectionParams',
          '*.connectionParams',
          'variables',
          '*.variables',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type Logger = pino.Logger;

/**
 * What may be logged of an error: its class and a short code (a PostgreSQL
 * SQLSTATE, a GraphQL code), never its message — a driver's message holds
 * the statement with its values, which are patient data.
 */
export function describeError(err: unknown): { errorClass: string; code?: string } {
  const errorClass = (err as object | null)?.constructor?.name ?? typeof err;
  const candidates = [(err as { code?: unknown } | null)?.code, (err as { extensions?: { code?: unknown } } | null)?.extensions?.code];
  const code = candidates.find((c): c is string => typeof c === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(c));
  return code === undefined ? { errorClass } : { errorClass, code };
}
