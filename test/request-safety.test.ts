import { Writable } from 'node:stream';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createTokenVerifier, signToken } from '../src/auth/tokens';
import { initOrm } from '../src/app/orm';
import { createServer } from '../src/app/server';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { codesOf, fanOut, send } from './support/abuse';
import { world, type World } from './support/factories';
import { startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { wsClient } from './support/ws';

/** A runaway operation, caps on sockets, inputs and logs (README "Limits and abuse protection"). */
const LIFTED = { GRAPHQL_MAX_DEPTH: '500', GRAPHQL_MAX_COST: '1000000000000', GRAPHQL_MAX_TOKENS: '100000' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

/** Four providers all on the teams of four patients: every level of `fanOut` multiplies the work by 16. */
async function crowd(w: World) {
  const team = [await w.provider(), await w.provider(), await w.provider(), await w.provider()];
  for (let i = 0; i < 4; i++) await w.patient(team);
  return { provider: team[0], token: await w.token(team[0]), other: await w.token(team[1]) };
}

describe('a runaway operation', () => {
  let hub: TestHub;
  let w: World;
  afterEach(() => hub?.close());

  it('is stopped with QUERY_TOO_COMPLEX when EXECUTION_TIMEOUT_MS passes', async () => {
    hub = await startTestHub({ NODE_ENV: 'production', EXECUTION_TIMEOUT_MS: '500', ...LIFTED });
    w = await world(hub);
    const { token } = await crowd(w);
    const result = await send(hub, { query: fanOut(12) }, token);
    expect(result.ms).toBeLessThan(5_000);
    expect(codesOf(result)).toContain('QUERY_TOO_COMPLEX');
    expect(result.status).toBeLessThan(500);
  });

  it('stops running when its HTTP client hangs up', async () => {
    hub = await startTestHub({ NODE_ENV: 'production', EXECUTION_TIMEOUT_MS: '120000', ...LIFTED });
    w = await world(hub);
    const { token } = await crowd(w);
    const client = new AbortController();
    const running = send(hub, { query: fanOut(12) }, token, { signal: client.signal }).catch(() => undefined);
    await sleep(700);
    client.abort();
    await running;
    await sleep(500);
    // Every level of the document reads the database; once stopped, it reads nothing more.
    hub.countStatements();
    await sleep(1_500);
    expect(hub.statements.filter((s) => !/audit_record/.test(s))).toEqual([]);
  });

  it('does not keep shutdown from ending within SHUTDOWN_TIMEOUT_MS', async () => {
    hub = await startTestHub({ NODE_ENV: 'production', EXECUTION_TIMEOUT_MS: '120000', SHUTDOWN_TIMEOUT_MS: '2000', ...LIFTED });
    w = await world(hub);
    const { token } = await crowd(w);
    const running = send(hub, { query: fanOut(12) }, token).catch(() => undefined);
    const socket = new WebSocket(hub.wsUrl, 'graphql-transport-ws'); // open, never closes on its own
    await sleep(700);
    const started = Date.now();
    const closing = hub.close();
    hub = undefined as never;
    await closing;
    expect(Date.now() - started).toBeLessThan(3_000);
    await running;
    socket.terminate();
  });
});

describe('WebSocket caps', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ NODE_ENV: 'production', WS_MAX_PAYLOAD_BYTES: '65536', WS_CONNECTION_INIT_TIMEOUT_MS: '300' });
  });
  afterAll(() => hub.close());
  const closed = (socket: WebSocket) => new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));

  it.each([
    [
      'a frame larger than WS_MAX_PAYLOAD_BYTES (1009), without parsing it',
      1009,
      JSON.stringify({ type: 'connection_init', payload: { authorization: 'x'.repeat(100_000) } }),
    ],
    ['a text frame that is not UTF-8 (1007)', 1007, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ])('closes a socket that sends %s, and prints nothing about it', async (_, expected, frame) => {
    const printed = jest.spyOn(console, 'error');
    try {
      const socket = new WebSocket(hub.wsUrl, 'graphql-transport-ws');
      await new Promise((resolve) => socket.on('open', resolve));
      const code = closed(socket);
      socket.send(frame, { binary: false });
      expect(await code).toBe(expected);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });

  it('closes a socket that does not authenticate within WS_CONNECTION_INIT_TIMEOUT_MS (4408)', async () => {
    const socket = new WebSocket(hub.wsUrl, 'graphql-transport-ws');
    const started = Date.now();
    expect(await closed(socket)).toBe(4408);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('bad text and the log', () => {
  const lines: string[] = [];
  let hub: Pick<TestHub, 'url' | 'wsUrl' | 'token'> & { close(): Promise<void>; orm: TestHub['orm'] };
  let w: World;
  beforeAll(async () => {
    // A hub like startTestHub's, whose log lines the test reads.
    const config = { ...loadConfig({ NODE_ENV: 'production', DATABASE_URL: process.env.DATABASE_URL, JWT_SECRET: TEST_SECRET }), port: 0 };
    const orm = await initOrm({ clientUrl: config.databaseUrl! });
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const server = await createServer({
      config,
      orm,
      verifier: createTokenVerifier(config, TEST_SECRET),
      logger: createLogger('info', sink),
    });
    hub = {
      url: server.url,
      wsUrl: server.url.replace(/^http/, 'ws'),
      orm,
      token: (sub, roles = []) => signToken(TEST_SECRET, { sub, roles }),
      close: async () => (await server.close(), await hub.orm.close(true)),
    };
    w = await world(hub as unknown as TestHub);
  });
  afterAll(() => hub.close());

  const createPatient = 'mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }';
  const patientInput = (name: string) => ({ organizationId: w.org.id, mrn: `MRN-${Date.now()}`, name, birthDate: '1970-01-01' });

  it.each([
    ['a NUL', 'Jane\u0000Secretname'],
    ['a lone surrogate', 'Jane\ud800Secretname'],
  ])(
    'refuses %s in a text input as BAD_USER_INPUT naming the field, over HTTP and WebSocket, and logs nothing of it',
    async (_what, name) => {
      const admin = await w.adminToken();
      const http = await send(hub, { query: createPatient, variables: { input: patientInput(name) } }, admin);
      expect(http.body?.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'name']]);
      const nested = await send(
        hub,
        { query: createPatient, variables: { input: { ...patientInput('Jane'), allergies: [{ substance: name, criticality: 'LOW' }] } } },
        admin,
      );
      expect(nested.body?.errors?.map((e) => e.extensions?.field)).toEqual(['allergies[0].substance']);
      // Written in the document: a NUL escape is valid GraphQL, refused like a variable; graphql-js's lexer refuses a lone surrogate escape.
      const literal = await send(hub, { query: `{ patient(id: ${JSON.stringify(name)}) { id } }` }, admin);
      expect(literal.body?.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
        name.includes('\u0000') ? ['BAD_USER_INPUT', 'id'] : ['GRAPHQL_PARSE_FAILED', undefined],
      ]);

      const c = wsClient(hub.wsUrl, admin);
      clients.push(c);
      const ws = await new Promise<unknown[]>((resolve) =>
        c.subscribe(
          { query: createPatient, variables: { input: patientInput(name) } },
          { next: () => undefined, error: (e) => resolve(e as unknown[]), complete: () => resolve([]) },
        ),
      );
      expect(ws.map((e) => (e as { extensions?: { field?: string } }).extensions?.field)).toEqual(['name']);
      expect(lines.join('')).not.toMatch(/Secretname/);
    },
  );

  it('answers a persisted-query hash that does not match its query with PERSISTED_QUERY_HASH_MISMATCH (400), not as an unexpected error', async () => {
    lines.length = 0;
    const admin = await w.adminToken();
    const result = await send(
      hub,
      { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } },
      admin,
    );
    expect(result.status).toBe(400);
    expect(codesOf(result)).toEqual(['PERSISTED_QUERY_HASH_MISMATCH']);
    expect(lines.join('')).not.toMatch(/unexpected error/);
  });

  it('logs an unexpected error with its class, code and request id only, never its message or the variables', async () => {
    const admin = await w.adminToken();
    const patient = await w.patient([], { name: 'Jane Secretname' });
    // Take the database from under the hub: the next request fails in the driver.
    lines.length = 0;
    await hub.orm.close(true);
    const failing = await send(hub, { query: 'query($id: ID!) { patient(id: $id) { name } }', variables: { id: patient.id } }, admin, {
      headers: { 'x-request-id': 'req-unexpected-2' },
    });
    expect(failing.status).toBeLessThan(600);
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'unexpected error');
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(Object.keys(line).sort()).toEqual(expect.arrayContaining(['errorClass', 'level', 'msg', 'time']));
      expect(Object.keys(line).every((k) => ['errorClass', 'code', 'requestId', 'level', 'msg', 'time'].includes(k))).toBe(true);
      expect(line.requestId).toBe('req-unexpected-2');
    }
    expect(lines.join('')).not.toMatch(/Secretname|select|Bearer/);
    // The hub's ORM is closed; give the rest of this file a fresh one to close.
    hub.orm = await initOrm({ clientUrl: process.env.DATABASE_URL! });
  });
});

