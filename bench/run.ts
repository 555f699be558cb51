/**
 * `npm run bench`: how fast is the hub, next to PostGraphile and the physical floor, in one run.
 *
 * The dashboard section runs the README's Dashboard query against three servers on the same
 * database, in alternating rounds: the hub, PostGraphile 5 (bench/postgraphile.ts) and the
 * raw-SQL floor (bench/floor.ts); their answers are checked identical first.
 *
 *   npm run bench                      full run (2,000 patients), writes bench/results.{md,json}
 *   npm run bench -- --smoke           seconds: tiny data, short loads, proves the bench runs (CI)
 *   npm run bench -- --growth          also: dashboard p50 at 1k and at 100k patients
 *   npm run bench -- --fanout-10k      also: fan-out to 10,000 subscribers
 *   npm run bench -- --bad-input       also: 10,000 bad requests against the compiled server (issue 19)
 *   npm run bench -- --startup         also: start-up time (spawn → /readyz 200), 7 warm starts; --startup-runs 15
 *   npm run bench -- --bus nats        also: both event buses side by side, 2 instances, fan-out to 1,000 / 10,000 and writes
 *                                      (NATS at nats://127.0.0.1:4222, or --bus nats://host:port)
 *   npm run bench -- --fanout 1000,5000   fan-out to these numbers of subscribers instead
 *   npm run bench -- --patients 5000 --duration 20
 *   npm run bench -- --rounds 5        alternating dashboard rounds per client count (default 3; 1 in --smoke)
 *   npm run bench -- --report          measures nothing: rewrites bench/results.md from bench/results.json
 *   npm run bench -- --only fanout,statements   just these sections (dashboard, statements, mutations, fanout, monitoring,
 *                                      badinput, startup, buses); their results replace theirs in bench/results.{md,json}, the others stay
 *   npm run bench -- --profile         also: CPU profiles of the hub in bench/.data/profiles
 *   npm run bench -- --hub-heap 256    the hub runs with --max-old-space-size=256 (MB)
 *
 * Database: a fresh embedded PostgreSQL in a temporary folder, or, with
 * DATABASE_URL (a server and a role that may create databases), a new
 * database on that server, dropped at the end.
 */
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { signToken } from '../src/auth/tokens';
import { startEmbeddedPostgres } from '../src/app/embedded-postgres';
import { freePort } from '../test/support/process';
import { generate, type DataSet } from './data';
import type { HubStats } from './hub-process';
import { monitoring, monitoringReport } from './monitoring';
import { badInput, badInputReport, badInputTargets } from './bad-input';
import { startup, startupReport, startupTargets } from './startup';
import { graphql, percentile } from './common';
import { busComparison, busesReport } from './buses';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript, shared with `npm start`
const { buildIfStale } = require('../scripts/build.js') as { buildIfStale(): boolean };

const ROOT = path.resolve(__dirname, '..');
const SECRET = 'bench-secret-that-is-at-least-32-characters';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const onlyList = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : undefined;
// --only fanout,dashboard: run just these sections
const only = (name: string) => !onlyList || onlyList.includes(name);
const smoke = flag('smoke');
const settings = {
  patients: option('patients', smoke ? 40 : 2000),
  providers: option('providers', smoke ? 12 : 200),
  benchPatients: smoke ? 20 : 100,
  duration: option('duration', smoke ? 1 : 10),
  concurrency: smoke ? [1, 10] : [1, 10, 50],
  /** Alternating rounds per client count of the hub, PostGraphile and the floor (--rounds 5). */
  dashboardRounds: option('rounds', smoke ? 1 : 3),
  pageSizes: [5, 25, 100],
  fanout: argv.includes('--fanout')
    ? argv[argv.indexOf('--fanout') + 1].split(',').map(Number)
    : smoke
      ? [10]
      : [100, 1000, 5000, ...(flag('fanout-10k') ? [10000] : [])],
  fanoutRounds: smoke ? 2 : 5,
  growth: flag('growth'),
  // Opt-in like growth, or named by --only; the smoke run sends a few hundred.
  badInput: (flag('bad-input') || smoke || !!onlyList?.includes('badinput')) && only('badinput') ? (smoke ? 300 : 10_000) : 0,
  // Not in --smoke: a dozen server starts take most of a minute.
  startup: (flag('startup') || !!onlyList?.includes('startup')) && only('startup'),
  startupRuns: option('startup-runs', 7),
  /** --bus nats[://host:port]: the buses side by side (opt-in: it needs a NATS server). */
  buses: argv.includes('--bus') && only('buses') ? ['postgres', natsUrl(argv[argv.indexOf('--bus') + 1])] : [],
  busSubscribers: smoke ? [20] : [1000, 10000],
};
function natsUrl(value: string | undefined): string {
  if (value === 'nats') return 'nats://127.0.0.1:4222';
  if (value?.startsWith('nats://')) return value;
  throw new Error('--bus takes nats or nats://host:port');
}
/** The sections that need the bench's data set (and so its database). */
const DATA_SECTIONS = ['dashboard', 'statements', 'mutations', 'fanout', 'monitoring'];

