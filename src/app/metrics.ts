import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Context } from '../core/context';

/** Operation names are the client's choice: past this many distinct ones, the rest count as "other". */
const MAX_OPERATION_NAMES = 200;

/** What the gauges read when Prometheus scrapes. */
export interface MetricSources {
  webSockets(): number;
  subscriptions(): number;
  databasePool(): { used: number; free: number; pending: number };
}

/**
 * The hub's Prometheus metrics (prom-client), one registry per server
 * instance. Labels carry operation names, types, codes, routes and status
 * codes — never ids, variables or anything of a patient.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  private readonly httpDuration = new Histogram({
    name: 'carehub_http_request_duration_seconds',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly operationDuration = new Histogram({
    name: 'carehub_graphql_operation_duration_seconds',
    help: 'GraphQL operations over HTTP by operation name and type.',
    labelNames: ['operation', 'type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly errors = new Counter({
    name: 'carehub_graphql_errors_total',
    help: 'GraphQL errors sent, by extensions.code.',
    labelNames: ['code'],
    registers: [this.registry],
  });

  private readonly deliveryDelay = new Histogram({
    name: 'carehub_event_delivery_delay_seconds',
    help: "Event-feed lag: from an event's commit to this instance reading it for its subscribers.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'carehub_' });
    new Gauge({
      name: 'carehub_websockets',
      help: 'Open WebSocket connections.',
      registers: [this.registry],
      collect() {
        this.set(sources.webSockets());
      },
    });
    new Gauge({
      name: 'carehub_subscriptions',
      help: 'Live subscriptions served by this instance.',
      registers: [this.registry],
      collect() {
        this.set(sources.subscriptions());
      },
    });
    new Gauge({
      name: 'carehub_database_connections',
      help: 'Database pool connections by state (used, free, pending acquires).',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const pool = sources.databasePool();
        this.set({ state: 'used' }, pool.used);
        this.set({ state: 'free' }, pool.free);
        this.set({ state: 'pending' }, pool.pending);
      },
    });
  }

  /** Times every HTTP request by its route (the path, not the query string). */
  readonly httpMiddleware: RequestHandler = (req, res, next) => {
    const end = this.httpDuration.startTimer();
    const route = routeOf(req.path); // now: mounted handlers rewrite req.url later
    res.once('finish', () => end({ route, method: req.method, status: String(res.statusCode) }));
    next();
  };

  /** Times GraphQL operations and counts their errors by code; names the operation for the access log. */
  apolloPlugin(): ApolloServerPlugin<Context> {
    const observe = (name: string | undefined, type: string, seconds: number) =>
      this.operationDuration.observe({ operation: this.operationLabel(name), type }, seconds);
    const countError = (code: string) => this.errors.inc({ code });
    return {
      async requestDidStart() {
        const started = process.hrtime.bigint();
        let type = 'unknown';
        let name: string | undefined;
        return {
          async didResolveOperation({ operation }) {
            type = operation?.operation ?? 'unknown';
            name = operation?.name?.value;
          },
          async didEncounterErrors({ errors }) {
            for (const error of errors) countError(String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          },
          async willSendResponse() {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            observe(name, type, seconds);
          },
        };
      },
    };
  }

  /** Records how long committed events waited before this instance read them. */
  eventsRead(committedAt: readonly Date[]): void {
    const now = Date.now();
    for (const at of committedAt) this.deliveryDelay.observe(Math.max(0, now - at.getTime()) / 1000);
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}

const KNOWN_ROUTES = new Set(['/graphql', '/healthz', '/livez', '/readyz', '/metrics']);
function routeOf(path: string): string {
  return KNOWN_ROUTES.has(path) ? path : 'other';
}
