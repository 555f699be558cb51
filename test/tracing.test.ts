import { signToken } from '../src/auth/tokens';
import { freePort, startServerProcess } from './support/process';

const SECRET = 'tracing-test-secret-that-is-long-enough-32';

/** The server as `npm start` runs it, on a free port, with `extra` settings. */
async function server(extra: Record<string, string> = {}) {
  const port = await freePort();
  const started = startServerProcess({
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: process.env.DATABASE_URL!,
    MIGRATION_DATABASE_URL: process.env.MIGRATION_DATABASE_URL!,
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    ...extra,
  });
  return { port, server: started };
}

/**
 * OpenTelemetry (src/app/tracing.ts), run as `npm start` runs the server,
 * with the console exporter so the spans can be read from its output.
 */
describe('tracing', () => {
  it('is off unless configured: no span is printed', async () => {
    const { port, server: hub } = await server();
    try {
      await hub.ready;
      await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
    } finally {
      await hub.stop();
    }
    expect(hub.output()).not.toMatch(/traceId/);
  });

  it('exports http, graphql and pg spans when OTEL_TRACES_EXPORTER is set, without variables or query strings', async () => {
    const { port, server: hub } = await server({
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const marker = 'Marker-Patient-Name-For-Tracing';
    try {
      await hub.ready;
      const token = await signToken(SECRET, { sub: 'operator-tracing', roles: ['ADMIN'] });
      const query = encodeURIComponent('query TracedSearch($s: String) { patients(search: $s) { totalCount } }');
      const variables = encodeURIComponent(JSON.stringify({ s: marker }));
      const res = await fetch(`http://127.0.0.1:${port}/graphql?query=${query}&variables=${variables}`, {
        headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
      });
      expect(res.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the batch span processor exports on its schedule
    } finally {
      await hub.stop();
    }
    const output = hub.output();
    expect(output).toMatch(/name: 'GET'|name: 'GET \/graphql'/);
    expect(output).toMatch(/graphql\.operation\.name': 'TracedSearch'|name: 'query TracedSearch'/);
    expect(output).toMatch(/db\.system(\.name)?': 'postgresql'/);
    expect(output).not.toContain(marker);
  });
});
