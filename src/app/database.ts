import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { servingRoleGrants, WHO_AM_I } from './database-roles';
import { portForDataDir, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';
import { installJobQueue, jobPool } from './jobs';
import { initOrm, type Orm } from './orm';

export interface Database {
  orm: Orm;
  /** The serving role's connection URL (embedded or DATABASE_URL). */
  url: string;
  /** The owner's URL (MIGRATION_DATABASE_URL, the embedded owner, or DATABASE_URL when one role does both). */
  ownerUrl: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in DATA_DIR when
 * none is given, then applies pending migrations (and the job queue's) as the
 * owner role and grants the serving role its privileges (database-roles.ts).
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  let ownerUrl = config.migrationDatabaseUrl ?? url;
  if (!url) {
    const started = Date.now();
    const { port, portFrom } = await embeddedPort(config);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port,
      onLog: (line) => logger.debug({ postgres: line }),
      onNotice: (line) => logger.warn(line),
    });
    url = embedded.url;
    ownerUrl = embedded.ownerUrl;
    logger.info({ ms: Date.now() - started, port, portFrom, dataDir: embedded.dataDir }, 'embedded PostgreSQL started');
  }

  let orm: Orm | undefined;
  try {
    orm = await initOrm({ clientUrl: url, poolMax: config.dbPoolMax });
    await migrate({ serving: orm, ownerUrl: ownerUrl!, logger, warnOneRole: !embedded });
  } catch (err) {
    await orm?.close(true);
    await embedded?.stop();
    throw err;
  }

  return {
    orm,
    url,
    ownerUrl: ownerUrl!,
    embedded: embedded !== undefined,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/**
 * Applies pending migrations and installs or upgrades the job queue, as the
 * owner, then grants the serving role what it may do. The serving role's own
 * connection tells whether any migration is pending (it may read the
 * migrations table): a warm start opens no second ORM, only one owner
 * connection for the job queue's check and the grants. When both log in as
 * one role (or as a superuser) there is nothing to grant: that role owns the
 * audit trail, and the operator is told once.
 */
/**
 * Whether a migration file has no row in the migrations table yet, read
 * without the migrator itself (loading it is a fifth of a warm start). A
 * database never migrated has no such table, which the serving role may not
 * create: the owner does.
 */
async function hasPendingMigrations(orm: Orm): Promise<boolean> {
  const { path: compiled, pathTs, tableName } = orm.config.get('migrations');
  try {
    const folder = orm.config.get('preferTs') ? pathTs! : compiled!;
    const files = fs
      .readdirSync(folder)
      .filter((file) => /\.(js|ts)$/.test(file) && !file.endsWith('.d.ts'))
      .map((file) => file.replace(/\.(js|ts)$/, ''));
    const rows = await orm.em.getConnection().execute<{ name: string }[]>(`select name from ${tableName}`);
    const applied = new Set(rows.map((row) => row.name.replace(/\.(js|ts)$/, '')));
    return files.some((name) => !applied.has(name));
  } catch {
    return true;
  }
}

export async function migrate(options: { serving: Orm; ownerUrl: string; logger: Logger; warnOneRole?: boolean }): Promise<void> {
  const { serving, ownerUrl, logger } = options;
  if (await hasPendingMigrations(serving)) {
    const owner = await initOrm({ clientUrl: ownerUrl, poolMax: 1 });
    try {
      const applied = await owner.getMigrator().up();
      if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    } finally {
      await owner.close(true);
    }
  }

  const ownerPool = jobPool(ownerUrl, 1, logger);
  try {
    await installJobQueue(ownerPool, logger);
    type Role = { name: string; superuser: boolean };
    const [
      {
        rows: [ownerRole],
      },
      [servingRole],
    ] = await Promise.all([ownerPool.query<Role>(WHO_AM_I), serving.em.getConnection().execute<Role[]>(WHO_AM_I)]);
    if (servingRole.name === ownerRole.name || servingRole.superuser) {
      if (options.warnOneRole !== false) {
        logger.warn(
          { role: servingRole.name, superuser: servingRole.superuser },
          'DATABASE_URL logs in as a role that owns the schema (or a superuser): it could alter or empty the audit trail. ' +
            'Set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to a role that owns nothing (README, "Database roles")',
        );
      }
      return;
    }
    await ownerPool.query(servingRoleGrants(servingRole.name));
  } finally {
    await ownerPool.end();
  }
}

/** EMBEDDED_PG_PORT when set, else the port kept for (or chosen for) DATA_DIR; `portFrom` says which, for the start-up log. */
async function embeddedPort(config: Config): Promise<{ port: number; portFrom: string }> {
  if (config.embeddedPgPortSet) return { port: config.embeddedPgPort, portFrom: 'EMBEDDED_PG_PORT' };
  const { port, file, chosen } = await portForDataDir(config.dataDir);
  return { port, portFrom: chosen ? `chosen for DATA_DIR, kept in ${file}` : `kept in ${file}` };
}
