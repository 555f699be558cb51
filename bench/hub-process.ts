import 'reflect-metadata';
import path from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/**
 * The hub as the benchmark runs it: its own process (so the load generator
 * does not share its event loop), production settings, and an IPC channel
 * through which the bench asks for statement counts and memory.
 *
 * BENCH_COUNT_STATEMENTS=1 turns on MikroORM's query logging to count SQL
 * statements; it costs time, so throughput is measured without it.
 * BENCH_HUB_DIST=1 runs the compiled server from dist/ (`npm run build`), as
 * production does, instead of the sources under ts-node.
 */
export type HubRequest = { cmd: 'count-reset' } | { cmd: 'stats' } | { cmd: 'memory' };
export interface HubStats {
  statements: number;
  subscriptions: number;
  memory: NodeJS.MemoryUsage;
  /** The hub process's CPU time so far (µs), load-robust where wall-clock times are not. */
  cpu: NodeJS.CpuUsage;
  /** Garbage collections so far: full (mark-compact) and young (scavenge), how many and their pauses in ms. */
  gc: { full: { count: number; ms: number }; young: { count: number; ms: number } };
}

const gc: HubStats['gc'] = { full: { count: 0, ms: 0 }, young: { count: 0, ms: 0 } };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    const into = kind === constants.NODE_PERFORMANCE_GC_MAJOR ? gc.full : kind === constants.NODE_PERFORMANCE_GC_MINOR ? gc.young : null;
    if (into) {
      into.count++;
      into.ms += entry.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

const dist = process.env.BENCH_HUB_DIST === '1';
const from = path.join(__dirname, '..', dist ? 'dist' : 'src');
// This file runs under ts-node, whose source-map-support maps every Error's stack; the compiled server
// under `npm start` has no such hook, and errors are the bad-input run's daily bread: V8's own, as in production.
if (dist) delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- which tree to load is decided at run time
const load = <T>(module: string): T => require(path.join(from, module)) as T;
const { loadConfig } = load<typeof import('../src/core/config')>('core/config');
const { createTokenVerifier } = load<typeof import('../src/auth/tokens')>('auth/tokens');
const { initOrm } = load<typeof import('../src/app/orm')>('app/orm');
const { createLogger } = load<typeof import('../src/core/logger')>('core/logger');
const { createServer } = load<typeof import('../src/app/server')>('app/server');

async function main() {
  // One bench token sends thousands of requests a minute: the per-client request limit would answer 429.
  const config = { ...loadConfig({ RATE_LIMIT_REQUESTS: '0', ...process.env, LOG_LEVEL: 'warn' }), port: 0 };
  let statements = 0;
  const counting = process.env.BENCH_COUNT_STATEMENTS === '1';
  const orm = await initOrm({
    clientUrl: config.databaseUrl!,
    poolMax: config.dbPoolMax,
    onQuery: counting ? (message) => void (message.startsWith('[query]') && statements++) : undefined,
  });
  const server = await createServer({
    config,
    orm,
    verifier: createTokenVerifier(config, config.jwt.secret),
    logger: createLogger('warn'),
  });

  process.on('message', (request: HubRequest) => {
    if (request.cmd === 'count-reset') {
      statements = 0;
      process.send!({ ok: true });
    } else if (request.cmd === 'stats') {
      // Two collections: the second sweeps what the first's finalisers released.
      global.gc?.();
      global.gc?.();
      const stats: HubStats = { statements, subscriptions: server.feed.size, memory: process.memoryUsage(), cpu: process.cpuUsage(), gc };
      process.send!(stats);
    } else if (request.cmd === 'memory') {
      // A sample while load runs: no collection, memory as it is.
      const stats: HubStats = { statements, subscriptions: server.feed.size, memory: process.memoryUsage(), cpu: process.cpuUsage(), gc };
      process.send!(stats);
    }
  });
  process.on('disconnect', async () => {
    await server.close();
    await orm.close(true);
    process.exit(0);
  });
  process.send!({ ready: true, url: server.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