// The portal's dashboard query, as the tests run it (test/operations/dashboard.graphql).
const DASHBOARD = fs.readFileSync(path.join(ROOT, 'test', 'operations', 'dashboard.graphql'), 'utf8');
// The same, field for field, against PostGraphile's generated schema (bench/postgraphile.ts).
const POSTGRAPHILE_DASHBOARD = fs.readFileSync(path.join(__dirname, 'postgraphile-dashboard.graphql'), 'utf8');
const POSTGRAPHILE_VERSION = (
  JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('postgraphile')), '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

// ---------------------------------------------------------------- processes

interface Child {
  process: ChildProcess;
  request<T>(message: object): Promise<T>;
  /** The process has not exited. */
  alive(): boolean;
  stop(): Promise<void>;
}

/** Forks a TypeScript module with an IPC channel; resolves once it reports `ready`. */
async function child(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<Child & { url?: string }> {
  const proc = fork(path.join(__dirname, script), [], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    execArgv: [...execArgv, '-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = await new Promise<{ url?: string }>((resolve, reject) => {
    proc.once('message', resolve);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  let queue = Promise.resolve<unknown>(undefined);
  return {
    process: proc,
    url: ready.url,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    request<T>(message: object): Promise<T> {
      const next = queue.then(
        () =>
          new Promise<T>((resolve, reject) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return reject(new Error(`${script} has exited`));
            // A process that dies before it replies must not leave the caller waiting forever.
            const died = () => reject(new Error(`${script} exited before it replied`));
            proc.once('exit', died);
            proc.once('message', (reply: T & { error?: string }) => {
              proc.off('exit', died);
              if (reply.error) reject(new Error(reply.error));
              else resolve(reply);
            });
            proc.send(message);
          }),
      );
      queue = next.catch(() => undefined);
      return next;
    },
    async stop() {
      if (proc.connected) proc.disconnect();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const startHub = (databaseUrl: string, extra: Record<string, string> = {}) =>
  child(
    'hub-process.ts',
    {
      // As deployed: graphql-js and others pick their production code paths from the environment.
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: SECRET,
      WS_MAX_CONNECTIONS_PER_PROVIDER: '20000',
      ...extra,
    },
    [
      '--expose-gc',
      ...(flag('profile') ? ['--cpu-prof', `--cpu-prof-dir=${path.join(__dirname, '.data', 'profiles')}`] : []),
      // --hub-heap 256: the hub's V8 old space capped as a container's NODE_OPTIONS would (default: V8 sizes it from the machine).
      ...(option('hub-heap', 0) > 0 ? [`--max-old-space-size=${option('hub-heap', 0)}`] : []),
    ],
  );

// ---------------------------------------------------------------- database

interface BenchDatabase {
  url: string;
  /** A further, empty database on the same server (migrated). */
  another(name: string): Promise<string>;
  close(): Promise<void>;
}

function migrate(url: string) {
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/migrate.ts'], {
    cwd: ROOT,
    // One role (the administrator's) serves and migrates the bench's databases: not the warning's business here.
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function openDatabase(): Promise<BenchDatabase> {
  const created: string[] = [];
  let adminUrl: string;
  let stopEmbedded = async () => undefined as unknown;
  let dir: string | undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-bench-'));
    fs.chmodSync(dir, 0o755); // reachable by the `postgres` OS user when we run as root
    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), database: 'carehub_bench' });
    adminUrl = db.adminUrl;
    stopEmbedded = db.stop;
  }
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const another = async (label: string) => {
    const name = `carehub_bench_${label}_${Date.now()}`;
    await admin(`create database "${name}"`);
    created.push(name);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    migrate(url.toString());
    return url.toString();
  };
  return {
    url: await another('main'),
    another,
    async close() {
      for (const name of created) await admin(`drop database if exists "${name}" with (force)`).catch(() => undefined);
      await stopEmbedded();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function load(url: string, spec: Parameters<typeof generate>[1]): Promise<DataSet> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  const started = Date.now();
  try {
    return await generate(pg, spec, (done) =>
      progress(`loading ${spec.tag}: ${done.toLocaleString('en')} / ${spec.patients.toLocaleString('en')} patients`),
    );
  } finally {
    await pg.end();
    progress(`loaded ${spec.patients.toLocaleString('en')} patients in ${((Date.now() - started) / 1000).toFixed(1)} s`, true);
  }
}

// ---------------------------------------------------------------- helpers

function progress(line: string, done = false) {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}${done ? '\n' : ''}`);
  else if (done) console.log(line);
}

const commandLine = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

async function loadTest(
  label: string,
  url: string,
  headers: Record<string, string>,
  body: string,
  connections: number,
  duration: number,
  /** Seconds before an unanswered request counts as a timeout (and fails the run): autocannon's 10 unless said. */
  timeout = 10,
): Promise<LoadResult> {
  progress(`${label}: ${connections} client(s), ${duration} s …`);
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections,
    duration,
    timeout,
  });
  if (result.non2xx || result.errors || result.timeouts) {
    const statuses = JSON.stringify((result as { statusCodeStats?: unknown }).statusCodeStats ?? {});
    throw new Error(`${label}: ${result.non2xx} non-2xx (${statuses}), ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const r = { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
  progress(`${label}: ${connections} client(s): ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`, true);
  return r;
}

// ---------------------------------------------------------------- measurements

/** The Dashboard answer in one canonical form: list shapes, dates and number types as the hub gives them. */
function normaliseDashboard(d: any) {
  const provider = (p: any) => p && { id: p.id, name: p.name, ...(p.discipline !== undefined && { discipline: p.discipline }) };
  const list = (x: any) => (Array.isArray(x) ? x : x.nodes);
  const instant = (t: string | null) => (t === null ? null : new Date(t).toISOString());
  return {
    totalCount: Number(d.patients.totalCount),
    patients: d.patients.edges.map(({ node: n }: any) => ({
      id: n.id,
      name: n.name,
      birthDate: String(n.birthDate).slice(0, 10),
      careTeam: list(n.careTeam).map((m: any) => ({ role: m.role, provider: provider(m.provider) })),
      activeCarePlan: n.activeCarePlan && {
        id: n.activeCarePlan.id,
        title: n.activeCarePlan.title,
        status: n.activeCarePlan.status,
        version: n.activeCarePlan.version,
        owner: provider(n.activeCarePlan.owner),
        goals: list(n.activeCarePlan.goals).map((g: any) => ({ id: g.id, description: g.description, status: g.status })),
        tasks: n.activeCarePlan.tasks.edges.map(({ node: t }: any) => ({
          id: t.id,
          title: t.title,
          kind: t.kind,
          priority: t.priority,
          status: t.status,
          dueAt: instant(t.dueAt),
          assignee: provider(t.assignee),
        })),
      },
    })),
  };
}

/** CPU time (user + system, ms) a process on this machine has used; null when /proc cannot tell (another host). */
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);
function cpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14 and 15 of stat)
  } catch {
    return null;
  }
}

