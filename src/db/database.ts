import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
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
 * none is given, then applies pending migrations.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    const started = Date.now();
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port: config.embeddedPgPort,
      onLog: (line) => logger.debug({ postgres: line }),
      onNotice: (line) => logger.warn(line),
    });
    url = embedded.url;
    logger.info({ ms: Date.now() - started, port: config.embeddedPgPort, dataDir: embedded.dataDir }, 'embedded PostgreSQL started');
  }

  let orm: Orm;
  try {
    orm = await initOrm({ clientUrl: url, poolMax: config.dbPoolMax });
    const applied = await orm.getMigrator().up();
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
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
