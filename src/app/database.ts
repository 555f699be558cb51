import path from 'node:path';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { portForDataDir, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';
import { installJobQueue } from './jobs';
import { initOrm, type Orm } from './orm';

export interface Database {
  orm: Orm;
  /** The connection URL in use (embedded or DATABASE_URL). */
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in DATA_DIR when
 * none is given, then applies pending migrations (and the job queue's).
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
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
    logger.info({ ms: Date.now() - started, port, portFrom, dataDir: embedded.dataDir }, 'embedded PostgreSQL started');
  }

  let orm: Orm;
  try {
    orm = await initOrm({ clientUrl: url, poolMax: config.dbPoolMax });
    const applied = await orm.getMigrator().up();
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    await installJobQueue(url, logger);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }

  return {
    orm,
    url,
    embedded: embedded !== undefined,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/** EMBEDDED_PG_PORT when set, else the port kept for (or chosen for) DATA_DIR; `portFrom` says which, for the start-up log. */
async function embeddedPort(config: Config): Promise<{ port: number; portFrom: string }> {
  if (config.embeddedPgPortSet) return { port: config.embeddedPgPort, portFrom: 'EMBEDDED_PG_PORT' };
  const { port, file, chosen } = await portForDataDir(config.dataDir);
  return { port, portFrom: chosen ? `chosen for DATA_DIR, kept in ${file}` : `kept in ${file}` };
}
