/**
 * `npm run migration:create -- [name]`: writes a migration for the difference
 * between the entities and the database (DATABASE_URL, or the embedded one).
 */
import 'reflect-metadata';
import { loadConfig } from '../src/core/config';
import { openDatabase } from '../src/app/database';
import { createLogger } from '../src/core/logger';

async function main() {
  const config = loadConfig();
  const db = await openDatabase(config, createLogger('warn'));
  try {
    const result = await db.orm.getMigrator().createMigration(undefined, false, false, process.argv[2]);
    console.log(result.fileName ? `created migrations/${result.fileName}` : 'no changes: entities and database agree');
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
