/**
 * Start-up time, as an operator sees it: the compiled server started the way
 * `npm start` starts it (`node scripts/start.js`; dist/ is built before the
 * first run, so no run compiles), timed from spawn to `GET /readyz`
 * answering 200, polled every 10 ms. The first start of a database is cold
 * (embedded: initdb, migrations, demo data; DATABASE_URL: migrations) and is
 * reported apart; the runs after it are warm starts against the same data.
 *
 * Embedded: a fresh DATA_DIR in a temporary folder, development settings as
 * `npm start` has them. DATABASE_URL (when set): a new database on that
 * server, production settings, dropped at the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { startCommand, freePort } from '../test/support/process';
import { percentile } from './common';

const ROOT = path.resolve(__dirname, '..');
/** The target: a warm start is ready within 1.5 s. */
export const STARTUP_TARGET_MS = 1500;

export interface StartupRow {
  database: 'embedded PostgreSQL' | 'DATABASE_URL';
  /** The first start on this data (cold), ms. */
  first: number;
  /** Warm starts, ms, in the order run. */
  warm: number[];
  median: number;
  min: number;
  max: number;
}

/** Starts the server once and resolves with the ms from spawn to /readyz 200; stops it (SIGTERM) and checks it exits 0. */
async function timeOneStart(env: Record<string, string>, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, startCommand(ROOT), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let ms: number | undefined;
  try {
    while (ms === undefined) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready:\n${output}`);
      if (performance.now() - started > 120_000) throw new Error(`the server was not ready within 120 s:\n${output}`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) ms = performance.now() - started;
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) throw new Error(`the server exited with ${code} on SIGTERM:\n${output.split('\n').slice(-15).join('\n')}`);
  return ms;
}

async function series(
  database: StartupRow['database'],
  env: Record<string, string>,
  runs: number,
  progress: (line: string, done?: boolean) => void,
): Promise<StartupRow> {
  const port = await freePort();
  progress(`start-up (${database}): first start …`);
  const first = await timeOneStart(env, port);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`start-up (${database}): warm start ${i + 1} / ${runs} …`);
    warm.push(await timeOneStart(env, port));
  }
  const sorted = [...warm].sort((a, b) => a - b);
  const row = { database, first, warm, median: percentile(sorted, 50), min: sorted[0], max: sorted.at(-1)! };
  progress(
    `start-up (${database}): first ${row.first.toFixed(0)} ms; warm median ${row.median.toFixed(0)} ms ` +
      `(min ${row.min.toFixed(0)}, max ${row.max.toFixed(0)}) over ${runs}`,
    true,
  );
  return row;
}

/** Times `runs` warm starts against an embedded DATA_DIR, and against DATABASE_URL when it is set. */
export async function startup({
  runs,
  databaseUrl,
  progress,
}: {
  runs: number;
  databaseUrl?: string;
  progress: (line: string, done?: boolean) => void;
}): Promise<StartupRow[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/build.js is plain CommonJS, run by node too
  (require('../scripts/build') as { buildIfStale(): boolean }).buildIfStale();
  const rows: StartupRow[] = [];

  // A folder the `postgres` OS user can reach when we run as root.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-bench-startup-'));
  fs.chmodSync(dataDir, 0o755);
  try {
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    rows.push(await series('embedded PostgreSQL', env, runs, progress));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  if (databaseUrl) {
    const name = `carehub_bench_startup_${Date.now()}`;
    const admin = async (sql: string) => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`create database "${name}"`);
    try {
      const url = new URL(databaseUrl);
      url.pathname = `/${name}`;
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: url.toString(),
        JWT_SECRET: 'bench-secret-that-is-at-least-32-characters',
        LOG_LEVEL: 'warn',
      };
      rows.push(await series('DATABASE_URL', env, runs, progress));
    } finally {
      await admin(`drop database if exists "${name}" with (force)`);
    }
  }
  return rows;
}

/** The section of bench/results.md. */
export function startupReport(rows: StartupRow[] | null | undefined): string[] {
  const lines = ['', '## Start-up (compiled server, spawn → /readyz 200)', ''];
  if (!rows) return [...lines, '_Not measured in this run (`--startup`)._'];
  lines.push(
    `Each start runs \`node scripts/start.js\` (what \`npm start\` runs, without npm itself) and polls /readyz every 10 ms. ` +
      `The first start of the data is cold; the warm starts follow it on the same data.`,
    '',
    '| database | first start ms | warm starts | warm median ms | min ms | max ms |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    lines.push(
      `| ${r.database} | ${r.first.toFixed(0)} | ${r.warm.length} | ${r.median.toFixed(0)} | ${r.min.toFixed(0)} | ${r.max.toFixed(0)} |`,
    );
  }
  return lines;
}

/** One target per database: the warm median within 1.5 s. */
export function startupTargets(rows: StartupRow[] | null | undefined) {
  return (rows ?? []).map((r) => ({
    target: `warm start to ready ≤ ${(STARTUP_TARGET_MS / 1000).toFixed(1)} s (${r.database})`,
    measured: `${(r.median / 1000).toFixed(2)} s median (max ${(r.max / 1000).toFixed(2)} s)`,
    ok: r.median <= STARTUP_TARGET_MS,
  }));
}
