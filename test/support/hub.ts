import crypto from 'node:crypto';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig, type Config } from '../../src/core/config';
import { createTokenVerifier, signToken } from '../../src/auth/tokens';
import { initOrm, type Orm } from '../../src/app/orm';
import { createLogger, type Logger } from '../../src/core/logger';
import { createServer, type HubServer } from '../../src/app/server';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/**
 * The event bus the tests run on: EVENT_BUS from the environment (`.ci/run`
 * runs the live-event tests a second time with EVENT_BUS=nats://127.0.0.1:4222),
 * else the default, PostgreSQL. For hubs started here and in child processes.
 */
export function busEnv(): Record<string, string> {
  return process.env.EVENT_BUS ? { EVENT_BUS: process.env.EVENT_BUS } : {};
}

/** Is this run on NATS JetStream? */
export const onNats = () => (process.env.EVENT_BUS ?? '').startsWith('nats://');

export interface TestHub {
  url: string;
  wsUrl: string;
  orm: Orm;
  config: Config;
  /** SQL statements seen since `countStatements()` started counting. */
  statements: string[];
  countStatements(): void;
  /** Live subscriptions this hub is serving. */
  subscriptions(): number;
  token(sub: string, roles?: string[]): Promise<string>;
  /** Sends an operation over HTTP as a portal would. */
  gql<R, V>(doc: TypedDocumentNode<R, V>, variables: V, token?: string | null): Promise<ExecutionResult<R>>;
  close(): Promise<void>;
}

/**
 * Starts a hub in this test process on a free port (or on `port`, to restart one where its clients
 * reconnect), against the test database (silent unless given a logger).
 */
export async function startTestHub(env: Record<string, string> = {}, logger: Logger = createLogger('silent'), port = 0): Promise<TestHub> {
  const config = {
    // Rate limits off unless a test asks for them: one test file sends hundreds of requests, many of them
    // deliberately unauthenticated, from one address (test/http.test.ts tests the limits themselves).
    // No job worker unless a test asks for one: the test files share one database, and another file's due
    // job run here would add statements to a test that counts them (test/expected-check-ins.test.ts runs them).
    ...loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: process.env.DATABASE_URL,
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_REQUESTS: '0',
      RATE_LIMIT_AUTH_FAILURES: '0',
      JOBS_CONCURRENCY: '0',
      ...busEnv(),
      ...env,
    }),
    port,
  };
  const statements: string[] = [];
  let counting = false;
  const orm = await initOrm({
    clientUrl: config.databaseUrl!,
    onQuery: (message) => {
      if (counting && message.startsWith('[query]')) statements.push(message);
    },
  });
  let server: HubServer;
  try {
    server = await createServer({ config, orm, verifier: createTokenVerifier(config, TEST_SECRET), logger, secret: TEST_SECRET });
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  return {
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws'),
    orm,
    config,
    statements,
    countStatements() {
      statements.length = 0;
      counting = true;
    },
    subscriptions: () => server.feed.size,
    token: (sub, roles = []) => signToken(TEST_SECRET, { sub, roles }),
    async gql(doc, variables, token) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': crypto.randomUUID(),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query: print(doc), variables }),
      });
      return (await response.json()) as ExecutionResult<never>;
    },
    async close() {
      await server.close();
      await orm.close(true);
    },
  };
}
