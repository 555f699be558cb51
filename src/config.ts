import path from 'node:path';
import { bool, cleanEnv, num, port, str, url, EnvError, EnvMissingError } from 'envalid';

/** Project root: `src/..` both under ts-node and under jest. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * Every environment variable the hub reads, parsed and validated in one place.
 * A bad value stops start-up with an error that names the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = cleanEnv(
    env,
    {
      NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
      HOST: str({ default: '127.0.0.1', desc: 'interface the HTTP/WebSocket server binds to' }),
      PORT: port({ default: 4000 }),
      DATABASE_URL: url({ default: undefined, desc: 'PostgreSQL URL; without it an embedded PostgreSQL is started' }),
      DATA_DIR: str({ default: '.data', desc: 'embedded PostgreSQL data and the generated development secret' }),
      EMBEDDED_PG_PORT: port({ default: 54329 }),
      JWT_SECRET: str({ default: undefined, desc: 'HS256 secret, at least 32 characters; required in production' }),
      JWT_JWKS_URL: url({ default: undefined, desc: 'JWKS of an external identity provider (RS256/ES256)' }),
      JWT_ISSUER: str({ default: undefined }),
      JWT_AUDIENCE: str({ default: undefined }),
      LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
      DEMO_DATA: bool({ default: true, desc: 'load demo data into an empty database in development' }),
      DB_POOL_MAX: num({ default: 10 }),
      WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: num({ default: 100 }),
      WS_MAX_CONNECTIONS_PER_PROVIDER: num({ default: 20 }),
    },
    {
      reporter: ({ errors }) => {
        const names = Object.keys(errors);
        if (names.length === 0) return;
        const lines = names.map((name) => {
          const error = (errors as Record<string, Error>)[name];
          return error instanceof EnvMissingError
            ? `  ${name}: missing`
            : `  ${name}: ${(error as EnvError).message}`;
        });
        throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
      },
    },
  );

  if (raw.JWT_SECRET !== undefined && raw.JWT_SECRET.length < 32) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: must be at least 32 characters');
  }
  if (raw.NODE_ENV === 'production' && !raw.JWT_SECRET && !raw.JWT_JWKS_URL) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production');
  }

  return {
    env: raw.NODE_ENV,
    isDevelopment: raw.NODE_ENV === 'development',
    host: raw.HOST,
    port: raw.PORT,
    databaseUrl: raw.DATABASE_URL,
    dataDir: path.resolve(PROJECT_ROOT, raw.DATA_DIR),
    embeddedPgPort: raw.EMBEDDED_PG_PORT,
    jwt: {
      secret: raw.JWT_SECRET,
      jwksUrl: raw.JWT_JWKS_URL,
      issuer: raw.JWT_ISSUER,
      audience: raw.JWT_AUDIENCE,
    },
    logLevel: raw.LOG_LEVEL,
    demoData: raw.DEMO_DATA && raw.NODE_ENV === 'development',
    dbPoolMax: raw.DB_POOL_MAX,
    ws: {
      maxSubscriptionsPerConnection: raw.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerProvider: raw.WS_MAX_CONNECTIONS_PER_PROVIDER,
    },
  };
}

export type Config = ReturnType<typeof loadConfig>;

/** A configuration problem; its message names the offending variables. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
