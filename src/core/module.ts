import type { EventTypes } from '../events/event-types';
import type { Context, LoaderFactory } from './context';
import type { HookHandler } from './hooks';
import type { Viewer } from '../auth/viewer';

/** Loads one object by id for the caller, applying the module's access rule (NOT_FOUND or null when hidden). */
export type NodeFetcher = (ctx: Context, id: string) => Promise<object | null> | object;

/**
 * A domain module's one way in: everything the composition root
 * (src/app/modules.ts) needs to plug it into the hub. Nothing outside
 * `src/app/` lists modules or their parts; a new concept is a folder with an
 * `index.ts` exporting one of these, one line in that list, and a migration.
 */
export interface HubModule {
  /** The folder name, e.g. `tasks`; also names the module in start-up errors. */
  name: string;
  /** MikroORM entities and embeddables the module owns. */
  entities: readonly (abstract new (...args: never[]) => object)[];
  /** type-graphql resolver classes: the module's queries, mutations, subscriptions, and the fields it adds to other types. */
  resolvers: readonly (abstract new (...args: never[]) => object)[];
  /** The module's per-request DataLoaders (augment `Loaders` in core/context.ts with their type). */
  loaders?: LoaderFactory;
  /** `node(id:)` for the module's Node types, by GraphQL type name (the id type declared with `defineIdType`). */
  nodes?: Record<string, NodeFetcher>;
  /** Apollo Federation entities (`@key(fields: "id")` on the type), by type name: `_entities` resolves through these. */
  federation?: Record<string, NodeFetcher>;
  /** The event types the module records (`defineEventTypes`). */
  eventTypes?: EventTypes;
  /** Its answers to hooks of the modules it depends on (core/hooks.ts), run inside their writes. */
  hooks?: readonly HookHandler[];
  /**
   * Its scheduled jobs, by task name (the PostgreSQL job queue, src/app/jobs.ts):
   * each runs once across all hub instances, with a context of the scheduler
   * (`SCHEDULER`), and is retried if it throws.
   */
  jobs?: Record<string, (ctx: Context, payload: unknown) => Promise<void>>;
}

/** The viewer scheduled jobs act as: no provider, administrative (its writes need no membership); audited as `carehub:scheduler`. */
export const SCHEDULER: Viewer = { sub: 'carehub:scheduler', kind: 'OPERATOR', providerId: null, patientId: null, isAdmin: true };

/** Declares a module (an identity function that checks the shape). */
export function defineModule(module: HubModule): HubModule {
  return module;
}
