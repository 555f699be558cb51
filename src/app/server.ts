import crypto from 'node:crypto';
import http from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import { authenticate } from '../auth/authenticate';
import type { TokenVerifier } from '../auth/tokens';
import { ConfigError, type Config } from '../core/config';
import type { ErrorMasking } from '../core/errors';
import { describeError, type Logger } from '../core/logger';
import { EventFeed } from '../events/feed';
import { fhirRefusal, fhirRouter } from '../fhir/router';
import { createEventBus } from './event-bus';
import { startApollo } from './apollo';
import { createContexts } from './contexts';
import { serveDashboard, serveDemoSignIn } from './dashboard';
import { startJobs } from './jobs';
import { bodyErrors, createHttpApp, errorBody, graphqlBody, graphqlCors, graphqlRateLimits, noStore } from './http';
import { Metrics } from './metrics';
import type { Orm } from './orm';
import { OperationScope, runInScope } from './operation-scope';
import { buildHubSchema } from './schema';
import { serveWebSockets } from './websocket';
import { paceGarbageCollection } from './heap';

export interface HubServer {
  httpServer: http.Server;
  /** `http://host:port/graphql` once listening. */
  url: string;
  /** This instance's live event feed (one LISTEN connection). */
  feed: EventFeed;
  /** Drains HTTP and WebSocket connections and stops listening; the database is the caller's to close. */
  close(): Promise<void>;
}

/** The part of knex's connection pool (tarn) the metrics read. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

export interface ServerDeps {
  config: Config;
  orm: Orm;
  verifier: TokenVerifier;
  logger: Logger;
  /** The HS256 secret the demo sign-in signs with (outside production); without it the page offers no demo sign-in. */
  secret?: string;
}

/**
 * The HTTP operations under way, each in its OperationScope: stopped when
 * its client hangs up or its deadline (EXECUTION_TIMEOUT_MS) passes, all
 * stopped when shutdown runs out of patience.
 */
class InFlight {
  private readonly running = new Set<OperationScope>();
  private waiting: (() => void)[] = [];

  constructor(private readonly timeoutMs: number) {}

  async run(req: http.IncomingMessage, res: http.ServerResponse, operation: () => Promise<void>): Promise<void> {
    const scope = new OperationScope(Date.now() + this.timeoutMs);
    // The request's id as the access log has it (pino-http's genReqId in src/app/http.ts, which runs first).
    scope.requestId = String(req.id);
    // 'close' also follows a response sent in full; only an unfinished one means the client left.
    const onClose = () => res.writableFinished || scope.abort('its client disconnected');
    res.on('close', onClose);
    this.running.add(scope);
    try {
      await runInScope(scope, operation);
    } finally {
      res.off('close', onClose);
      this.running.delete(scope);
      if (this.running.size === 0) this.waiting.splice(0).forEach((resolve) => resolve());
    }
  }

  abortAll(reason: string): void {
    this.running.forEach((scope) => scope.abort(reason));
  }

