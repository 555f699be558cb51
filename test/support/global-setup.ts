import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/app/embedded-postgres';
import { freePort } from './process';
import { execFileSync } from 'node:child_process';

/**
 * Provides the PostgreSQL the tests run against: DATABASE_URL when given
 * (CI does), otherwise a fresh embedded cluster in a temporary folder. Applies
 * the migrations once; each test file then builds its own data with factories.
 */
export default async function globalSetup() {
  // Tests start servers as `npm start` does (compiled, dist/): compile once here, not in each of them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/build.js is plain CommonJS, run by node too
  (require('../../scripts/build') as { buildIfStale(): boolean }).buildIfStale();
  let url = process.env.DATABASE_URL;
  if (!url) {
    // A folder the `postgres` OS user can reach when we run as root.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-test-'));
    fs.chmodSync(dataDir, 0o755);
    const port = await freePort();
    const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port, database: 'carehub_test' });
    url = db.url;
    (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = { stop: db.stop, dataDir };
    process.env.CAREHUB_TEST_EMBEDDED = '1';
  }
  process.env.DATABASE_URL = url;
  // Migrate in a child process (`npm run migrate`): initialising MikroORM in jest's
  // global setup breaks its metadata for in-band tests (mikro-orm/mikro-orm#3783).
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/migrate.ts'], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
