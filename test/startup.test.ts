import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import { loadConfig } from '../src/config';
import { DashboardDocument } from './__generated__/graphql';
import { freePort, startServerProcess } from './support/process';

const DASHBOARD = print(DashboardDocument);

describe('npm start on a machine with nothing installed', () => {
  let dataDir: string;
  beforeAll(() => {
    // The embedded PostgreSQL runs as the `postgres` OS user when we are root: it must reach this folder.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-start-'));
    fs.chmodSync(dataDir, 0o755);
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts an embedded PostgreSQL, migrates, loads the demo, prints a token that opens the demo dashboard, and stops cleanly; a restart reuses the data', async () => {
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };

    const first = startServerProcess(env);
    const output = await first.ready;
    const url = /Care hub ready at (\S+)/.exec(output)![1];
    const token = /^Token \(12 h\): (\S+)/m.exec(output)![1];

    const health = await fetch(url.replace(/graphql$/, 'healthz'));
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
    const post = (query: string, variables: object = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<{ data?: any; errors?: unknown[] }>);
    expect(await post('{ me { name discipline } }')).toEqual({ data: { me: { name: 'Dr. Amara Okafor', discipline: 'PHYSICIAN' } } });

    // The portal's dashboard over the demo: every patient with team, active plan, goals and open tasks.
    const dashboard = await post(DASHBOARD, { first: 25 });
    expect(dashboard.errors).toBeUndefined();
    const { totalCount, edges } = dashboard.data.patients;
    expect(totalCount).toBe(3);
    const byName = Object.fromEntries(edges.map((e: any) => [e.node.name, e.node]));
    expect(Object.keys(byName).sort()).toEqual(['Helen Achterberg', 'Miguel Ortega', 'Ruth Lindqvist']);
    expect(byName['Ruth Lindqvist'].activeCarePlan).toMatchObject({ title: 'Home recovery after right hip replacement', status: 'ACTIVE', owner: { name: 'Dr. Sofia Marin' } });
    expect(byName['Miguel Ortega'].careTeam.map((m: any) => m.role)).toEqual(['primary physician', 'psychotherapist']);
    for (const patient of edges.map((e: any) => e.node)) {
      expect(patient.careTeam.length).toBeGreaterThanOrEqual(2);
      expect(patient.activeCarePlan.goals.length).toBeGreaterThanOrEqual(2);
      const open = patient.activeCarePlan.tasks.edges.map((e: any) => e.node);
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((t: any) => ['REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'ON_HOLD'].includes(t.status))).toBe(true);
      expect(open.every((t: any) => t.assignee?.name)).toBe(true);
    }
    // Completed work is not on the dashboard; a paused home visit is.
    const heartTasks = byName['Helen Achterberg'].activeCarePlan.tasks.edges.map((e: any) => e.node);
    expect(heartTasks.find((t: any) => t.title === 'Home visit: check ankle oedema')).toMatchObject({ status: 'ON_HOLD', priority: 'ASAP' });
    const ruthTasks = byName['Ruth Lindqvist'].activeCarePlan.tasks.edges.map((e: any) => e.node.title);
    expect(ruthTasks).not.toContain('Daily anticoagulant injection teaching');

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

describe('the embedded PostgreSQL', () => {
  const asRoot = os.userInfo().uid === 0 ? it : it.skip;
  asRoot('serves as root even when DATA_DIR is in a folder the postgres OS user cannot enter (a project under /root)', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-closed-')); // mode 0700, like /root
    const server = startServerProcess({
      DATA_DIR: path.join(closed, '.data'), PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'warn', DEMO_DATA: 'false',
    });
    let cluster: string | undefined;
    try {
      const output = await server.ready;
      cluster = /the embedded cluster lives in (\/var\/tmp\/carehub\/\w+)\/pg/.exec(output)?.[1];
      expect(cluster).toBeDefined();
      const url = /Care hub ready at (\S+)/.exec(output)![1];
      expect(await (await fetch(url.replace(/graphql$/, 'healthz'))).json()).toEqual({ status: 'ok', database: 'up' });
    } finally {
      expect(await server.stop()).toBe(0);
      if (cluster) fs.rmSync(cluster, { recursive: true, force: true });
      fs.rmSync(closed, { recursive: true, force: true });
    }
  }, 60_000);
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
