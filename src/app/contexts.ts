import { Contexts, type LoaderFactory } from '../core/context';
import { HookHandlers } from '../core/hooks';
import type { Orm } from './orm';
import { MODULES } from './modules';

/** The hub's context factory: per-request contexts with every module's loaders and hook handlers. */
export function createContexts(orm: Orm): Contexts {
  return new Contexts(
    orm,
    MODULES.flatMap((module) => (module.loaders ? [module.loaders as LoaderFactory] : [])),
    new HookHandlers(MODULES.flatMap((module) => module.hooks ?? [])),
  );
}
