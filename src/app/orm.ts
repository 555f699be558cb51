import path from 'node:path';
import { MikroORM, defineConfig } from '@mikro-orm/postgresql';
import { AuditRecord } from '../core/audit-record.entity';
import { PROJECT_ROOT } from '../core/config';
import { Event } from '../events/event.entity';
import { EventRelayPosition } from '../events/relay-position.entity';
import { MODULES } from './modules';

/** Every entity and embeddable: the kernel's (events, audit trail) and each module's, so discovery needs no folder scan. */
export const ENTITIES = [Event, EventRelayPosition, AuditRecord, ...MODULES.flatMap((module) => module.entities)];

export type Orm = MikroORM;

/** True under ts-node and swc-jest (this module is the .ts source), false in the compiled dist/. */
const RUNNING_TYPESCRIPT = __filename.endsWith('.ts');

export interface OrmOptions {
  clientUrl: string;
  poolMax?: number;
  /** Called with every SQL statement; tests use it to count round trips. */
  onQuery?: (sql: string) => void;
}

/** MikroORM configuration shared by the server, the migration scripts and the tests. */
export function ormConfig({ clientUrl, poolMax = 10, onQuery }: OrmOptions) {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    // No `extensions: [Migrator]`: MikroORM loads @mikro-orm/migrations (umzug and its command line,
    // ~300 modules) the first time getMigrator() is called, which a warm start never does (database.ts).
    pool: { min: 0, max: poolMax },
    // Explicit types on every property: no TS reflection needed, and swc/ts-node agree.
    discovery: { requireEntitiesArray: true },
    // A request's entities must never be reused by another request: each one forks.
    allowGlobalContext: false,
    // Relations are loaded by our DataLoaders, never lazily behind a resolver's back.
    forceUndefined: false,
    // The job queue's schema is graphile-worker's own (src/app/jobs.ts): not ours to diff.
    schemaGenerator: { ignoreSchema: ['graphile_worker'] },
    migrations: {
      tableName: 'mikro_orm_migrations',
      // `npm run build` compiles migrations/*.ts to dist/migrations/*.js (tsconfig.migrations.json).
      path: path.join(PROJECT_ROOT, 'dist', 'migrations'),
      pathTs: path.join(PROJECT_ROOT, 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? `_${name}` : ''}`,
      silent: true,
    },
    // Under ts-node or swc-jest MikroORM cannot tell it runs TypeScript: decide from this
    // very file, so the compiled server (`npm start`) loads dist/migrations and the rest migrations/.
    preferTs: RUNNING_TYPESCRIPT,
    debug: onQuery ? ['query'] : false,
    logger: onQuery ? (message: string) => onQuery(message) : undefined,
    colors: false,
  });
}

export async function initOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init(ormConfig(options));
}
