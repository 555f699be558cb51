import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, execute, getOperationAST, type DocumentNode } from 'graphql';
import { WebSocketServer } from 'ws';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { PgNotifyBus } from './events/bus';
import { EventFeed } from './events/feed';
import type { Orm } from './db/orm';
import { authenticate } from './auth/authenticate';
import type { TokenVerifier } from './auth/tokens';
import type { Viewer } from './auth/viewer';
import type { Config } from './config';
import type { Logger } from './logger';
import { createContext, type Context } from './graphql/context';
import { ErrorCode, formatError } from './graphql/errors';
import { buildHubSchema } from './graphql/schema';
import { auditedOperationName } from './modules/audit/audit.service';
import { DocumentCache, subscribeShared } from './graphql/subscriptions';

export interface HubServer {
  httpServer: http.Server;
  /** `http://host:port/graphql` once listening. */
  url: string;
  /** This instance's live event feed (one LISTEN connection). */
  feed: EventFeed;
  /** Drains HTTP and WebSocket connections and stops listening; the database is the caller's to close. */
  close(): Promise<void>;
}

type SocketState = {
  viewer?: Viewer;
  /** Closes the connection when the token expires. */
  expiry?: NodeJS.Timeout;
  /** Ids of this connection's running subscriptions. */
  subscriptions: Set<string>;
};

export interface ServerDeps {
  config: Config;
  orm: Orm;
  verifier: TokenVerifier;
  logger: Logger;
}

/** How long shutdown waits for operations still running after their connections closed. */
const DRAIN_OPERATIONS_MS = 10_000;

/** Counts HTTP operations under way, so shutdown can wait for them. */
class InFlight {
  private running = 0;
  private waiting: (() => void)[] = [];

  async run<T>(operation: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await operation();
    } finally {
      this.running -= 1;
      if (this.running === 0) this.waiting.splice(0).forEach((resolve) => resolve());
    }
  }

  drained(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** Writes the audit trail of reads once the operation is done, and names it after the operation. */
function auditPlugin(orm: Orm, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (operation) contextValue.audit.operation = auditedOperationName(operation);
        },
        async willSendResponse({ contextValue }) {
          try {
            await contextValue.audit.flushReads(orm.em.fork());
          } catch (err) {
            logger.error({ err, requestId: contextValue.requestId }, 'audit write failed');
            throw err;
          }
        },
      };
    },
  };
}

/** HTTP + Apollo + graphql-ws on one port, path /graphql; GET /healthz checks the database. */
export async function createServer({ config, orm, verifier, logger }: ServerDeps): Promise<HubServer> {
  const schema = buildHubSchema();
  const app = express();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });

  const feed = new EventFeed(orm.em, new PgNotifyBus(orm.config.get('clientUrl')!, logger), logger);
  await feed.start();

  const connectionsPerProvider = new Map<string, number>();
  const documents = new DocumentCache(schema);
  const limitReached = (message: string) => [new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } })];
  // HTTP and WebSocket results pass the same error masking.
  const errorOptions = {
    exposeInternals: config.isDevelopment,
    onUnexpected: (cause: unknown) => logger.error({ err: cause }, 'unexpected error'),
  };
  const formatWsError = (err: GraphQLError) => formatError(err.toJSON(), err, errorOptions);
  const wsCleanup = useServer<{ authorization?: string }, SocketState>(
    {
      schema,
      subscribe: subscribeShared,
      // Queries and mutations sent over the socket are audited like HTTP ones (the Apollo plugin sees only HTTP).
      execute: async (args) => {
        const ctx = args.contextValue as Context;
        const operation = getOperationAST(args.document, args.operationName);
        if (operation) ctx.audit.operation = auditedOperationName(operation);
        const result = await execute(args);
        await ctx.audit.flushReads(orm.em.fork());
        return result;
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(formatWsError) } : undefined,
      // Refused handshakes close with graphql-ws's 4403 Forbidden.
      onConnect: async (ctx) => {
        ctx.extra.subscriptions = new Set();
        // Nothing reads the upgrade request after the handshake; every idle dashboard would hold one.
        (ctx.extra as { request?: unknown }).request = undefined;
        try {
          ctx.extra.viewer = await authenticate(ctx.connectionParams?.authorization, verifier, orm.em);
        } catch {
          return false;
        }
        const key = ctx.extra.viewer.sub;
        const open = connectionsPerProvider.get(key) ?? 0;
        if (open >= config.ws.maxConnectionsPerProvider) return false;
        connectionsPerProvider.set(key, open + 1);
        // A connection lives no longer than its token: the dashboard reconnects with a fresh one (and its last sequence).
        const expiresIn = (ctx.extra.viewer.expiresAt?.getTime() ?? Infinity) - Date.now();
        if (expiresIn < 2 ** 31) {
          ctx.extra.expiry = setTimeout(() => ctx.extra.socket.close(CloseCode.Forbidden, 'Token expired'), expiresIn);
        }
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiry);
        const key = ctx.extra.viewer?.sub;
        if (key === undefined || !ctx.acknowledged) return;
        const open = (connectionsPerProvider.get(key) ?? 1) - 1;
        if (open > 0) connectionsPerProvider.set(key, open);
        else connectionsPerProvider.delete(key);
      },
      onSubscribe: (ctx, id, payload) => {
        if (ctx.extra.subscriptions!.size >= config.ws.maxSubscriptionsPerConnection) {
          return limitReached(`At most ${config.ws.maxSubscriptionsPerConnection} subscriptions per connection`);
        }
        const document = documents.get(payload.query);
        if (Array.isArray(document)) return document;
        ctx.extra.subscriptions!.add(id);
        return { schema, document: document as DocumentNode, operationName: payload.operationName, variableValues: payload.variables };
      },
      onComplete: (ctx, id) => void ctx.extra.subscriptions?.delete(id),
      onError: (ctx, id, _payload, errors) => {
        ctx.extra.subscriptions?.delete(id);
        return errors.map(formatWsError);
      },
      context: (ctx) => createContext(orm, ctx.extra.viewer!, crypto.randomUUID(), feed),
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    // src/index.ts owns shutdown: drain HTTP + WebSocket, then the database, in that order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.isDevelopment,
    formatError: (formatted, err) => formatError(formatted, err, errorOptions),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No Apollo Studio traces and no cache hints: nothing wraps every field resolver.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      auditPlugin(orm, logger),
    ],
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok', database: 'up' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down' });
    }
  });

  const graphqlHandler = expressMiddleware(apollo, {
    context: async ({ req }) => {
      const requestId = req.header('x-request-id') ?? crypto.randomUUID();
      const viewer = await authenticate(req.header('authorization'), verifier, orm.em);
      return createContext(orm, viewer, requestId, feed);
    },
  });
  const inFlight = new InFlight();
  app.use('/graphql', express.json({ limit: '1mb' }), (req, res, next) =>
    // The handler is async (express 5): its promise settles when the operation is done.
    inFlight.run(async () => {
      await graphqlHandler(req, res, next);
    }));

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? 'localhost' : config.host;

  return {
    httpServer,
    url: `http://${host}:${port}/graphql`,
    feed,
    async close() {
      await apollo.stop();
      // A client that hung up leaves its operation running; let it finish before the database goes.
      await Promise.race([inFlight.drained(), new Promise((resolve) => setTimeout(resolve, DRAIN_OPERATIONS_MS).unref())]);
      await feed.stop();
    },
  };
}
