import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { signToken } from '../src/auth/tokens';
import { startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { world, type World } from './support/factories';
import { subscribe, wsClient } from './support/ws';
import { codes, post, unique } from './support/raw';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

let hub: TestHub;
let w: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

const ME = '{ me { id } }';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Every way a bearer token can be bad, for a provider that does exist. */
async function badTokens(providerId: string): Promise<Record<string, string>> {
  return {
    expired: await signToken(TEST_SECRET, { sub: providerId }, now() - 60),
    'malformed (not a JWT)': 'not-a-token',
    'malformed (three garbage segments)': 'abc.def.ghi',
    'malformed (header is JSON null)': `${b64(null)}.${b64({ sub: providerId })}.sig`,
    'malformed (header is a JSON string)': `${b64('HS256')}.${b64({ sub: providerId })}.sig`,
    'signed with another secret': await signToken('another-secret-that-is-also-32-characters-long', { sub: providerId }),
    'alg: none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: providerId, roles: ['ADMIN'], exp: now() + 600 })}.`,
    'HS256 without a signature': `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: providerId, exp: now() + 600 })}.`,
    'of an unknown provider': await signToken(TEST_SECRET, { sub: 'prv_0000000000000000000000000000dead' }),
    'without an expiry (valid forever)': await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(providerId)
      .sign(new TextEncoder().encode(TEST_SECRET)),
    'without a subject': await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET)),
  };
}

