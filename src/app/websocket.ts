import crypto from 'node:crypto';
import type http from 'node:http';
import { GraphQLError, execute, type DocumentNode, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode, type Context as WsContext } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate } from '../auth/authenticate';
import type { TokenVerifier } from '../auth/tokens';
import type { Viewer } from '../auth/viewer';
import type { Config } from '../core/config';
import type { Context, Contexts } from '../core/context';
import { ErrorCode, formatError, type ErrorMasking } from '../core/errors';
import { readCareEventsCursorFirst } from '../events/care-events';
import type { EventFeed } from '../events/feed';
import { documentLimits, shortMessage } from './limits';
import { OperationScope, runInScope, stopWhenAborted } from './operation-scope';
import type { Orm } from './orm';
import { PersistedOperations, notRegistered } from './persisted-operations';
import { SharedPayload, spliceSharedPayloads } from './shared-frames';
import { DocumentCache, subscribeShared } from './subscriptions';
import { assertTextInputs } from './text-input';

type SocketState = {
  viewer?: Viewer;
  /** Closes the connection when the token expires. */
  expiry?: NodeJS.Timeout;
  /** Ids of this connection's running subscriptions. */
  subscriptions: Set<string>;
  /** Queries and mutations of this connection under way: stopped when it closes. */
  operations: Set<OperationScope>;
  /** Set when the socket has closed: a handshake still being checked must not arm a timer or take a place under the cap. */
  closed?: boolean;
};

/** WebSocket close code 1001: the server is going away (shutdown), so the client should reconnect elsewhere or later. */
const GOING_AWAY = 1001;

export interface WebSocketDeps {
  config: Config;
  orm: Orm;
  verifier: TokenVerifier;
  contexts: Contexts;
  feed: EventFeed;
  errors: ErrorMasking;
}

/**
 * graphql-ws on the HTTP server's `/graphql`: authenticated at the
 * handshake (refused with 4403; a socket that sends no `connection_init`
 * within WS_CONNECTION_INIT_TIMEOUT_MS is closed with 4408), frames of at
 * most WS_MAX_PAYLOAD_BYTES (a larger one closes the socket with 1009), at
 * most WS_MAX_CONNECTIONS_PER_PROVIDER sockets per token subject and
 * WS_MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions per socket, closed when
 * the token expires. Documents meet the limits of HTTP. Returns the
 * function that closes every socket for shutdown (a socket that does not
 * close within half of SHUTDOWN_TIMEOUT_MS is cut), refuses new handshakes
 * and subscriptions (close 1001), and resolves once the handshakes,
 * subscription starts and operations under way are done, so the database
 * can close after them.
 */