/** CPU of the bench database's PostgreSQL backends, per pid (null when the server is not on this machine). */
async function backendsCpu(pg: Client): Promise<Map<number, number> | null> {
  const { rows } = await pg.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuMs(pid);
    if (ms === null) return null;
    cpu.set(pid, ms);
  }
  return cpu;
}

/**
 * On a busy shared machine, 50 clients queued at the slowest contender wait longer than autocannon's 10 s:
 * such answers count in the latencies instead of failing the run.
 */
const DASHBOARD_TIMEOUT = 60;

interface Contender {
  name: 'hub' | 'postgraphile' | 'floor';
  label: string;
  url: string;
  pid: number;
  headers: Record<string, string>;
  body: string;
}

interface RoundResult extends LoadResult {
  /** Server process CPU per request, ms. */
  cpuMs: number | null;
  /** The database's PostgreSQL backends' CPU per request, ms (all backends of the bench database, whose only load is this server's). */
  pgCpuMs: number | null;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const medianOrNull = (values: (number | null)[]) => (values.some((v) => v === null) ? null : median(values as number[]));

/**
 * The Dashboard query (first: 25) against the hub, PostGraphile and the raw-SQL
 * floor on the same database, in alternating rounds: for each client count,
 * `rounds` rounds, each running all three in turn (the order rotates by round),
 * so that a noisy neighbour on the shared machine hits all three alike. Ratios
 * are taken within a round and reported as the median over rounds.
 */
async function dashboardThreeWay(
  servers: { hub: Child & { url?: string }; postgraphile: Child & { url?: string }; floor: Child & { url?: string } },
  databaseUrl: string,
  token: string,
  data: DataSet,
) {
  const bearer = { authorization: `Bearer ${token}` };
  const contenders: Contender[] = [
    {
      name: 'hub',
      label: 'dashboard (hub)',
      url: servers.hub.url!,
      pid: servers.hub.process.pid!,
      headers: bearer,
      body: JSON.stringify({ query: DASHBOARD, variables: { first: 25 } }),
    },
    {
      name: 'postgraphile',
      label: 'dashboard (PostGraphile)',
      url: servers.postgraphile.url!,
      pid: servers.postgraphile.process.pid!,
      headers: bearer,
      body: JSON.stringify({ query: POSTGRAPHILE_DASHBOARD, variables: { first: 25 } }),
    },
    {
      name: 'floor',
      label: 'dashboard (raw-SQL floor)',
      url: servers.floor.url!,
      pid: servers.floor.process.pid!,
      headers: {},
      body: JSON.stringify({ providerId: data.benchProviderId, first: 25 }),
    },
  ];
  // Same data from all three, field for field, or the comparison means nothing.
  const answers = await Promise.all(
    contenders.map(async (c) => {
      const response = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json', ...c.headers }, body: c.body });
      const body = (await response.json()) as { data?: any; errors?: unknown };
      if (!response.ok || body.errors || !body.data)
        throw new Error(`${c.label}: ${response.status} ${JSON.stringify(body.errors ?? body)}`);
      return JSON.stringify(normaliseDashboard(body.data));
    }),
  );
  for (let i = 1; i < answers.length; i++) {
    if (answers[i] !== answers[0]) {
      const out = path.join(__dirname, '.data');
      fs.mkdirSync(out, { recursive: true });
      contenders.forEach((c, j) => fs.writeFileSync(path.join(out, `dashboard-${c.name}.json`), answers[j]));
      throw new Error(`${contenders[i].name} and the hub disagree on the dashboard data (answers in bench/.data/dashboard-*.json)`);
    }
  }
  const same = JSON.parse(answers[0]) as ReturnType<typeof normaliseDashboard>;
  const plans = same.patients.filter((p: any) => p.activeCarePlan).map((p: any) => p.activeCarePlan);
  const identical = {
    totalCount: same.totalCount,
    patients: same.patients.length,
    teamMembers: same.patients.reduce((n: number, p: any) => n + p.careTeam.length, 0),
    plans: plans.length,
    goals: plans.reduce((n: number, c: any) => n + c.goals.length, 0),
    tasks: plans.reduce((n: number, c: any) => n + c.tasks.length, 0),
  };
  progress(`dashboard: the hub, PostGraphile and the floor give identical answers (${JSON.stringify(identical)})`, true);

  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const measure = async (c: Contender, connections: number): Promise<RoundResult> => {
    const cpuBefore = cpuMs(c.pid);
    const pgBefore = await backendsCpu(pg);
    const r = await loadTest(c.label, c.url, c.headers, c.body, connections, settings.duration, DASHBOARD_TIMEOUT);
    const cpuAfter = cpuMs(c.pid);
    const pgAfter = await backendsCpu(pg);
    let pgCpu: number | null = null;
    if (pgBefore && pgAfter) {
      // Backends that started during the round count from zero; those that ended during it are lost (idle ones, of the others' pools).
      pgCpu = 0;
      for (const [pid, ms] of pgAfter) pgCpu += ms - (pgBefore.get(pid) ?? 0);
    }
    return {
      ...r,
      cpuMs: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / r.requests,
      pgCpuMs: pgCpu === null ? null : pgCpu / r.requests,
    };
  };
  const rows = [];
  try {
    for (const connections of settings.concurrency) {
      const warm = Math.max(1, Math.round(settings.duration / 5));
      for (const c of contenders) await loadTest('warm-up', c.url, c.headers, c.body, connections, warm, DASHBOARD_TIMEOUT);
      const rounds: Record<Contender['name'], RoundResult>[] = [];
      for (let round = 0; round < settings.dashboardRounds; round++) {
        const results = {} as Record<Contender['name'], RoundResult>;
        for (let k = 0; k < contenders.length; k++) {
          const c = contenders[(round + k) % contenders.length];
          results[c.name] = await measure(c, connections);
        }
        rounds.push(results);
      }
      const summary = (name: Contender['name']) => ({
        rps: median(rounds.map((r) => r[name].rps)),
        p50: median(rounds.map((r) => r[name].p50)),
        p99: median(rounds.map((r) => r[name].p99)),
        requests: rounds.reduce((n, r) => n + r[name].requests, 0),
        cpuMs: medianOrNull(rounds.map((r) => r[name].cpuMs)),
        pgCpuMs: medianOrNull(rounds.map((r) => r[name].pgCpuMs)),
      });
      const row = {
        connections,
        hub: summary('hub'),
        postgraphile: summary('postgraphile'),
        floor: summary('floor'),
        /** Medians of the per-round throughput ratios. */
        hubVsPostGraphile: median(rounds.map((r) => r.hub.rps / r.postgraphile.rps)),
        ratio: median(rounds.map((r) => r.hub.rps / r.floor.rps)),
        postGraphileVsFloor: median(rounds.map((r) => r.postgraphile.rps / r.floor.rps)),
        rounds,
      };
      rows.push(row);
      progress(
        `${connections} client(s), median of ${rounds.length} round(s): hub / PostGraphile ${row.hubVsPostGraphile.toFixed(2)}, ` +
          `hub / floor ${row.ratio.toFixed(2)}, PostGraphile / floor ${row.postGraphileVsFloor.toFixed(2)}`,
        true,
      );
    }
  } finally {
    await pg.end();
  }
  return {
    patientsShown: same.patients.length,
    patientsOnTeam: same.totalCount,
    identical,
    postgraphile: POSTGRAPHILE_VERSION,
    // Here, not only in settings: an --only run's section keeps the settings of the full run it is merged into.
    rounds: settings.dashboardRounds,
    duration: settings.duration,
    rows,
  };
}

async function statementsPerRequest(databaseUrl: string, token: string) {
  const hub = await startHub(databaseUrl, { BENCH_COUNT_STATEMENTS: '1' });
  try {
    await graphql(hub.url!, token, DASHBOARD, { first: 5 }); // first request: metadata, pools
    const rows = [];
    for (const first of settings.pageSizes) {
      await hub.request({ cmd: 'count-reset' });
      const data = await graphql(hub.url!, token, DASHBOARD, { first });
      const { statements } = await hub.request<HubStats>({ cmd: 'stats' });
      rows.push({ first, patients: data.patients.edges.length, statements });
      progress(`statements per dashboard request, first: ${first}: ${statements}`, true);
    }
    return rows;
  } finally {
    await hub.stop();
  }
}

async function mutationThroughput(hubUrl: string, token: string, data: DataSet) {
  const clients = 10;
  const tasks = data.benchTaskIds;
  const run = async (
    label: string,
    step: (taskId: string, state: { version: number; status: string }) => Promise<{ version: number; status: string }>,
  ) => {
    // Each client works its own share of tasks (different patients), as a ward's nurses would.
    const state = new Map<string, { version: number; status: string }>();
    for (const id of tasks) {
      const { node } = await graphql(hubUrl, token, 'query($id: ID!) { node(id: $id) { ... on Task { version status } } }', { id });
      state.set(id, node);
    }
    let done = 0;
    const deadline = Date.now() + settings.duration * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const mine = tasks.filter((_, i) => i % clients === c);
        for (let i = 0; Date.now() < deadline; i++) {
          const id = mine[i % mine.length];
          state.set(id, await step(id, state.get(id)!));
          done++;
        }
      }),
    );
    const perSecond = done / ((Date.now() - started) / 1000);
    progress(`${label}: ${perSecond.toFixed(0)} /s at ${clients} clients`, true);
    return perSecond;
  };
  const transitionTask = await run('transitionTask', async (id, { version, status }) => {
    const to = status === 'IN_PROGRESS' ? 'ON_HOLD' : 'IN_PROGRESS';
    const { transitionTask: t } = await graphql(
      hubUrl,
      token,
      'mutation($input: TransitionTaskInput!) { transitionTask(input: $input) { version status } }',
      { input: { id, expectedVersion: version, to } },
    );
    return t;
  });
  const addTaskNote = await run('addTaskNote', async (id, s) => {
    await graphql(hubUrl, token, 'mutation($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }', {
      input: { taskId: id, text: 'Checked in by phone; doing well.' },
    });
    return s;
  });
  return { clients, transitionTask, addTaskNote };
}

