import http from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { world, type World } from './support/factories';
import { startTestHub, type TestHub } from './support/hub';
import { post } from './support/raw';

/** A raw HTTP request, so headers (content-encoding, CORS) are seen as sent, not as fetch rewrites them. */
function request(
  url: string,
  options: http.RequestOptions & { body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const base = (hub: TestHub) => hub.url.replace(/\/graphql$/, '');
const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('the HTTP endpoint', () => {
  let hub: TestHub;
  let w: World;
  let lines: string[];
  beforeAll(async () => {
    lines = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    hub = await startTestHub({ CORS_ORIGINS: 'https://portal.example, https://other-portal.example' }, pino({ level: 'info' }, sink));
    w = await world(hub);
  });
  afterAll(() => hub.close());

  it('sends security headers, no X-Powered-By, and Cache-Control: no-store on GraphQL answers', async () => {
    const res = await request(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a body over the limit with 413 and a JSON error, not an HTML page', async () => {
    const res = await request(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1_100_000)}` }),
    });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(json(res.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a body that is not JSON with 400 and a JSON error', async () => {
    const res = await request(hub.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(json(res.body).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('compresses large answers for clients that accept gzip or brotli, and only for them', async () => {
    const { owner, ownerToken } = await w.team();
    for (let i = 0; i < 8; i += 1) await w.patient([owner]);
    const body = JSON.stringify({
      query: '{ patients(first: 25) { edges { node { id name birthDate mrn careTeam { role provider { id name } } } } } }',
    });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` };
    const plain = await request(hub.url, { method: 'POST', headers, body });
    const gzip = await request(hub.url, { method: 'POST', headers: { ...headers, 'accept-encoding': 'gzip' }, body });
    const brotli = await request(hub.url, { method: 'POST', headers: { ...headers, 'accept-encoding': 'br' }, body });
    expect(plain.body.length).toBeGreaterThan(1024);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(gzip.body.length).toBeLessThan(plain.body.length);
  });

  it('lets a configured portal origin call it from a browser (CORS preflight), and no other origin', async () => {
    const preflight = (origin: string) =>
      request(hub.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
    const allowed = await preflight('https://portal.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example');
    expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
    const refused = await preflight('https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers GET /livez while the process runs and GET /readyz while the database answers', async () => {
    const live = await request(`${base(hub)}/livez`);
    const ready = await request(`${base(hub)}/readyz`);
    expect([live.status, json(live.body).status]).toEqual([200, 'ok']);
    expect([ready.status, json(ready.body)]).toEqual([200, { status: 'ready', database: 'up', stopping: false }]);
    expect((await request(`${base(hub)}/healthz`)).status).toBe(200);
  });

  it('exposes Prometheus metrics: requests and operations by name and type, errors by code, sockets, subscriptions, pool, feed lag', async () => {
    const { ownerToken, patient } = await w.team();
    await post(hub, 'query MetricsProbe { me { id } }', {}, ownerToken);
    await post(hub, 'query MetricsRefused($id: ID!) { patient(id: $id) { id } }', { id: `pat_${'0'.repeat(31)}2` }, ownerToken);
    void patient;
    const res = await request(`${base(hub)}/metrics`);
    const text = res.body.toString('utf8');
    expect(res.status).toBe(200);
    expect(text).toMatch(/carehub_graphql_operation_duration_seconds_count\{operation="MetricsProbe",type="query"\} 1/);
    expect(text).toMatch(/carehub_graphql_errors_total\{code="NOT_FOUND"\} \d+/);
    expect(text).toMatch(/carehub_http_request_duration_seconds_count\{route="\/graphql",method="POST",status="200"\} \d+/);
    for (const name of [
      'carehub_websockets',
      'carehub_subscriptions',
      'carehub_database_connections',
      'carehub_event_delivery_delay_seconds',
      'carehub_process_cpu_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain(patient.id);
  });

  it('writes one access-log line per request with operation, status, duration and request id, never variables or tokens', async () => {
    const { ownerToken } = await w.team();
    lines.length = 0;
    const marker = 'Marker-Name-Of-A-Patient';
    await post(
      hub,
      'query AccessLogProbe($s: String) { patients(search: $s) { totalCount } }',
      { s: marker },
      ownerToken,
      'req-access-log-1',
    );
    const entries = lines.map((l) => JSON.parse(l)).filter((e) => e.req?.id === 'req-access-log-1');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      req: { method: 'POST', path: '/graphql' },
      res: { status: 200 },
      operation: 'query AccessLogProbe { patients }',
    });
    expect(typeof entries[0].responseTime).toBe('number');
    expect(lines.join('\n')).not.toContain(marker);
    expect(lines.join('\n')).not.toContain(ownerToken);
  });
});

describe('the HTTP endpoint under limits', () => {
  it('refuses a client past its request limit with 429 and Retry-After, while another client is still served', async () => {
    const hub = await startTestHub({ RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const w = await world(hub);
      const { ownerToken, nurseToken } = await w.team();
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof request>> | undefined;
      for (let i = 0; i < 7; i += 1) {
        last = await request(hub.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
          body: '{"query":"{ me { id } }"}',
        });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(json(last!.body).errors[0].extensions.code).toBe('RATE_LIMITED');
      expect((await post(hub, '{ me { id } }', {}, nurseToken)).status).toBe(200);
    } finally {
      await hub.close();
    }
  });

  it('refuses an address after repeated failed authentications with 429 and Retry-After', async () => {
    const hub = await startTestHub({ RATE_LIMIT_AUTH_FAILURES: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        statuses.push((await post(hub, '{ me { id } }', {}, `not-a-token-${i}`)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await hub.close();
    }
  });

  it('counts only failed authentications: many signed-in requests in flight at once from one address are all served', async () => {
    const hub = await startTestHub({ RATE_LIMIT_AUTH_FAILURES: '3' });
    try {
      const w = await world(hub);
      const { ownerToken } = await w.team();
      const answers = await Promise.all(Array.from({ length: 40 }, () => post(hub, '{ me { id } }', {}, ownerToken)));
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 40 }, () => 200));
    } finally {
      await hub.close();
    }
  });

  it('guards /metrics with METRICS_TOKEN when one is configured', async () => {
    const hub = await startTestHub({ METRICS_TOKEN: 'metrics-secret-for-the-test' });
    try {
      expect((await request(`${base(hub)}/metrics`)).status).toBe(401);
      expect((await request(`${base(hub)}/metrics`, { headers: { authorization: 'Bearer metrics-secret-for-the-test' } })).status).toBe(
        200,
      );
    } finally {
      await hub.close();
    }
  });

  it('turns /readyz to 503 as soon as shutdown begins, before connections drain', async () => {
    const hub = await startTestHub({ SHUTDOWN_READINESS_DELAY_MS: '400' });
    const closing = hub.close();
    const ready = await request(`${base(hub)}/readyz`);
    await closing;
    expect(ready.status).toBe(503);
    expect(json(ready.body)).toMatchObject({ status: 'unavailable', stopping: true });
  });
});
