import path from 'node:path';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { grantServingRole, roleOf } from './database-roles';
import { portForDataDir, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';
import { installJobQueue } from './jobs';
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

  let orm: Orm;
  try {
    await migrate({ ownerUrl: ownerUrl!, servingUrl: url, logger, warnOneRole: !embedded });
    orm = await initOrm({ clientUrl: url, poolMax: config.dbPoolMax });
  } catch (err) {
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
 * owner, then grants the serving role what it may do. When both URLs log in
 * as one role there is nothing to grant: that role owns the audit trail, and
 * the operator is told once.
 */
export async function migrate(options: { ownerUrl: string; servingUrl: string; logger: Logger; warnOneRole?: boolean }): Promise<void> {
  const { ownerUrl, servingUrl, logger } = options;
  const owner = await initOrm({ clientUrl: ownerUrl, poolMax: 1 });
  try {
    const applied = await owner.getMigrator().up();
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  } finally {
    await owner.close(true);
  }
  await installJobQueue(ownerUrl, logger);

  const [ownerRole, serving] = await Promise.all([roleOf(ownerUrl), roleOf(servingUrl)]);
  if (serving.name === ownerRole.name || serving.superuser) {
    if (options.warnOneRole !== false) {
      logger.warn(
        { role: serving.name, superuser: serving.superuser },
        'DATABASE_URL logs in as a role that owns the schema (or a superuser): it could alter or empty the audit trail. ' +
          'Set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to a role that owns nothing (README, "Database roles")',
      );
    }
    return;
  }
  await grantServingRole(ownerUrl, serving.name);
}

/** EMBEDDED_PG_PORT when set, else the port kept for (or chosen for) DATA_DIR; `portFrom` says which, for the start-up log. */
async function embeddedPort(config: Config): Promise<{ port: number; portFrom: string }> {
  if (config.embeddedPgPortSet) return { port: config.embeddedPgPort, portFrom: 'EMBEDDED_PG_PORT' };
  const { port, file, chosen } = await portForDataDir(config.dataDir);
  return { port, portFrom: chosen ? `chosen for DATA_DIR, kept in ${file}` : `kept in ${file}` };
}