export function serveWebSockets(
  httpServer: http.Server,
  schema: GraphQLSchema,
  { config, orm, verifier, contexts, feed, errors }: WebSocketDeps,
): { dispose(): void | Promise<void> } {
  // ws's default maxPayload is 100 MiB, parsed in full before graphql-ws sees it.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: config.ws.maxPayloadBytes });
  wsServer.on('connection', keepClientProtocolErrorsQuiet);
  wsServer.on('connection', spliceSharedPayloads);
  const connectionsPerProvider = new Map<string, number>();
  const limits = documentLimits(config, stopWhenAborted(schema));
  const persisted = config.persistedOperations.only ? new PersistedOperations(config.persistedOperations.file!) : undefined;
  const documents = new DocumentCache(schema, limits);
  const socketOf = new WeakMap<Context, Partial<SocketState>>();
  const limitReached = (message: string) => [new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } })];
  const formatWsError = (err: GraphQLError, requestId?: string) => shortMessage(formatError(err.toJSON(), err, errors, requestId));

  // Handshakes, subscription starts, queries and mutations under way: each may still use the database, which
  // shutdown closes only once they are done. A socket closing does not stop them (graphql-ws keeps running its
  // message handler), so a subscription started as shutdown began could otherwise wait on a pool being destroyed.
  const underWay = new Set<Promise<unknown>>();
  let stopping = false;
  const track = <T>(work: Promise<T>): Promise<T> => {
    underWay.add(work);
    const done = () => void underWay.delete(work);
    work.then(done, done);
    return work;
  };
  const shuttingDown = () => [
    new GraphQLError('The operation was stopped because the server is shutting down', {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
    }),
  ];

  /** The handshake: authenticated, within the per-provider cap, closed when the token expires. */
  const accept = async (ctx: WsContext<{ authorization?: string }, Extra & Partial<SocketState>>): Promise<boolean> => {
    let viewer: Viewer;
    try {
      viewer = await authenticate(ctx.connectionParams?.authorization, verifier, orm.em);
    } catch {
      return false;
    }
    // The socket may have closed (or shutdown begun) while the token was checked: its onClose has run already.
    if (ctx.extra.closed || stopping) return false;
    ctx.extra.viewer = viewer;
    const key = viewer.sub;
    const open = connectionsPerProvider.get(key) ?? 0;
    if (open >= config.ws.maxConnectionsPerProvider) return false;
    connectionsPerProvider.set(key, open + 1);
    // A connection lives no longer than its token: the dashboard reconnects with a fresh one (and its last sequence).
    const expiresIn = (viewer.expiresAt?.getTime() ?? Infinity) - Date.now();
    if (expiresIn < 2 ** 31) {
      ctx.extra.expiry = setTimeout(() => ctx.extra.socket.close(CloseCode.Forbidden, 'Token expired'), expiresIn);
    }
    return true;
  };

  const server = useServer<{ authorization?: string }, SocketState>(
    {
      schema,
      connectionInitWaitTimeout: config.ws.connectionInitTimeoutMs,
      subscribe: (args) => track(subscribeShared(args)),
      // Queries and mutations sent over the socket are audited like HTTP ones (the Apollo plugin sees only HTTP),
      // and stopped like them at their deadline or when the socket closes.
      execute: (args) =>
        track(
          (async () => {
            const ctx = args.contextValue as Context;
            const scope = new OperationScope(Date.now() + config.executionTimeoutMs);
            scope.requestId = ctx.requestId;
            const operations = socketOf.get(ctx)?.operations;
            operations?.add(scope);
            try {
              await readCareEventsCursorFirst(ctx, args.document, args.operationName);
              const result = await runInScope(scope, () => execute(args));
              await ctx.audit.flushReads(orm.em.fork());
              return result;
            } finally {
              operations?.delete(scope);
            }
          })(),
        ),
      // A result without errors is serialised once for all its subscribers (shared-frames.ts).
      onNext: (_ctx, _id, _payload, args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => formatWsError(e, (args.contextValue as Context).requestId)) }
          : (SharedPayload.of(result) as unknown as FormattedExecutionResult),
      // Refused handshakes close with graphql-ws's 4403 Forbidden.
      onConnect: (ctx) => {
        ctx.extra.subscriptions = new Set();
        ctx.extra.operations = new Set();
        // Nothing reads the upgrade request after the handshake; every idle dashboard would hold one.
        (ctx.extra as { request?: unknown }).request = undefined;
        if (stopping) {
          ctx.extra.socket.close(GOING_AWAY, 'Going away');
          return false;
        }
        return track(accept(ctx));
      },
      onClose: (ctx) => {
        ctx.extra.closed = true;
        clearTimeout(ctx.extra.expiry);
        ctx.extra.operations?.forEach((scope) => scope.abort('its client disconnected'));
        const key = ctx.extra.viewer?.sub;
        if (key === undefined || !ctx.acknowledged) return;
        const open = (connectionsPerProvider.get(key) ?? 1) - 1;
        if (open > 0) connectionsPerProvider.set(key, open);
        else connectionsPerProvider.delete(key);
      },
      onSubscribe: (ctx, id, payload) => {
        if (stopping) {
          ctx.extra.socket.close(GOING_AWAY, 'Going away');
          return shuttingDown();
        }
        if (ctx.extra.subscriptions!.size >= config.ws.maxSubscriptionsPerConnection) {
          return limitReached(`At most ${config.ws.maxSubscriptionsPerConnection} subscriptions per connection`);
        }
        if (persisted && !persisted.has(payload.query)) return [notRegistered()];
        const document = documents.get(payload.query);
        if (Array.isArray(document)) return document;
        try {
          limits.assertCost(document, payload.variables ?? undefined, payload.operationName);
          assertTextInputs(document, payload.variables);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        ctx.extra.subscriptions!.add(id);
        return { schema, document: document as DocumentNode, operationName: payload.operationName, variableValues: payload.variables };
      },
      onComplete: (ctx, id) => void ctx.extra.subscriptions?.delete(id),
      onError: (ctx, id, _payload, errors) => {
        ctx.extra.subscriptions?.delete(id);
        return errors.map((e) => formatWsError(e));
      },
      context: (ctx, _id, _payload, args) => {
        const context = contexts.create(ctx.extra.viewer!, crypto.randomUUID(), feed);
        context.audit.nameOperation(args.document, args.operationName);
        socketOf.set(context, ctx.extra);
        return context;
      },
    },
    wsServer,
  );
  return {
    async dispose() {
      // From now on a handshake or a subscription is refused (the socket closes with 1001, Going away).
      stopping = true;
      // graphql-ws asks every socket to close and waits for all; a peer that never answers is cut.
      const cut = setTimeout(() => wsServer.clients.forEach((socket) => socket.terminate()), config.shutdownTimeoutMs / 2);
      try {
        await server.dispose();
      } finally {
        clearTimeout(cut);
      }
      // What started before finishes before the caller closes the database (queries stop at their next field,
      // their sockets being closed); the caller bounds the wait by the shutdown deadline.
      while (underWay.size > 0) await Promise.allSettled([...underWay]);
    },
  };
}

/**
 * A frame too large or not UTF-8 is the client's doing: ws closes the socket
 * itself (1009, 1007), then emits 'error', which graphql-ws prints to the
 * console with a stack, unstructured, once per bad frame. Those errors
 * (ws's `WS_ERR_*` codes) stop here; any other still reaches graphql-ws.
 * Must be the first 'connection' listener, ahead of graphql-ws's.
 */
function keepClientProtocolErrorsQuiet(socket: WebSocket): void {
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    const code = (args[0] as { code?: unknown } | undefined)?.code;
    if (event === 'error' && typeof code === 'string' && code.startsWith('WS_ERR_')) return false;
    return emit(event, ...args);
  }) as WebSocket['emit'];
}