async function fanout(hub: Child & { url?: string }, databaseUrl: string, data: DataSet) {
  const patientId = data.benchPatientIds[0];
  const taskId = data.benchTaskIds[0];
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const { rows: team } = await pg.query('select provider_id from care_team_member where patient_id = $1 and ended_at is null', [patientId]);
  const tokens = await Promise.all(team.map((r) => signToken(SECRET, { sub: r.provider_id })));
  const benchToken = await signToken(SECRET, { sub: data.benchProviderId });
  const clients = await child('fanout-clients.ts', {}, ['--max-old-space-size=4096']);
  const wsUrl = hub.url!.replace(/^http/, 'ws');
  const rows = [];
  try {
    for (const n of settings.fanout) {
      const before = await hub.request<HubStats>({ cmd: 'stats' });
      progress(`fan-out: opening ${n.toLocaleString('en')} dashboards …`);
      const opened = await clients.request<{ opened: number; failures: number }>({ cmd: 'open', url: wsUrl, tokens, n, patientId });
      if (opened.failures) throw new Error(`fan-out: ${opened.failures} subscriptions failed`);
      let idle = await hub.request<HubStats>({ cmd: 'stats' });
      for (let i = 0; idle.subscriptions < n && i < 600; i++) {
        await sleep(200);
        idle = await hub.request<HubStats>({ cmd: 'stats' });
      }
      if (idle.subscriptions < n) throw new Error(`fan-out: only ${idle.subscriptions} of ${n} subscriptions started`);
      const latencies: number[] = [];
      for (let round = 0; round < settings.fanoutRounds; round++) {
        const {
          rows: [{ s }],
        } = await pg.query('select last_event_sequence as s from patient where id = $1', [patientId]);
        const sentAt = process.hrtime.bigint();
        const arrived = clients.request<{ latenciesMs: number[] }>({ cmd: 'expect', sequence: Number(s) + 1, sentAt: String(sentAt) });
        await graphql(hub.url!, benchToken, 'mutation($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }', {
          input: { taskId, text: `Round ${round}` },
        });
        latencies.push(...(await arrived).latenciesMs);
        await sleep(200);
      }
      latencies.sort((a, b) => a - b);
      const row = {
        subscribers: n,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1)!,
        bytesPerSubscription: (idle.memory.rss - before.memory.rss) / n,
        heapBytesPerSubscription: (idle.memory.heapUsed + idle.memory.external - before.memory.heapUsed - before.memory.external) / n,
      };
      rows.push(row);
      progress(
        `fan-out to ${n.toLocaleString('en')}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, max ${row.max.toFixed(1)} ms, ` +
          `${(row.bytesPerSubscription / 1024).toFixed(1)} KB RSS per idle subscription`,
        true,
      );
      await clients.request({ cmd: 'close' });
      for (let i = 0; i < 100 && (await hub.request<HubStats>({ cmd: 'stats' })).subscriptions > 0; i++) await sleep(100);
    }
  } finally {
    await clients.stop();
    await pg.end();
  }
  return rows;
}