describe('bearer tokens over HTTP', () => {
  it('accepts a valid HS256 token of a provider', async () => {
    const doctor = await w.provider();
    const result = await post(hub, ME, {}, await w.token(doctor));
    expect(result.errors).toBeUndefined();
    expect(result.data!.me.id).toBe(doctor.id);
  });

  it('refuses expired, never-expiring, malformed, wrongly signed, alg:none and unknown-provider tokens with UNAUTHENTICATED and HTTP 401', async () => {
    const doctor = await w.provider();
    const outcomes: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(await badTokens(doctor.id))) {
      const result = await post(hub, ME, {}, token);
      outcomes[name] = { status: result.status, codes: codes(result), data: result.data ?? null };
    }
    const expected = Object.fromEntries(
      Object.keys(outcomes).map((name) => [name, { status: 401, codes: ['UNAUTHENTICATED'], data: null }]),
    );
    expect(outcomes).toEqual(expected);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const doctor = await w.provider();
    const token = await w.token(doctor);
    for (const authorization of [token, `Basic ${token}`, 'Bearer', 'Bearer  a b']) {
      const response = await fetch(hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: ME }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect([authorization.slice(0, 6), response.status, codes(body)]).toEqual([authorization.slice(0, 6), 401, ['UNAUTHENTICATED']]);
    }
  });

  it('refuses an RS256 token when no identity provider (JWKS) is configured', async () => {
    const doctor = await w.provider();
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject(doctor.id).setExpirationTime('5m').sign(privateKey);
    expect(codes(await post(hub, ME, {}, token))).toEqual(['UNAUTHENTICATED']);
  });

  it('lets an operator token with the ADMIN role and a subject that is no provider in, as ADMIN', async () => {
    const operator = await hub.token(`operator-${unique()}`, ['ADMIN']);
    const result = await post(
      hub,
      'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
      { input: { name: `Clinic ${unique()}` } },
      operator,
    );
    expect(result.errors).toBeUndefined();
    // The same subject without the role is nobody.
    const nobody = await hub.token(`operator-${unique()}`);
    expect(codes(await post(hub, ME, {}, nobody))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('bearer tokens over WebSocket', () => {
  const MY_TASK_EVENTS = parse('subscription { myTaskEvents { id } }') as TypedDocumentNode<unknown, Record<string, never>>;

  it('refuses the handshake with close code 4403 for a missing, expired, malformed, wrongly signed, alg:none or unknown-provider token', async () => {
    const doctor = await w.provider();
    const tokens: Record<string, string | null> = { missing: null, ...(await badTokens(doctor.id)) };
    const outcomes: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(tokens)) {
      const client = wsClient(hub.wsUrl, token);
      const sub = subscribe(client, MY_TASK_EVENTS, {});
      const outcome = (await sub.done) as { code?: number } | null;
      outcomes[name] = { code: outcome?.code, results: sub.results.length };
      await client.dispose();
    }
    const expected = Object.fromEntries(Object.keys(tokens).map((name) => [name, { code: 4403, results: 0 }]));
    expect(outcomes).toEqual(expected);
  });

  it('ends a connection when its token expires (close code 4403), so a session never outlives its token', async () => {
    const doctor = await w.provider();
    const client = wsClient(hub.wsUrl, await signToken(TEST_SECRET, { sub: doctor.id }, '2s'));
    const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const sub = subscribe(client, MY_TASK_EVENTS, {});
    await connected;
    const started = Date.now();
    const outcome = (await sub.done) as { code?: number; reason?: string };
    expect(outcome).toMatchObject({ code: 4403, reason: 'Token expired' });
    expect(Date.now() - started).toBeLessThan(3500);
    await client.dispose();
  });

  it('accepts the handshake of a valid token (the subscription starts and stays open)', async () => {
    const doctor = await w.provider();
    const client = wsClient(hub.wsUrl, await w.token(doctor), { lazy: false });
    const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const sub = subscribe(client, MY_TASK_EVENTS, {});
    await connected;
    const settled = await Promise.race([sub.done.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 300))]);
    expect(settled).toBe('open');
    await client.dispose();
  });
});

describe('tokens of an external identity provider (JWKS)', () => {
  const ISSUER = 'https://idp.test.example/';
  const AUDIENCE = 'care-hub';
  let jwksServer: http.Server;
  let idpHub: TestHub;
  let rsa: { privateKey: KeyLike; kid: string };
  let ec: { privateKey: KeyLike; kid: string };

  beforeAll(async () => {
    const rs = await generateKeyPair('RS256');
    const es = await generateKeyPair('ES256');
    rsa = { privateKey: rs.privateKey, kid: `rs-${unique()}` };
    ec = { privateKey: es.privateKey, kid: `es-${unique()}` };
    const keys: JWK[] = [
      { ...(await exportJWK(rs.publicKey)), kid: rsa.kid, alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(es.publicKey)), kid: ec.kid, alg: 'ES256', use: 'sig' },
    ];
    jwksServer = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    idpHub = await startTestHub({ JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    await idpHub?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  interface IdpToken {
    alg?: 'RS256' | 'ES256';
    sub: string;
    roles?: string[];
    issuer?: string;
    audience?: string;
    exp?: number | string;
    key?: { privateKey: KeyLike; kid: string };
  }
  async function idpToken(t: IdpToken): Promise<string> {
    const alg = t.alg ?? 'RS256';
    const key = t.key ?? (alg === 'RS256' ? rsa : ec);
    return new SignJWT({ roles: t.roles ?? [] })
      .setProtectedHeader({ alg, kid: key.kid })
      .setSubject(t.sub)
      .setIssuer(t.issuer ?? ISSUER)
      .setAudience(t.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(t.exp ?? '5m')
      .sign(key.privateKey);
  }

  it('accepts a valid RS256 token and a valid ES256 token of a provider', async () => {
    const doctor = await w.provider();
    for (const alg of ['RS256', 'ES256'] as const) {
      const result = await post(idpHub, ME, {}, await idpToken({ alg, sub: doctor.id }));
      expect({ alg, errors: result.errors, me: result.data?.me }).toEqual({ alg, errors: undefined, me: { id: doctor.id } });
    }
  });

  it("still accepts the hub's own HS256 tokens alongside the identity provider", async () => {
    const doctor = await w.provider();
    const result = await post(idpHub, ME, {}, await w.token(doctor));
    expect(result.data?.me).toEqual({ id: doctor.id });
  });

  it('refuses a wrong issuer, a wrong audience, a key not in the JWKS, an expired or never-expiring token and an unknown subject with UNAUTHENTICATED', async () => {
    const doctor = await w.provider();
    const stranger = await generateKeyPair('RS256');
    const strangerEc = await generateKeyPair('ES256');
    const tokens: Record<string, string> = {
      'wrong issuer': await idpToken({ sub: doctor.id, issuer: 'https://evil.example/' }),
      'wrong audience': await idpToken({ sub: doctor.id, audience: 'another-api' }),
      'ES256 wrong audience': await idpToken({ alg: 'ES256', sub: doctor.id, audience: 'another-api' }),
      'key not in the JWKS (unknown kid)': await idpToken({
        sub: doctor.id,
        key: { privateKey: stranger.privateKey, kid: 'not-published' },
      }),
      'key not in the JWKS (published kid, other key)': await idpToken({
        sub: doctor.id,
        key: { privateKey: stranger.privateKey, kid: rsa.kid },
      }),
      'ES256 key not in the JWKS': await idpToken({
        alg: 'ES256',
        sub: doctor.id,
        key: { privateKey: strangerEc.privateKey, kid: ec.kid },
      }),
      expired: await idpToken({ sub: doctor.id, exp: now() - 60 }),
      'without an expiry': await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
        .setSubject(doctor.id)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .sign(rsa.privateKey),
      'ES256 expired': await idpToken({ alg: 'ES256', sub: doctor.id, exp: now() - 60 }),
      'unknown provider': await idpToken({ sub: 'prv_0000000000000000000000000000beef' }),
    };
    const outcomes: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(tokens)) {
      const result = await post(idpHub, ME, {}, token);
      outcomes[name] = { status: result.status, codes: codes(result) };
    }
    expect(outcomes).toEqual(Object.fromEntries(Object.keys(tokens).map((n) => [n, { status: 401, codes: ['UNAUTHENTICATED'] }])));
  });

  it('grants ADMIN through roles: ["ADMIN"] in an identity-provider token, for an operator who is no provider', async () => {
    const sub = `operator-${unique()}`;
    const create = 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name } }';
    const name = `Clinic ${unique()}`;
    const admin = await post(idpHub, create, { input: { name } }, await idpToken({ alg: 'ES256', sub, roles: ['ADMIN'] }));
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.createOrganization.name).toBe(name);

    const doctor = await w.provider();
    const notAdmin = await post(idpHub, create, { input: { name } }, await idpToken({ sub: doctor.id }));
    expect(codes(notAdmin)).toEqual(['FORBIDDEN']);
    const noProvider = await post(idpHub, create, { input: { name } }, await idpToken({ sub }));
    expect(codes(noProvider)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses the WebSocket handshake (4403) for an identity-provider token with the wrong audience, and accepts a valid one', async () => {
    const doctor = await w.provider();
    const doc = parse('subscription { myTaskEvents { id } }') as TypedDocumentNode<unknown, Record<string, never>>;
    const wsUrl = idpHub.wsUrl;
    const bad = wsClient(wsUrl, await idpToken({ sub: doctor.id, audience: 'another-api' }));
    const refused = subscribe(bad, doc, {});
    expect(((await refused.done) as { code?: number }).code).toBe(4403);
    await bad.dispose();

    const good = wsClient(wsUrl, await idpToken({ alg: 'ES256', sub: doctor.id }), { lazy: false });
    const connected = new Promise<string>((resolve) => {
      good.on('connected', () => resolve('connected'));
      good.on('closed', (e) => resolve(`closed ${(e as { code?: number }).code}`));
    });
    expect(await connected).toBe('connected');
    await good.dispose();
  });
});
