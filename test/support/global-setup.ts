import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/app/embedded-postgres';
import { freePort } from './process';
import { execFileSync } from 'node:child_process';

/**
 * Provides the PostgreSQL the tests run against, with two roles as production
 * runs (docs/architecture.md, "Database roles"): DATABASE_URL (serving) and
 * MIGRATION_DATABASE_URL (owner) when given (CI makes both with
 * `node scripts/ci-database.js create`), otherwise a fresh embedded cluster in
 * a temporary folder. Applies the migrations once; each test file then builds
 * its own data with factories.
 */
export default async function globalSetup() {
  // Tests start servers as `npm start` does (compiled, dist/): compile once here, not in each of them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/build.js is plain CommonJS, run by node too
  (require('../../scripts/build') as { buildIfStale(): boolean }).buildIfStale();
  let url = process.env.DATABASE_URL;
  let ownerUrl = process.env.MIGRATION_DATABASE_URL;
  if (url && !ownerUrl) {
    throw new Error(
      'The tests run with two database roles: with DATABASE_URL set MIGRATION_DATABASE_URL too. ' +
        '`node scripts/ci-database.js create <admin URL> <name>` makes a database with both roles and prints the two URLs.',
    );
  }
  if (!url) {
    // A folder the `postgres` OS user can reach when we run as root.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-test-'));
    fs.chmodSync(dataDir, 0o755);
    const port = await freePort();
    const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port, database: 'carehub_test' });
    url = db.url;
    ownerUrl = db.ownerUrl;
    (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = { stop: db.stop, dataDir };
    process.env.CAREHUB_TEST_EMBEDDED = '1';
  }
  process.env.DATABASE_URL = url;
  process.env.MIGRATION_DATABASE_URL = ownerUrl;
  // Migrate in a child process (`npm run migrate`): initialising MikroORM in jest's
  // global setup breaks its metadata for in-band tests (mikro-orm/mikro-orm#3783).
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/migrate.ts'], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, DATABASE_URL: url, MIGRATION_DATABASE_URL: ownerUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