async function growth(db: BenchDatabase) {
  const url = await db.another('growth');
  const small = await load(url, { tag: 'g1k', patients: 1000, providers: 100, benchPatients: 100 });
  const token = await signToken(SECRET, { sub: small.benchProviderId });
  const body = JSON.stringify({ query: DASHBOARD, variables: { first: 25 } });
  const measure = async () => {
    const hub = await startHub(url);
    try {
      await loadTest('warm-up', hub.url!, { authorization: `Bearer ${token}` }, body, 10, 3);
      return (await loadTest('dashboard', hub.url!, { authorization: `Bearer ${token}` }, body, 10, settings.duration)).p50;
    } finally {
      await hub.stop();
    }
  };
  const at1k = await measure();
  await load(url, { tag: 'g99k', patients: 99_000, providers: 9900, benchPatients: 0 });
  const at100k = await measure();
  return { at1k, at100k, ratio: at100k / at1k };
}

/**
 * Issue 19's bad-input run against a hub of its own: the compiled server
 * (dist/, built first when stale), as production runs it. Rate limits are
 * off so that every bad request reaches the parsers instead of a 429.
 */
async function badInputRun(databaseUrl: string, token: string) {
  if (buildIfStale()) progress('compiled dist/ for the bad-input run', true);
  const hub = await startHub(databaseUrl, { BENCH_HUB_DIST: '1', RATE_LIMIT_AUTH_FAILURES: '0' });
  const bystander = await child('bystander.ts', {});
  try {
    const result = await badInput({
      hub: { url: hub.url!, request: (m) => hub.request(m), alive: hub.alive },
      bystander,
      token,
      bystanderBody: JSON.stringify({ query: DASHBOARD, variables: { first: 5 } }),
      requests: settings.badInput,
      senders: 32,
      progress,
    });
    return { when: new Date().toISOString(), command: commandLine, ...result };
  } finally {
    await bystander.stop();
    await hub.stop();
  }
}

