/** `npm run migrate`: applies pending migrations (opening the database does exactly that). */
import 'reflect-metadata';
import { loadConfig } from '../src/core/config';
import { openDatabase } from '../src/app/database';
import { createLogger } from '../src/core/logger';

async function main() {
  const config = loadConfig();
  const db = await openDatabase(config, createLogger('info'));
  const executed = await db.orm.getMigrator().getExecutedMigrations();
  console.log(`database is at migration ${executed.at(-1)?.name ?? '(none)'}`);
  await db.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
