import zlib from 'node:zlib';
import http from 'node:http';
import WebSocket from 'ws';
import { codesOf, send } from './support/abuse';
import { world, type World } from './support/factories';
import { startTestHub, type TestHub } from './support/hub';

/** Bad input the bench's bad-input run found (issue 19): each refused cheaply, as JSON with a code, changing nothing. */

/** A raw POST, so the body and Content-Encoding go out exactly as given. */
function rawPost(url: string, body: Buffer, headers: Record<string, string>, token?: string) {
  return new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            contentType: String(res.headers['content-type']),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Subscribes over a raw graphql-ws socket and resolves with the first reply (or the close code). */
function wsFirstReply(wsUrl: string, token: string, payload: object): Promise<{ type?: string; payload?: any; closed?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload }));
      else {
        resolve(message);
        socket.close();
      }
    });
    socket.on('close', (code) => resolve({ closed: code }));
  });
}

describe('bad input', () => {
  let hub: TestHub;
  let w: World;
  let admin: string;
  beforeAll(async () => {
    hub = await startTestHub({ NODE_ENV: 'production' });
    w = await world(hub);
    admin = await w.adminToken();
  });
  afterAll(() => hub.close());

  it.each([
    ['selections', `{ me ${'{ a '.repeat(5_000)}id${'}'.repeat(5_000)} }`],
    ['list values', `{ patient(id: ${'['.repeat(10_000)}"x"${']'.repeat(10_000)}) { id } }`],
    ['object values', `{ patient(id: ${'{ a: '.repeat(5_000)}1${'}'.repeat(5_000)}) { id } }`],
  ])(
    'refuses a document whose %s nest thousands deep with QUERY_TOO_COMPLEX before parsing, over HTTP and WebSocket',
    async (_how, query) => {
      const sent = await send(hub, { query }, admin, { headers: { accept: 'application/graphql-response+json' } });
      expect(sent.status).toBe(400);
      expect(sent.body?.errors).toEqual([
        { message: 'The document is nested deeper than 128 levels', extensions: { code: 'QUERY_TOO_COMPLEX' } },
      ]);
      const reply = await wsFirstReply(hub.wsUrl, admin, { query });
      expect(reply.type).toBe('error');
      expect(reply.payload.map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    },
  );

  it('does not count brackets in comments toward the nesting: such a document runs', async () => {
    const query = `# {{{{ [[[[ ((((\n{ me { id name } } # ${'{'.repeat(500)}`;
    const sent = await send(hub, { query }, admin);
    expect(codesOf(sent)).toEqual(['NOT_FOUND']); // the operator is no provider: the document ran
  });

  it.each([
    [
      'nested deeper than 64 levels',
      'is nested deeper than 64 levels',
      `{"query":"query($id: ID!) { patient(id: $id) { id } }","variables":{"id":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
    ],
    [
      'holding more than 10000 values',
      'holds more than 10000 values',
      JSON.stringify({ query: '{ me { id } }', variables: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`v${i}`, i])) }),
    ],
  ])('refuses a JSON body %s with 400 BAD_REQUEST before parsing it', async (_what, problem, body) => {
    const sent = await send(hub, body, admin);
    expect(sent.status).toBe(400);
    expect(sent.body?.errors).toEqual([{ message: `The request body ${problem}`, extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('refuses a body that is not valid UTF-8 with 400 BAD_REQUEST and records nothing', async () => {
    const mrn = `MRN-${Date.now()}`;
    const query = 'mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }';
    const body = Buffer.concat([
      Buffer.from(
        `{"query":${JSON.stringify(query)},"variables":{"input":{"organizationId":"${w.org.id}","mrn":"${mrn}","birthDate":"1970-01-01","name":"Ren`,
      ),
      Buffer.from([0xe9]), // "é" in Latin-1: not UTF-8
      Buffer.from('e"}}}'),
    ]);
    const res = await rawPost(hub.url, body, {}, admin);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      errors: [{ message: 'The request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }],
    });
    const { rows } = await hub.orm.em.getConnection().getKnex().raw('select count(*)::int as n from patient where mrn = ?', [mrn]);
    expect(rows[0].n).toBe(0);
  });

  it.each([
    ['gzip', 'this is not gzip'],
    ['gzip', zlib.gzipSync(Buffer.alloc(50_000_000, ' '))],
    ['gzip', zlib.gzipSync(JSON.stringify({ query: '{ me { id } }' }))],
    ['deflate', 'nor deflate'],
    ['br', 'nor brotli'],
  ])(
    'refuses a body with Content-Encoding: %s (garbage, a decompression bomb, or even well-formed) with 415 and a JSON error, before inflating it',
    async (encoding, body) => {
      const res = await rawPost(hub.url, Buffer.from(body), { 'content-encoding': encoding }, admin);
      expect(res.status).toBe(415);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(res.body).errors[0]).toEqual({
        message: 'Compressed request bodies are not accepted: send the JSON uncompressed',
        extensions: { code: 'BAD_REQUEST' },
      });
    },
  );

  it('cuts error messages to 1,000 characters: a huge name in the document is not echoed back', async () => {
    const sent = await send(hub, { query: `{ ${'x'.repeat(60_000)} }` }, admin);
    expect(codesOf(sent)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(sent.body!.errors![0].message.length).toBeLessThanOrEqual(1000);
    const reply = await wsFirstReply(hub.wsUrl, admin, { query: `{ ${'x'.repeat(60_000)} }` });
    expect(reply.payload[0].message.length).toBeLessThanOrEqual(1000);
  });
});
