/**
 * OpenTelemetry tracing, off unless configured with the standard variables:
 * `OTEL_TRACES_EXPORTER` (e.g. `otlp`, `console`) or
 * `OTEL_EXPORTER_OTLP_ENDPOINT`; `OTEL_SDK_DISABLED=true` turns it off again.
 * Spans come from the http, express, graphql and pg instrumentations.
 *
 * It must start before express, graphql and pg are first required, so
 * src/main.ts imports this module first, and it loads the SDK only when
 * tracing is on (no cost otherwise).
 *
 * Spans carry no patient data: GraphQL argument values are not recorded,
 * SQL is recorded with every string literal replaced by `?` (knex writes
 * values into the statements MikroORM sends), and HTTP spans keep the path
 * without the query string (a GET request's `variables` would be there).
 */
import type { NodeSDK } from '@opentelemetry/sdk-node';

export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean((env.OTEL_TRACES_EXPORTER && env.OTEL_TRACES_EXPORTER !== 'none') || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

let sdk: NodeSDK | undefined;

/** SQL with its string literals (`'…'`, `E'…'`, with doubled quotes inside) replaced by `?`. */
export function withoutLiterals(sql: string): string {
  return sql.replace(/(?:\b[eE])?'(?:[^'\\]|''|\\.)*'/g, '?');
}

/** Starts tracing when configured; returns the function that flushes and stops it (at shutdown). */
export function startTracing(env: NodeJS.ProcessEnv = process.env): () => Promise<void> {
  if (!tracingEnabled(env) || sdk) return async () => undefined;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on, before the instrumented libraries */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'care-hub',
    instrumentations: [
      new HttpInstrumentation({
        requestHook: (span, request) => {
          const url = 'url' in request ? request.url : undefined;
          if (url) {
            const path = url.split('?')[0];
            span.setAttribute('http.target', path);
            span.setAttribute('url.path', path);
            span.setAttribute('url.query', '');
          }
        },
      }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({ allowValues: false, mergeItems: true, ignoreTrivialResolveSpans: true }),
      new PgInstrumentation({
        enhancedDatabaseReporting: false,
        // Statements built by knex reach pg with their values written in: keep the shape, drop the literals.
        requestHook: (span, { query }) => {
          const text = withoutLiterals(query.text);
          span.setAttribute('db.query.text', text);
          span.setAttribute('db.statement', text);
        },
      }),
    ],
  });
  sdk.start();
  return async () => {
    await sdk?.shutdown();
    sdk = undefined;
  };
}

/** Started when this module is first imported (src/main.ts imports it before anything else). */
export const stopTracing = startTracing();
