import fs from 'node:fs';
import path from 'node:path';
import { MeDocument } from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, world, type World } from './support/factories';
import { DASHBOARD_DIR } from '../src/app/dashboard';
import { loadConfig } from '../src/core/config';
import { providers } from '../src/modules/providers';
import { Discipline } from '../src/modules/providers';

let hub: TestHub;
let production: TestHub;
let w: World;

beforeAll(async () => {
  [hub, production] = await Promise.all([startTestHub(), startTestHub({ NODE_ENV: 'production' })]);
  w = await world(hub);
});
afterAll(() => Promise.all([hub.close(), production.close()]));

const origin = (h: TestHub) => h.url.replace(/\/graphql$/, '');

describe('the dashboard page', () => {
  it('is served at / with index.html revalidated on every load and hashed assets cached as immutable', async () => {
    const page = await fetch(`${origin(hub)}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      const response = await fetch(`${origin(hub)}${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    // Nothing from elsewhere: every script and stylesheet is the hub's own.
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('answers 404 for an asset that does not exist (no page in its place)', async () => {
    const response = await fetch(`${origin(hub)}/assets/missing-0000.js`);
    expect(response.status).toBe(404);
  });

  it('is the bundle Vite built into dist/web', () => {
    expect(fs.existsSync(path.join(DASHBOARD_DIR, 'index.html'))).toBe(true);
  });
});

describe('OpenID Connect settings', () => {
  it('need the identity provider (JWT_ISSUER, a URL, and JWT_JWKS_URL) besides OIDC_CLIENT_ID', () => {
    expect(() => loadConfig({ OIDC_CLIENT_ID: 'dashboard' })).toThrow(/OIDC_CLIENT_ID: needs JWT_ISSUER/);
    expect(() => loadConfig({ OIDC_CLIENT_ID: 'dashboard', JWT_ISSUER: 'idp', JWT_JWKS_URL: 'https://idp.example.org/jwks' })).toThrow(
      /JWT_ISSUER: must be the identity provider's URL/,
    );
    const config = loadConfig({
      OIDC_CLIENT_ID: 'dashboard',
      JWT_ISSUER: 'https://idp.example.org/realms/care',
      JWT_JWKS_URL: 'https://idp.example.org/jwks',
    });
    expect(config.oidc).toEqual({ issuer: 'https://idp.example.org/realms/care', clientId: 'dashboard', scope: 'openid profile' });
  });

  it("let the page reach the identity provider in production: its origin is in the page's connect-src", async () => {
    const withOidc = await startTestHub({
      NODE_ENV: 'production',
      OIDC_CLIENT_ID: 'dashboard',
      JWT_ISSUER: 'https://idp.example.org/realms/care',
      JWT_JWKS_URL: 'https://idp.example.org/jwks',
    });
    try {
      const response = await fetch(`${origin(withOidc)}/`);
      expect(response.headers.get('content-security-policy')).toMatch(/connect-src 'self' https:\/\/idp\.example\.org(;|$)/);
      expect(await (await fetch(`${origin(withOidc)}/auth/options`)).json()).toEqual({
        demo: false,
        oidc: { issuer: 'https://idp.example.org/realms/care', clientId: 'dashboard', scope: 'openid profile' },
      });
    } finally {
      await withOidc.close();
    }
  });
});

describe('the demo sign-in', () => {
  it('lists demo providers by name and gives a token that signs in as the one picked', async () => {
    const provider = await w.provider({ name: `Dr. Demo ${Date.now()}` });
    expect(await (await fetch(`${origin(hub)}/auth/options`)).json()).toEqual({ demo: true, oidc: null });
    const list = await fetch(`${origin(hub)}/auth/demo-providers?search=${encodeURIComponent(provider.name)}`);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const { providers: listed } = (await list.json()) as { providers: { id: string; name: string; organization: string }[] };
    expect(listed).toEqual([expect.objectContaining({ id: provider.id, name: provider.name, organization: w.org.name })]);

    const response = await fetch(`${origin(hub)}/auth/demo-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ providerId: provider.id }),
    });
    expect(response.status).toBe(200);
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    expect(ok(await hub.gql(MeDocument, {}, token)).me.id).toBe(provider.id);
  });

  it('gives no token for a provider whose e-mail is not under .example, nor for an unknown id', async () => {
    const real = await providers.create(w.contextOf(null), {
      organizationId: w.org.id,
      name: 'Dr. Real Person',
      discipline: Discipline.PHYSICIAN,
      specialty: null,
      email: `real-${Date.now()}@clinic.org`,
    });
    const list = (await (await fetch(`${origin(hub)}/auth/demo-providers?search=Real%20Person`)).json()) as { providers: { id: string }[] };
    expect(list.providers.map((p) => p.id)).not.toContain(real.id);
    for (const providerId of [real.id, 'prv_unknown', 42]) {
      const response = await fetch(`${origin(hub)}/auth/demo-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ providerId }),
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('NOT_FOUND');
    }
  });

  it('is refused in production: no demo providers listed and no token issued', async () => {
    const provider = await w.provider();
    expect(await (await fetch(`${origin(production)}/auth/options`)).json()).toEqual({ demo: false, oidc: null });
    const list = await fetch(`${origin(production)}/auth/demo-providers`);
    expect(list.status).toBe(403);
    const token = await fetch(`${origin(production)}/auth/demo-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ providerId: provider.id }),
    });
    expect(token.status).toBe(403);
    const body = (await token.json()) as { errors: { message: string; extensions: { code: string } }[]; token?: string };
    expect(body.token).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    // The page itself is served in production too (with sign-in by token).
    expect((await fetch(`${origin(production)}/`)).status).toBe(200);
  });
});
