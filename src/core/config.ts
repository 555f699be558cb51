import path from 'node:path';
import { bool, cleanEnv, num, port, str, url, EnvError, EnvMissingError } from 'envalid';

/** Project root: `src/core/../..` both under ts-node and under jest. */
export const PROJECT_ROOT = path.resolve(__dirname, '../..');

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
      DATABASE_URL: url({
        default: undefined,
        desc: 'PostgreSQL URL the hub serves requests with; without it an embedded PostgreSQL is started',
      }),
      MIGRATION_DATABASE_URL: url({
        default: undefined,
        desc: "PostgreSQL URL of the schema's owner, used for migrations only; DATABASE_URL's role is then granted what it needs",
      }),
      DATA_DIR: str({ default: '.data', desc: 'embedded PostgreSQL data and the generated development secret' }),
      EMBEDDED_PG_PORT: port({ default: 54329 }),
      JWT_SECRET: str({ default: undefined, desc: 'HS256 secret, at least 32 characters; required in production' }),
      JWT_JWKS_URL: url({ default: undefined, desc: 'JWKS of an external identity provider (RS256/ES256)' }),
      JWT_ISSUER: str({ default: undefined }),
      JWT_AUDIENCE: str({ default: undefined }),
      OIDC_CLIENT_ID: str({
        default: undefined,
        desc: "the dashboard page's client id at the identity provider (JWT_ISSUER): with it the page signs in with OpenID Connect",
      }),
      OIDC_SCOPE: str({ default: 'openid profile', desc: 'scopes the dashboard page asks the identity provider for' }),
      LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
      DEMO_DATA: bool({ default: true, desc: 'load demo data into an empty database in development' }),
      DB_POOL_MAX: num({ default: 10 }),
      WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: num({ default: 100 }),
      WS_MAX_CONNECTIONS_PER_PROVIDER: num({ default: 20 }),
      TRUST_PROXY: str({
        default: 'false',
        desc: "express 'trust proxy': false, true, a hop count, or addresses (for the client address behind a proxy)",
      }),
      CORS_ORIGINS: str({ default: '', desc: 'comma-separated origins allowed to call /graphql from a browser; empty: same origin only' }),
      RATE_LIMIT_WINDOW_MS: num({ default: 60_000, desc: 'window of both rate limits' }),
      RATE_LIMIT_REQUESTS: num({
        default: 1200,
        desc: 'GraphQL requests per client (bearer token, or address without one) per window; 0: off',
      }),
      RATE_LIMIT_AUTH_FAILURES: num({ default: 30, desc: 'failed authentications per address per window before it is refused; 0: off' }),
      METRICS_TOKEN: str({ default: undefined, desc: 'when set, GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' }),
      SHUTDOWN_READINESS_DELAY_MS: num({
        default: 0,
        desc: 'on shutdown, how long /readyz answers 503 before connections drain (let the load balancer notice)',
      }),
      HEAP_GROWTH_PERCENT: num({
        default: 100,
        desc: "how far V8's heap may grow past what the last full collection kept before the next one (V8 --heap-growing-percent); 0: V8's own pacing",
      }),
      WS_MAX_PAYLOAD_BYTES: num({ default: 1_048_576, desc: 'largest WebSocket frame accepted; a larger one closes the socket' }),
      WS_CONNECTION_INIT_TIMEOUT_MS: num({ default: 3_000, desc: 'a socket that has not authenticated by then is closed' }),
      GRAPHQL_MAX_DOCUMENT_BYTES: num({ default: 65_536, desc: 'longest query text accepted' }),
      GRAPHQL_MAX_TOKENS: num({ default: 5_000 }),
      GRAPHQL_MAX_DEPTH: num({ default: 15 }),
      GRAPHQL_MAX_ALIASES: num({ default: 30 }),
      GRAPHQL_MAX_DIRECTIVES: num({ default: 50 }),
      GRAPHQL_MAX_COST: num({ default: 50_000, desc: 'one per field, a list field times its first/last' }),
      GRAPHQL_INTROSPECTION: bool({ default: false, devDefault: true }),
      GRAPHQL_SUGGESTIONS: bool({ default: false, devDefault: true, desc: '"Did you mean …" in validation errors' }),
      PERSISTED_OPERATIONS_ONLY: bool({ default: false, desc: 'accept only documents listed in PERSISTED_OPERATIONS_FILE' }),
      PERSISTED_OPERATIONS_FILE: str({ default: undefined, desc: 'JSON object: sha256 hex of a document → the document' }),
      EXECUTION_TIMEOUT_MS: num({ default: 10_000, desc: 'an operation still running after this is stopped' }),
      SHUTDOWN_TIMEOUT_MS: num({ default: 10_000, desc: 'shutdown ends within this, whatever is still running' }),
      JOBS_CONCURRENCY: num({ default: 2, desc: 'scheduled jobs (missed check-ins) this instance runs at once; 0: run none here' }),
      EVENT_BUS: str({
        default: 'postgres',
        desc: "how instances hear of committed events: 'postgres' (LISTEN/NOTIFY, nothing else to run) or a NATS JetStream URL, nats://host:4222",
      }),
      EVENT_BUS_STREAM: str({
        default: 'CARE_EVENTS',
        desc: 'NATS: the JetStream stream of event notices (subjects care.<organization>.<patient>)',
      }),
      EVENT_BUS_RETENTION_S: num({ default: 86_400, desc: 'NATS: how long the stream keeps a notice, in seconds' }),
      EVENT_RELAY: bool({
        default: true,
        desc: 'NATS: this instance may run the outbox relay that publishes committed events (one runs at a time across instances)',
      }),
      JOBS_POLL_INTERVAL_MS: num({ default: 2_000, desc: 'how often this instance looks for scheduled jobs that came due' }),
    },
    {
      reporter: ({ errors }) => {
        const names = Object.keys(errors);
        if (names.length === 0) return;
        const lines = names.map((name) => {
          const error = (errors as Record<string, Error>)[name];
          return error instanceof EnvMissingError ? `  ${name}: missing` : `  ${name}: ${(error as EnvError).message}`;
        });
        throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
      },
    },
  );

  if (raw.JWT_SECRET !== undefined && raw.JWT_SECRET.length < 32) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: must be at least 32 characters');
  }
  if (raw.PERSISTED_OPERATIONS_ONLY && !raw.PERSISTED_OPERATIONS_FILE) {
    throw new ConfigError('Invalid configuration:\n  PERSISTED_OPERATIONS_FILE: required when PERSISTED_OPERATIONS_ONLY=true');
  }
  if (raw.OIDC_CLIENT_ID && !(raw.JWT_ISSUER && raw.JWT_JWKS_URL)) {
    throw new ConfigError('Invalid configuration:\n  OIDC_CLIENT_ID: needs JWT_ISSUER (the identity provider) and JWT_JWKS_URL (its keys)');
  }
  if (raw.OIDC_CLIENT_ID && !URL.canParse(raw.JWT_ISSUER!)) {
    throw new ConfigError("Invalid configuration:\n  JWT_ISSUER: must be the identity provider's URL when OIDC_CLIENT_ID is set");
  }
  if (raw.EVENT_BUS !== 'postgres' && !/^nats:\/\/[^\s/]+$/.test(raw.EVENT_BUS)) {
    throw new ConfigError("Invalid configuration:\n  EVENT_BUS: 'postgres' or nats://host:port");
  }
  if (raw.EVENT_BUS_RETENTION_S < 1) throw new ConfigError('Invalid configuration:\n  EVENT_BUS_RETENTION_S: at least 1');
  if (raw.MIGRATION_DATABASE_URL && !raw.DATABASE_URL) {
    throw new ConfigError('Invalid configuration:\n  DATABASE_URL: required when MIGRATION_DATABASE_URL is set');
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
    /** The owner's URL for migrations; unset: DATABASE_URL's role migrates too (one role, warned at start). */
    migrationDatabaseUrl: raw.MIGRATION_DATABASE_URL,
    dataDir: path.resolve(PROJECT_ROOT, raw.DATA_DIR),
    embeddedPgPort: raw.EMBEDDED_PG_PORT,
    /** False when EMBEDDED_PG_PORT is unset: the embedded PostgreSQL then takes the port chosen for DATA_DIR. */
    embeddedPgPortSet: Boolean(env.EMBEDDED_PG_PORT),
    jwt: {
      secret: raw.JWT_SECRET,
      jwksUrl: raw.JWT_JWKS_URL,
      issuer: raw.JWT_ISSUER,
      audience: raw.JWT_AUDIENCE,
    },
    /** OpenID Connect sign-in of the dashboard page (authorization code + PKCE at JWT_ISSUER); null when not configured. */
    oidc: raw.OIDC_CLIENT_ID ? { issuer: raw.JWT_ISSUER!, clientId: raw.OIDC_CLIENT_ID, scope: raw.OIDC_SCOPE } : null,
    logLevel: raw.LOG_LEVEL,
    demoData: raw.DEMO_DATA && raw.NODE_ENV === 'development',
    dbPoolMax: raw.DB_POOL_MAX,
    heapGrowthPercent: raw.HEAP_GROWTH_PERCENT,
    ws: {
      maxSubscriptionsPerConnection: raw.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerProvider: raw.WS_MAX_CONNECTIONS_PER_PROVIDER,
      maxPayloadBytes: raw.WS_MAX_PAYLOAD_BYTES,
      connectionInitTimeoutMs: raw.WS_CONNECTION_INIT_TIMEOUT_MS,
    },
    http: {
      trustProxy: parseTrustProxy(raw.TRUST_PROXY),
      corsOrigins: raw.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    rateLimit: {
      windowMs: raw.RATE_LIMIT_WINDOW_MS,
      requests: raw.RATE_LIMIT_REQUESTS,
      authFailures: raw.RATE_LIMIT_AUTH_FAILURES,
    },
    metricsToken: raw.METRICS_TOKEN,
    shutdownReadinessDelayMs: raw.SHUTDOWN_READINESS_DELAY_MS,
    /** Limits every document meets before execution, over HTTP and WebSocket alike (src/app/limits.ts). */
    limits: {
      documentBytes: raw.GRAPHQL_MAX_DOCUMENT_BYTES,
      tokens: raw.GRAPHQL_MAX_TOKENS,
      depth: raw.GRAPHQL_MAX_DEPTH,
      aliases: raw.GRAPHQL_MAX_ALIASES,
      directives: raw.GRAPHQL_MAX_DIRECTIVES,
      cost: raw.GRAPHQL_MAX_COST,
    },
    introspection: raw.GRAPHQL_INTROSPECTION,
    suggestions: raw.GRAPHQL_SUGGESTIONS,
    persistedOperations: { only: raw.PERSISTED_OPERATIONS_ONLY, file: raw.PERSISTED_OPERATIONS_FILE },
    executionTimeoutMs: raw.EXECUTION_TIMEOUT_MS,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    /** How instances hear of committed events (src/events/bus.ts): PostgreSQL's LISTEN/NOTIFY, or NATS JetStream. */
    eventBus:
      raw.EVENT_BUS === 'postgres'
        ? ({ kind: 'postgres' } as const)
        : ({
            kind: 'nats',
            url: raw.EVENT_BUS,
            stream: { name: raw.EVENT_BUS_STREAM, retentionSeconds: raw.EVENT_BUS_RETENTION_S },
            relay: raw.EVENT_RELAY,
          } as const),
    /** The PostgreSQL job queue (graphile-worker, src/app/jobs.ts). */
    jobs: { concurrency: raw.JOBS_CONCURRENCY, pollIntervalMs: raw.JOBS_POLL_INTERVAL_MS },
  };
}

export type Config = ReturnType<typeof loadConfig>;

/** TRUST_PROXY as express takes it: a boolean, a hop count, or a list of addresses. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A configuration problem; its message names the offending variables. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