describe('introspection and "Did you mean …" suggestions', () => {
  it.each([
    ['production', {}, false],
    ['development/test', { NODE_ENV: 'test' }, true],
    ['production with GRAPHQL_INTROSPECTION and GRAPHQL_SUGGESTIONS', { GRAPHQL_INTROSPECTION: 'true', GRAPHQL_SUGGESTIONS: 'true' }, true],
  ])('are %s in %s', async (_mode, env, on) => {
    const hub = await startTestHub({ NODE_ENV: 'production', ...env });
    try {
      const w = await world(hub);
      const token = await w.token(await w.provider());
      const introspection = await send(hub, { query: '{ __schema { queryType { name } } }' }, token);
      expect(introspection.body?.data?.__schema?.queryType.name ?? codesOf(introspection)[0]).toBe(
        on ? 'Query' : 'GRAPHQL_VALIDATION_FAILED',
      );
      const c = wsClient(hub.wsUrl, token);
      clients.push(c);
      const overWs = await new Promise<string>((resolve) =>
        c.subscribe(
          { query: '{ __type(name: "Patient") { name } }' },
          {
            next: (r) => resolve(r.errors ? 'refused' : 'answered'),
            error: () => resolve('refused'),
            complete: () => undefined,
          },
        ),
      );
      expect(overWs).toBe(on ? 'answered' : 'refused');
      const typo = await send(hub, { query: '{ me { nme } }' }, token);
      expect(typo.body?.errors?.[0].message).toBe(
        on ? 'Cannot query field "nme" on type "Provider". Did you mean "name"?' : 'Cannot query field "nme" on type "Provider".',
      );
    } finally {
      await hub.close();
    }
  });
});
