/**
 * `npm run migration:create -- [name]`: writes a migration for the difference
 * between the entities and the database (DATABASE_URL, or the embedded one),
 * as the schema's owner sees it (the serving role is not shown every constraint).
 */
import 'reflect-metadata';
import { loadConfig } from '../src/core/config';
import { openDatabase } from '../src/app/database';
import { initOrm } from '../src/app/orm';
import { createLogger } from '../src/core/logger';

async function main() {
  const config = loadConfig();
  const db = await openDatabase(config, createLogger('warn'));
  const owner = await initOrm({ clientUrl: db.ownerUrl, poolMax: 1 });
  try {
    const result = await owner.getMigrator().createMigration(undefined, false, false, process.argv[2]);
    console.log(result.fileName ? `created migrations/${result.fileName}` : 'no changes: entities and database agree');
  } finally {
    await owner.close(true);
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
