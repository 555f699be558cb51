import path from 'node:path';
import { MikroORM, defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PROJECT_ROOT } from '../config';
import { ENTITIES } from './entities';

export type Orm = MikroORM;

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
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    // Explicit types on every property: no TS reflection needed, and swc/ts-node agree.
    discovery: { requireEntitiesArray: true },
    // A request's entities must never be reused by another request: each one forks.
    allowGlobalContext: false,
    // Relations are loaded by our DataLoaders, never lazily behind a resolver's back.
    forceUndefined: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: path.join(PROJECT_ROOT, 'migrations'),
      pathTs: path.join(PROJECT_ROOT, 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? `_${name}` : ''}`,
      silent: true,
    },
    // We run under ts-node or swc-jest: load the TypeScript migrations, not dist/.
    preferTs: true,
    debug: onQuery ? ['query'] : false,
    logger: onQuery ? (message: string) => onQuery(message) : undefined,
    colors: false,
  });
}

export async function initOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init(ormConfig(options));
}
