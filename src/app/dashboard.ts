import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { signToken } from '../auth/tokens';
import { PROJECT_ROOT, type Config } from '../core/config';
import type { Orm } from './orm';
import { errorBody, noStore } from './http';

/** Where `npm run build` (scripts/build.js) puts the dashboard page's bundle. */
export const DASHBOARD_DIR = path.join(PROJECT_ROOT, 'dist', 'web');

/** How long a demo sign-in's token lasts. */
const DEMO_TOKEN_LIFETIME = '12h';

/**
 * A demo provider: one whose e-mail address is under the reserved `.example`
 * top-level domain (RFC 2606), as the demo clinic's and the tests' are. No
 * real clinician has such an address, so the demo sign-in cannot hand out a
 * token for one even outside production.
 */
const DEMO_EMAIL = '%.example';

/**
 * The dashboard page at `/`: the bundle Vite built into dist/web (web/ in the
 * repository). Hashed assets (`/assets/*`) never change under their name and
 * are cached for a year; `index.html` is revalidated on every load, so a new
 * build is picked up at once. Without a built page, `/` says how to build it.
 */
export function serveDashboard(app: Express, dir: string = DASHBOARD_DIR): void {
  app.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
    }),
    (_req, res) => void res.status(404).type('text/plain').send('No such asset: reload the page to get the current build.\n'),
  );
  const index = path.join(dir, 'index.html');
  app.get(['/', '/index.html'], (_req, res) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The dashboard page is not built: run `npm run build` (npm start builds it when missing).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

interface DemoProviderRow {
  id: string;
  name: string;
  discipline: string;
  specialty: string | null;
  organization: string;
}

/**
 * The sign-in routes of the page (docs/contract.md, "The dashboard page"):
 * `GET /auth/options` says what sign-in the page may offer (the demo, an
 * OpenID Connect provider: issuer, client id, scope); and the demo sign-in
 * outside production: `GET /auth/demo-providers?search=` lists demo providers (see
 * DEMO_EMAIL) by name, up to 50; `POST /auth/demo-token` `{ providerId }`
 * answers `{ token, expiresAt }` for one of them. With NODE_ENV=production,
 * or without the HS256 secret to sign with, both demo routes answer 403
 * FORBIDDEN and the options say `demo: false`.
 */
export function serveDemoSignIn(app: Express, { config, orm, secret }: { config: Config; orm: Orm; secret: string | undefined }): void {
  const enabled = config.env !== 'production' && secret !== undefined;
  const auth = express.Router();
  auth.use(noStore);
  auth.get('/options', (_req, res) => {
    res.json({ demo: enabled, oidc: config.oidc });
  });
  auth.use(['/demo-providers', '/demo-token'], (_req, res, next) => {
    if (enabled) return next();
    res.status(403).json(errorBody('FORBIDDEN', 'Demo sign-in is not available on this server: sign in with a bearer token'));
  });
  auth.get('/demo-providers', async (req, res) => {
    const search = typeof req.query.search === 'string' ? req.query.search.trim().slice(0, 100) : '';
    const rows = await orm.em.getConnection().execute<DemoProviderRow[]>(
      `select p.id, p.name, p.discipline, p.specialty, o.name as organization
         from provider p join organization o on o.id = p.organization_id
        where p.email like ? and p.name ilike ?
        order by p.name, p.id limit 50`,
      [DEMO_EMAIL, `%${search.replace(/[\\%_]/g, '\\$&')}%`],
    );
    res.json({ providers: rows });
  });
  auth.post('/demo-token', express.json({ limit: '1kb' }), async (req, res) => {
    const providerId: unknown = (req.body as { providerId?: unknown } | undefined)?.providerId;
    const rows =
      typeof providerId === 'string'
        ? await orm.em
            .getConnection()
            .execute<{ id: string }[]>('select id from provider where id = ? and email like ?', [providerId, DEMO_EMAIL])
        : [];
    if (rows.length === 0) {
      res.status(404).json(errorBody('NOT_FOUND', 'No demo provider has this id: pick one from GET /auth/demo-providers'));
      return;
    }
    const token = await signToken(secret!, { sub: rows[0].id }, DEMO_TOKEN_LIFETIME);
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
    res.json({ token, expiresAt: new Date(exp * 1000).toISOString() });
  });
  app.use('/auth', auth);
}
