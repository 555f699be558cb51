import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import { Pool } from 'pg';
import type { Config } from '../core/config';
import type { Contexts } from '../core/context';
import { describeError, type Logger } from '../core/logger';
import { SCHEDULER } from '../core/module';
import { MODULES } from './modules';

/**
 * The hub's scheduled work (a missed check-in is noticed when it comes due)
 * runs on graphile-worker: jobs are rows in PostgreSQL (schema
 * `graphile_worker`), added in the same transaction as the change that
 * schedules them, locked by one instance at a time, retried on failure, and
 * still there after a restart. Every instance runs a worker; a job runs once.
 */

/** Installs or upgrades the job queue's schema over `pool`, the owner's (with the migrations: app/database.ts). */
export async function installJobQueue(pool: Pool, logger: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: workerLogger(logger) });
}

/** This instance's job worker: `stop()` lets the job in progress finish, then closes its connections. */
export interface Jobs {
  stop(): Promise<void>;
}

/** Starts this instance's worker over the modules' jobs; null when JOBS_CONCURRENCY is 0. */
export async function startJobs(options: {
  connectionString: string;
  config: Config;
  contexts: Contexts;
  logger: Logger;
}): Promise<Jobs | null> {
  const { config, contexts, logger } = options;
  if (config.jobs.concurrency <= 0) return null;
  const taskList: TaskList = {};
  for (const module of MODULES) {
    for (const [name, job] of Object.entries(module.jobs ?? {})) {
      taskList[name] = async (payload, helpers) => {
        try {
          await job(contexts.create({ ...SCHEDULER }, `job-${helpers.job.id}`), payload);
        } catch (err) {
          // Class and code only: a driver's message would carry the statement's values. The queue retries it.
          logger.error({ ...describeError(err), jobs: name, jobId: helpers.job.id, attempt: helpers.job.attempts }, 'scheduled job failed');
          throw err;
        }
      };
    }
  }
  const pool = jobPool(options.connectionString, config.jobs.concurrency + 1, logger);
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency: config.jobs.concurrency,
      pollInterval: config.jobs.pollIntervalMs,
      noHandleSignals: true,
      logger: workerLogger(logger),
      taskList,
    });
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}

/**
 * Connections for the job queue (the worker's; the owner's at start-up,
 * app/database.ts), ended by us and awaited: graphile-worker ends a pool it
 * made without waiting, after removing its error handlers, so a connection
 * closing late (the embedded PostgreSQL stopping next) would crash the
 * process. These handlers stay for the pool's whole life.
 */
export function jobPool(connectionString: string, max: number, logger: Logger): Pool {
  const pool = new Pool({ connectionString, max });
  pool.on('error', (err) => logger.warn(describeError(err), 'job queue: an idle connection failed'));
  pool.on('connect', (client) => client.on('error', (err) => logger.warn(describeError(err), 'job queue: a connection failed')));
  return pool;
}

/**
 * graphile-worker's log lines into ours. A line about one job may quote the
 * job's error (and so a statement's values): its text is left out, the job
 * wrapper above logged the error's class already; the queue's own lines
 * (connections, migrations) keep theirs.
 */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message) => {
    const line = { jobs: scope.taskIdentifier ?? scope.label ?? 'worker', jobId: scope.jobId };
    const text = scope.jobId ? `job queue: ${level}` : message;
    if (level === 'error') logger.error(line, text);
    else if (level === 'warning') logger.warn(line, text);
    else logger.debug(line, text);
  });
}