// ---------------------------------------------------------------- report

interface Measured {
  when: string;
  machine: string;
  command: string;
  database: string;
  settings: typeof settings;
  dashboard: Awaited<ReturnType<typeof dashboardThreeWay>> | null;
  statements: Awaited<ReturnType<typeof statementsPerRequest>> | null;
  mutations: Awaited<ReturnType<typeof mutationThroughput>> | null;
  fanout: Awaited<ReturnType<typeof fanout>> | null;
  growth: Awaited<ReturnType<typeof growth>> | null;
  monitoring: Awaited<ReturnType<typeof monitoring>> | null;
  badInput: Awaited<ReturnType<typeof badInputRun>> | null;
  startup: Awaited<ReturnType<typeof startup>> | null;
  buses?: Awaited<ReturnType<typeof busComparison>> | null;
  /** Runs with --only whose sections replaced those of the full run above. */
  partialRuns?: { when: string; command: string; sections: string[] }[];
}
interface Target {
  target: string;
  measured: string;
  ok: boolean;
}
type Results = Measured & { targets: Target[] };

const verdict = (ok: boolean) => (ok ? 'pass' : '**short**');

function report(r: Results): string {
  const lines: string[] = [];
  const skipped = '_Not measured in this run._';
  lines.push('# Benchmark results', '');
  lines.push(
    `${r.when} · ${r.machine} · ${r.database} · ${r.settings.patients.toLocaleString('en')} patients, ` +
      `${r.settings.providers} providers${r.dashboard ? `; the dashboard user is on ${r.dashboard.patientsOnTeam} patients' teams, page of ${r.dashboard.patientsShown}` : ''}. ` +
      `Reproduce: \`${r.command}\`.`,
    '',
  );
  for (const run of r.partialRuns ?? []) lines.push(`Updated ${run.when} by \`${run.command}\`: ${run.sections.join(', ')}.`, '');
  lines.push('## Dashboard query (first: 25): the hub, PostGraphile and the raw-SQL floor', '');
  if (r.dashboard) lines.push(...dashboardReport(r.dashboard));
  else lines.push(skipped);
  lines.push('', '## SQL statements per dashboard request', '');
  if (r.statements) {
    lines.push('| first | patients | statements |', '|---:|---:|---:|');
    for (const x of r.statements) lines.push(`| ${x.first} | ${x.patients} | ${x.statements} |`);
  } else lines.push(skipped);
  lines.push('', '## Mutations (10 clients; each writes its event and audit record)', '');
  if (r.mutations) {
    lines.push('| mutation | per second |', '|---|---:|');
    lines.push(`| transitionTask | ${r.mutations.transitionTask.toFixed(0)} |`, `| addTaskNote | ${r.mutations.addTaskNote.toFixed(0)} |`);
  } else lines.push(skipped);
  lines.push('', '## Subscription fan-out (one change, N dashboards on one patient, clients in another process)', '');
  if (r.fanout) {
    lines.push('| subscribers | p50 ms | p99 ms | max ms | RSS per idle subscription | heap per idle subscription |');
    lines.push('|---:|---:|---:|---:|---:|---:|');
    for (const x of r.fanout) {
      lines.push(
        `| ${x.subscribers.toLocaleString('en')} | ${x.p50.toFixed(1)} | ${x.p99.toFixed(1)} | ${x.max.toFixed(1)} | ` +
          `${(x.bytesPerSubscription / 1024).toFixed(1)} KB | ${(x.heapBytesPerSubscription / 1024).toFixed(1)} KB |`,
      );
    }
  } else lines.push(skipped);
  lines.push(...monitoringReport(r.monitoring));
  lines.push(...badInputReport(r.badInput));
  lines.push(...startupReport(r.startup));
  lines.push(...busesReport(r.buses));
  lines.push('', '## Growth', '');
  lines.push(
    r.growth
      ? `Dashboard p50 (10 clients): ${r.growth.at1k} ms at 1,000 patients, ${r.growth.at100k} ms at 100,000 (×${r.growth.ratio.toFixed(2)}).`
      : '_Not measured in this run (`--growth`)._',
  );
  lines.push('', '## Targets', '', '| target | measured | |', '|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${verdict(t.ok)} |`);
  return `${lines.join('\n')}\n`;
}

function dashboardReport(d: NonNullable<Measured['dashboard']>): string[] {
  const lines: string[] = [];
  const x = d.identical;
  lines.push(
    `PostGraphile ${d.postgraphile} (amber preset, node:http, HS256 token check) and the bare floor (bench/floor.ts: one SQL ` +
      `statement, no GraphQL, no token check, no audit) on the hub's database; all three answers normalised and identical: ` +
      `totalCount ${x.totalCount}, ${x.patients} patients, ${x.teamMembers} team members, ${x.plans} plans, ${x.goals} goals, ` +
      `${x.tasks} tasks. ${d.rounds} alternating round(s) of ${d.duration} s per client count, the three in turn; ` +
      'ratios are medians of the per-round throughput ratios, the other figures medians over rounds.',
    '',
  );
  const clients = d.rows.map((row) => row.connections);
  lines.push(`| median of per-round ratios | ${clients.map((c) => `${c} client${c === 1 ? '' : 's'}`).join(' | ')} |`);
  lines.push(`|---|${clients.map(() => '---:').join('|')}|`);
  const ratio = (label: string, pick: (row: (typeof d.rows)[number]) => number) =>
    lines.push(`| ${label} | ${d.rows.map((row) => `${pick(row).toFixed(2)}×`).join(' | ')} |`);
  ratio('hub / PostGraphile', (row) => row.hubVsPostGraphile);
  ratio('hub / floor', (row) => row.ratio);
  ratio('PostGraphile / floor', (row) => row.postGraphileVsFloor);
  const ms = (v: number | null) => (v === null ? '–' : v.toFixed(1));
  lines.push('', '| clients | server | req/s | p50 / p99 ms | CPU ms per request: server / PostgreSQL |', '|---:|---|---:|---:|---:|');
  for (const row of d.rows) {
    for (const [name, m] of [
      ['hub', row.hub],
      ['PostGraphile', row.postgraphile],
      ['floor', row.floor],
    ] as const) {
      lines.push(`| ${row.connections} | ${name} | ${m.rps.toFixed(0)} | ${m.p50} / ${m.p99} | ${ms(m.cpuMs)} / ${ms(m.pgCpuMs)} |`);
    }
  }
  lines.push(
    '',
    "CPU per request: user + system time of the server process, and of all the bench database's PostgreSQL backends " +
      "(during a round only that server loads them), from /proc, divided by the round's requests.",
  );
  return lines;
}

function targets(r: Measured): Target[] {
  const t: Target[] = [];
  if (r.dashboard) {
    const rows = r.dashboard.rows;
    const clients = rows.map((x) => x.connections).join(', ');
    const versus = Math.min(...rows.map((x) => x.hubVsPostGraphile));
    t.push({
      target: `dashboard throughput ≥ 1.0× PostGraphile at ${clients} clients`,
      measured: rows.map((x) => `${x.hubVsPostGraphile.toFixed(2)}×`).join(' / '),
      ok: versus >= 1,
    });
    const ratio = Math.min(...rows.map((x) => x.ratio));
    t.push({
      target: `dashboard throughput ≥ 0.5× raw-SQL floor at ${clients} clients`,
      measured: rows.map((x) => `${x.ratio.toFixed(2)}×`).join(' / '),
      ok: ratio >= 0.5,
    });
    const at50 = rows.find((x) => x.connections === 50);
    if (at50) {
      t.push({
        target: "dashboard p99 at 50 clients no worse than the floor's",
        measured: `${at50.hub.p99} ms (floor ${at50.floor.p99} ms)`,
        ok: at50.hub.p99 <= at50.floor.p99,
      });
      t.push({ target: 'dashboard p99 ≤ 50 ms at 50 clients', measured: `${at50.hub.p99} ms`, ok: at50.hub.p99 <= 50 });
    }
  }
  if (r.statements) {
    const counts = r.statements.map((x) => x.statements);
    t.push({
      target: 'statements per request constant in page size, ≤ 8',
      measured: counts.join(' / '),
      ok: new Set(counts).size === 1 && counts[0] <= 8,
    });
  }
  if (r.fanout) {
    for (const [n, limit] of [
      [1000, 50],
      [10000, 250],
    ] as const) {
      const row = r.fanout.find((x) => x.subscribers === n);
      if (row)
        t.push({
          target: `fan-out to ${n.toLocaleString('en')}: p99 ≤ ${limit} ms`,
          measured: `${row.p99.toFixed(1)} ms`,
          ok: row.p99 <= limit,
        });
    }
    const largest = r.fanout.at(-1);
    if (largest) {
      t.push({
        target: '≤ 30 KB per idle subscription',
        measured: `${(largest.bytesPerSubscription / 1024).toFixed(1)} KB RSS at ${largest.subscribers.toLocaleString('en')}`,
        ok: largest.bytesPerSubscription <= 30 * 1024,
      });
    }
  }
  if (r.growth)
    t.push({
      target: 'dashboard p50 grows ≤ 1.2× from 1k to 100k patients',
      measured: `×${r.growth.ratio.toFixed(2)}`,
      ok: r.growth.ratio <= 1.2,
    });
  if (r.badInput) t.push(...badInputTargets(r.badInput));
  t.push(...startupTargets(r.startup));
  return t;
}

async function measureAll(): Promise<Results> {
  // First, while nothing else runs: the bench's own database and load would slow the starts down.
  const startupRows = settings.startup
    ? await startup({ runs: settings.startupRuns, databaseUrl: process.env.DATABASE_URL, progress })
    : null;
  const header = {
    when: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    command: commandLine,
    database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL',
    settings,
  };
  if (!DATA_SECTIONS.some(only) && !settings.growth && !settings.badInput && !settings.buses.length) {
    const nothingElse = {
      dashboard: null,
      statements: null,
      mutations: null,
      fanout: null,
      growth: null,
      monitoring: null,
      badInput: null,
    };
    const partial: Measured = { ...header, ...nothingElse, startup: startupRows };
    return { ...partial, targets: targets(partial) };
  }
  const db = await openDatabase();
  try {
    const data = await load(db.url, {
      tag: 'main',
      patients: settings.patients,
      providers: settings.providers,
      benchPatients: settings.benchPatients,
    });
    const token = await signToken(SECRET, { sub: data.benchProviderId });
    const statements = only('statements') ? await statementsPerRequest(db.url, token) : null;
    const bad = settings.badInput ? await badInputRun(db.url, token) : null;
    // The compiled server, as `npm start` runs it in production (no ts-node, no source-map hook on every stack).
    if (buildIfStale()) progress('compiled dist/ for the hub', true);
    const hub = await startHub(db.url, { BENCH_HUB_DIST: '1' });
    let dashboard: Measured['dashboard'] = null,
      mutations: Measured['mutations'] = null,
      fan: Measured['fanout'] = null,
      mon: Measured['monitoring'] = null;
    try {
      if (only('dashboard')) {
        const floor = await child('floor.ts', { DATABASE_URL: db.url });
        const started = Date.now();
        const postgraphile = await child('postgraphile.ts', {
          DATABASE_URL: db.url,
          JWT_SECRET: SECRET,
          NODE_ENV: 'production',
          GRAPHILE_ENV: 'production',
        }).catch(async (err) => {
          await floor.stop();
          throw err;
        });
        progress(`PostGraphile ${POSTGRAPHILE_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`, true);
        try {
          dashboard = await dashboardThreeWay({ hub, postgraphile, floor }, db.url, token, data);
        } finally {
          await postgraphile.stop();
          await floor.stop();
        }
      }
      if (only('mutations')) mutations = await mutationThroughput(hub.url!, token, data);
      if (only('fanout')) fan = await fanout(hub, db.url, data);
      if (only('monitoring')) {
        mon = await monitoring({
          hubUrl: hub.url!,
          databaseUrl: db.url,
          token,
          data,
          duration: settings.duration,
          samples: smoke ? 5 : 50,
          dashboards: () => child('fanout-clients.ts', {}),
          progress,
        });
      }
    } finally {
      await hub.stop();
    }
    const growthResult = settings.growth ? await growth(db) : null;
    const buses = settings.buses.length
      ? await busComparison({
          databaseUrl: db.url,
          data,
          secret: SECRET,
          buses: settings.buses,
          subscribers: settings.busSubscribers,
          rounds: settings.fanoutRounds,
          duration: settings.duration,
          startHub,
          dashboards: () => child('fanout-clients.ts', {}, ['--max-old-space-size=4096']),
          progress,
        })
      : null;
    const partial: Measured = {
      ...header,
      dashboard,
      statements,
      mutations,
      fanout: fan,
      growth: growthResult,
      monitoring: mon,
      badInput: bad,
      startup: startupRows,
      buses,
    };
    return { ...partial, targets: targets(partial) };
  } finally {
    await db.close();
  }
}

const SECTIONS = ['dashboard', 'statements', 'mutations', 'fanout', 'growth', 'monitoring', 'badInput', 'startup', 'buses'] as const;

/** The committed results with the sections this --only run measured put in place of theirs. */
function merged(run: Results): Results {
  const file = path.join(__dirname, 'results.json');
  if (!fs.existsSync(file)) return run;
  const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
  const sections = SECTIONS.filter((s) => run[s] !== null);
  const result: Measured = {
    ...previous,
    partialRuns: [...(previous.partialRuns ?? []), { when: run.when, command: run.command, sections }],
  };
  for (const s of SECTIONS) (result as unknown as Record<string, unknown>)[s] = run[s] ?? previous[s] ?? null;
  return { ...result, targets: targets(result) };
}

async function main() {
  if (flag('report')) {
    // bench/results.md written anew from results.json as it is, after a change to the report's layout: nothing measured.
    const results = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8')) as Results;
    fs.writeFileSync(path.join(__dirname, 'results.md'), report(results));
    console.log('Written bench/results.md from bench/results.json.');
    return;
  }
  const started = Date.now();
  const measured = await measureAll();
  // A full run replaces the committed results; an --only run replaces just its sections in them; a smoke run neither.
  const results = onlyList && !smoke ? merged(measured) : measured;
  const markdown = report(results);
  const out = smoke ? path.join(__dirname, '.data') : __dirname;
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'results.md'), markdown);
  fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${markdown}`);
  console.log(
    `Written to ${path.relative(ROOT, path.join(out, 'results.md'))} and results.json in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
