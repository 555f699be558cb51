import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { freePort, startServerProcess } from './support/process';

describe('npm start on a machine with nothing installed', () => {
  let dataDir: string;
  beforeAll(() => {
    // The embedded PostgreSQL runs as the `postgres` OS user when we are root: it must reach this folder.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-start-'));
    fs.chmodSync(dataDir, 0o755);
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts an embedded PostgreSQL, migrates, loads the demo, prints a working token, and stops cleanly; a restart reuses the data', async () => {
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };

    const first = startServerProcess(env);
    const output = await first.ready;
    const url = /Care hub ready at (\S+)/.exec(output)![1];
    const token = /^Token \(12 h\): (\S+)/m.exec(output)![1];

    const health = await fetch(url.replace(/graphql$/, 'healthz'));
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
    const me = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { name discipline } patients { totalCount } }' }),
    }).then((r) => r.json());
    expect(me).toEqual({ data: { me: { name: 'Dr. Amara Okafor', discipline: 'PHYSICIAN' }, patients: { totalCount: 3 } } });

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // Warm start: same cluster, same secret (the old token still works), demo not loaded twice.
    const second = startServerProcess(env);
    await second.ready;
    const again = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ patients { totalCount } }' }),
    }).then((r) => r.json());
    expect(again).toEqual({ data: { patients: { totalCount: 3 } } });
    expect(await second.stop('SIGINT')).toBe(0);
  }, 90_000);
});

describe('configuration', () => {
  it('stops start-up with a message that names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('refuses to run in production without JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).env).toBe('production');
  });

  it('exits with the configuration message when started with a bad value', async () => {
    const server = startServerProcess({ PORT: 'eighty' });
    await expect(server.ready).rejects.toThrow(/Invalid configuration:\s+PORT/);
  });
});
