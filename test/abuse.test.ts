import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { DashboardDocument, PatientEventsDocument } from './__generated__/graphql';
import { codesOf, fanOut, send } from './support/abuse';
import { world, type World } from './support/factories';
import { startTestHub, type TestHub } from './support/hub';
import { subscribe, wsClient } from './support/ws';

/** Abuse and bad input (README "Limits and abuse protection"), black-box against a production-mode hub. */
let hub: TestHub;
let w: World;
let token: string;
const clients: Client[] = [];
const client = (t: string | null, h: TestHub = hub) => {
  const c = wsClient(h.wsUrl, t);
  clients.push(c);
  return c;
};
/** Sends a document over the WebSocket, verbatim, and resolves with the error codes it ends with. */
function wsCodes(c: Client, query: string, variables: Record<string, unknown> = {}): Promise<unknown[]> {
  const codes: unknown[] = [];
  const collect = (errors: unknown) =>
    (Array.isArray(errors) ? errors : []).forEach((e) => codes.push((e as { extensions?: { code?: unknown } }).extensions?.code));
  return new Promise((resolve) => {
    c.subscribe(
      { query, variables },
      {
        next: (result) => collect(result.errors),
        error: (errors) => {
          collect(errors);
          resolve(codes);
        },
        complete: () => resolve(codes),
      },
    );
  });
}

beforeAll(async () => {
  hub = await startTestHub({ NODE_ENV: 'production' });
  w = await world(hub);
  const doctor = await w.provider();
  await w.patient([doctor]);
  token = await w.token(doctor);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => hub.close());

describe('documents are refused before execution when they exceed a limit', () => {
  const tooDeep = fanOut(3, 1);
  const tooManyAliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
  const tooManyTokens = `{ me { ${'id '.repeat(5_001)} } }`;
  const tooManyDirectives = `{ me { id ${'@skip(if: false) '.repeat(51)} } }`;
  const tooLong = `# ${'x'.repeat(70_000)}\n{ me { id } }`;
  const tooCostly = fanOut(2, 100);

  it.each([
    ['deeper than GRAPHQL_MAX_DEPTH (15)', tooDeep],
    ['with more aliases than GRAPHQL_MAX_ALIASES (30)', tooManyAliases],
    ['with more tokens than GRAPHQL_MAX_TOKENS (5,000)', tooManyTokens],
    ['with more directives than GRAPHQL_MAX_DIRECTIVES (50)', tooManyDirectives],
    ['longer than GRAPHQL_MAX_DOCUMENT_BYTES (64 KiB)', tooLong],
    ['costing more than GRAPHQL_MAX_COST (a list field weighs its `first`)', tooCostly],
  ])('refuses a document %s with QUERY_TOO_COMPLEX, over HTTP and WebSocket', async (_what, query) => {
    hub.countStatements();
    const http = await send(hub, { query }, token);
    expect(http.body?.data ?? undefined).toBeUndefined();
    expect(codesOf(http)).toContain('QUERY_TOO_COMPLEX');
    expect(http.status).toBeLessThan(500);
    expect(await wsCodes(client(token), query)).toContain('QUERY_TOO_COMPLEX');
    // Nothing beyond authentication reached the database: the document never ran.
    expect(hub.statements.filter((s) => !/from "?provider"? where/.test(s))).toEqual([]);
  });

  it('weighs a page by the variable that sizes it: the same document passes with a small `first`', async () => {
    const query =
      'query($n: Int!) { me { patients(first: $n) { edges { node { careTeam { provider { patients(first: $n) { edges { node { id name } } } } } } } } } }';
    expect(codesOf(await send(hub, { query, variables: { n: 100 } }, token))).toEqual(['QUERY_TOO_COMPLEX']);
    const small = await send(hub, { query, variables: { n: 3 } }, token);
    expect(small.body?.errors).toBeUndefined();
    expect(small.body?.data?.me.patients.edges).toHaveLength(1);
  });

  it('runs the README Dashboard query at its largest page and the live subscriptions under the default limits', async () => {
    const dashboard = await send(hub, { query: print(DashboardDocument), variables: { first: 100 } }, token);
    expect(dashboard.body?.errors).toBeUndefined();
    expect(dashboard.body?.data?.patients.totalCount).toBe(1);
    const patientId = dashboard.body?.data?.patients.edges[0].node.id;
    const sub = subscribe(client(token), PatientEventsDocument, { patientId, afterSequence: 0 });
    await sub.received(1);
    expect(sub.results[0].errors).toBeUndefined();
  });
});

describe('persisted operations', () => {
  let strict: TestHub;
  let manifest: string;
  const registered = '{ me { id } }';
  const hash = crypto.createHash('sha256').update(registered).digest('hex');
  beforeAll(async () => {
    manifest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-')), 'operations.json');
    fs.writeFileSync(manifest, JSON.stringify({ [hash]: registered }));
    strict = await startTestHub({ NODE_ENV: 'production', PERSISTED_OPERATIONS_ONLY: 'true', PERSISTED_OPERATIONS_FILE: manifest });
  });
  afterAll(() => strict.close());

  it('with PERSISTED_OPERATIONS_ONLY runs registered documents, sent whole or by hash, and refuses any other, over HTTP and WebSocket', async () => {
    const whole = await send(strict, { query: registered }, token);
    expect(whole.body?.data?.me.id).toBeDefined();
    const byHash = await send(strict, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, token);
    expect(byHash.body?.data?.me.id).toBe(whole.body?.data?.me.id);

    const other = await send(strict, { query: '{ me { id name } }' }, token);
    expect(codesOf(other)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(other.status).toBe(400);
    // A client cannot register a document by sending it with its hash.
    const sneaky = '{ me { name } }';
    const sneakyHash = crypto.createHash('sha256').update(sneaky).digest('hex');
    await send(strict, { query: sneaky, extensions: { persistedQuery: { version: 1, sha256Hash: sneakyHash } } }, token);
    expect(codesOf(await send(strict, { extensions: { persistedQuery: { version: 1, sha256Hash: sneakyHash } } }, token))).toEqual([
      'PERSISTED_QUERY_NOT_FOUND',
    ]);

    expect(await wsCodes(client(token, strict), '{ me { id name } }')).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(await wsCodes(client(token, strict), registered)).toEqual([]);
  });
});