  drained(): Promise<void> {
    return this.running.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

/**
 * Listens on HOST:PORT, or fails with a message naming PORT (a port in use,
 * one not permitted). While listening, the server's other 'error' listeners
 * are set aside: ws forwards the server's errors to graphql-ws, which only
 * logs them, and start-up would wait for ever.
 */
async function listen(httpServer: http.Server, config: Config): Promise<void> {
  const others = httpServer.listeners('error') as ((err: Error) => void)[];
  httpServer.removeAllListeners('error');
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'may not be used by this user' : `cannot be listened on (${code})`;
    throw new ConfigError(`PORT ${config.port} on HOST ${config.host} ${why}: stop what listens there or set PORT to another port`);
  } finally {
    others.forEach((listener) => httpServer.on('error', listener));
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * HTTP + Apollo + graphql-ws on one port, path /graphql; the dashboard page at
 * `/` with its sign-in routes under `/auth` (src/app/dashboard.ts). Probes: GET /livez
 * (the process answers), /readyz (the database answers and shutdown has not
 * begun), /healthz (kept for existing monitors: the database answers), and
 * GET /metrics (Prometheus).
 */
export async function createServer({ config, orm, verifier, logger, secret }: ServerDeps): Promise<HubServer> {
  paceGarbageCollection(config.heapGrowthPercent);
  const schema = buildHubSchema();
  let webSocketCount = 0;
  let stopping = false;
  const pool = () => (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
  const metrics = new Metrics({
    webSockets: () => webSocketCount,
    subscriptions: () => feed.size,
    databasePool: () => ({ used: pool()?.numUsed() ?? 0, free: pool()?.numFree() ?? 0, pending: pool()?.numPendingAcquires() ?? 0 }),
  });
  const app = createHttpApp({ config, logger, metrics });
  const httpServer = http.createServer(app);
  httpServer.on('upgrade', (_req, socket) => {
    webSocketCount += 1;
    socket.once('close', () => {
      webSocketCount -= 1;
    });
  });

  const contexts = createContexts(orm);
  const { bus, relay } = createEventBus(config, orm.config.get('clientUrl')!, logger);
  const feed = new EventFeed(contexts, bus, logger, {
    read: (events) => metrics.eventsRead(events.map((e) => e.at)),
  });
  await feed.start();
  relay?.start();
  /** The relay first: it publishes through the bus. */
  const stopEvents = async () => {
    await relay?.stop();
    await feed.stop();
  };
  const jobs = await startJobs({ connectionString: orm.config.get('clientUrl')!, config, contexts, logger });

  // HTTP and WebSocket results pass the same error masking.
  // The log line names the error's class and code and the request, never its message (a driver's holds the values).
  const errors: ErrorMasking = {
    exposeInternals: config.isDevelopment,
    suggestions: config.suggestions,
    onUnexpected: (cause: unknown, requestId?: string) => logger.error({ ...describeError(cause), requestId }, 'unexpected error'),
  };
  const webSockets = serveWebSockets(httpServer, schema, { config, orm, verifier, contexts, feed, errors });
  const apollo = await startApollo(httpServer, schema, {
    config,
    orm,
    logger,
    errors,
    disposeWebSockets: () => webSockets.dispose(),
    plugins: [metrics.apolloPlugin()],
  });

  const databaseUp = async () => {
    try {
      await orm.em.getConnection().execute('select 1');
      return true;
    } catch {
      return false;
    }
  };
  app.get('/livez', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const database = await databaseUp();
    const ready = database && !stopping;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database: database ? 'up' : 'down', stopping });
  });
  app.get('/healthz', async (_req, res) => {
    if (await databaseUp()) res.json({ status: 'ok', database: 'up' });
    else res.status(503).json({ status: 'unavailable', database: 'down' });
  });
  app.get('/metrics', async (req, res) => {
    if (config.metricsToken && req.header('authorization') !== `Bearer ${config.metricsToken}`) {
      res.status(401).json(errorBody('UNAUTHENTICATED', 'GET /metrics needs the METRICS_TOKEN bearer token'));
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const graphqlHandler = expressMiddleware(apollo, {
    context: async ({ req, res }) => {
      const requestId = String(req.id ?? crypto.randomUUID());
      const viewer = await authenticate(req.header('authorization'), verifier, orm.em);
      const context = contexts.create(viewer, requestId, feed);
      res.locals.audit = context.audit; // the access log names the operation as the audit trail does
      return context;
    },
  });
  const inFlight = new InFlight(config.executionTimeoutMs);
  app.use('/graphql', graphqlCors(config), ...graphqlRateLimits(config), noStore, graphqlBody, (req, res, next) =>
    // The handler is async (express 5): its promise settles when the operation is done.
    inFlight.run(req, res, async () => {
      await graphqlHandler(req, res, next);
    }),
  );
  // FHIR R4: the same modules, access rules and audit through a second interface (src/fhir).
  app.use(
    '/fhir/R4',
    graphqlCors(config),
    ...graphqlRateLimits(config, fhirRefusal),
    noStore,
    fhirRouter({ contexts, verifier, em: () => orm.em.fork() as EntityManager, logger, feed }),
  );
  serveDemoSignIn(app, { config, orm, secret });
  serveDashboard(app);
  app.use(bodyErrors);

  try {
    await listen(httpServer, config);
  } catch (err) {
    await Promise.all([apollo.stop(), stopEvents(), jobs?.stop()]);
    throw err;
  }
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? 'localhost' : config.host;

  return {
    httpServer,
    url: `http://${host}:${port}/graphql`,
    feed,
    /**
     * Ends within SHUTDOWN_TIMEOUT_MS whatever is running: operations get half
     * of it to finish; then their connections are closed (Apollo's drain) and
     * they stop at their next resolver; the rest of the time is for that.
     */
    async close() {
      stopping = true; // readiness fails before anything drains, so a load balancer stops sending
      if (config.shutdownReadinessDelayMs > 0) await sleep(config.shutdownReadinessDelayMs);
      const started = Date.now();
      const left = () => Math.max(0, config.shutdownTimeoutMs - (Date.now() - started));
      // The job worker takes no new job from now on; one in progress finishes (or is released to another instance).
      const jobsStopped = jobs?.stop();
      const grace = setTimeout(() => inFlight.abortAll('the server is shutting down'), config.shutdownTimeoutMs / 2);
      try {
        await Promise.race([apollo.stop(), sleep(left())]);
        // A client that hung up may leave its operation running; it must stop before the database goes.
        await Promise.race([inFlight.drained(), sleep(left())]);
      } finally {
        clearTimeout(grace);
        inFlight.abortAll('the server is shutting down');
        httpServer.closeAllConnections();
      }
      await Promise.race([Promise.all([stopEvents(), jobsStopped]), sleep(left())]);
    },
  };
}
