import DataLoader from 'dataloader';
import { ReferenceKind, type EntityMetadata, type EntityName } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { Page } from './pagination';

/**
 * A DataLoader that fetches entities by primary key in one statement,
 * answering in key order, and that can also answer synchronously for rows it
 * already holds (`peek`). A field resolver that returns a loaded row itself,
 * rather than a promise of it, lets GraphQL complete the object at once: on a
 * dashboard that is hundreds of promises fewer per request.
 */
export class ByIdLoader<T extends { id: string }> extends DataLoader<string, T | null> {
  private readonly loaded = new Map<string, T | null>();

  constructor(em: EntityManager, entity: EntityName<T>) {
    super(async (ids) => {
      const rows = await readOnlyRows(
        em,
        entity,
        em
          .getKnex()(tableOf(em, entity))
          .select('*')
          .whereIn('id', [...ids]),
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => {
        const row = byId.get(id) ?? null;
        this.loaded.set(id, row);
        return row;
      });
    });
  }

  /** The row if this loader already has it (loaded or primed), `undefined` if it would have to ask. */
  peek(id: string): T | null | undefined {
    return this.loaded.get(id);
  }

  override prime(id: string, value: T | null | Error): this {
    if (!(value instanceof Error) && !this.loaded.has(id)) this.loaded.set(id, value);
    return super.prime(id, value);
  }
}

export function byIdLoader<T extends { id: string }>(em: EntityManager, entity: EntityName<T>): ByIdLoader<T> {
  return new ByIdLoader(em, entity);
}

/**
 * Runs a select and hydrates its rows read-only. `joined` names columns that
 * carry a related row as JSON (`to_jsonb(p) as "__provider"`): each is
 * hydrated too and handed to `onJoined` (to seed that entity's loader), so a
 * relation comes in the same statement.
 */
export async function readOnlyRows<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  query: Knex.QueryBuilder,
  joined: Joined = {},
): Promise<T[]> {
  const rows = (await em.execute(query)) as Record<string, unknown>[];
  return rows.map((row) => readOnlyEntity(em, entity, hydrateJoined(em, row, joined)));
}

/** Columns carrying a related row as JSON, and what to do with each related entity. */
export type Joined = Record<string, { entity: EntityName<never>; onJoined: (related: never) => void }>;

/** A related row brought into a statement: the select expression and how to hydrate it (see `readOnlyRows`). */
export interface JoinedRelation {
  select: Knex.Raw;
  joined: Joined;
}

/** Hands each joined related row (if any: a nullable relation carries null) to its `onJoined`; returns the row without those columns. */
function hydrateJoined(em: EntityManager, row: Record<string, unknown>, joined: Joined = {}): Record<string, unknown> {
  for (const [column, { entity: relatedEntity, onJoined }] of Object.entries(joined)) {
    const related = row[column] as Record<string, unknown> | null;
    if (related) onJoined(readOnlyEntity(em, relatedEntity, related) as never);
    delete row[column];
  }
  return row;
}

export function tableOf<T extends object>(em: EntityManager, entity: EntityName<T>): string {
  return em.getMetadata().get((entity as { name: string }).name).tableName;
}

/** Groups rows by a key, answering in the order of `keys` (empty list where none). */
export function groupInKeyOrder<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

export interface ChildPage<T> {
  rows: T[];
  totalCount: number;
}

/**
 * One page of children for many parents in one statement: children ordered by
 * id (uuidv7, so creation order), `page.first + 1` per parent (the extra row
 * tells whether there is a next page), with each parent's total count.
 * `related` brings a related row along (`providers.joined`), so resolving it
 * never waits for another statement.
 */
export async function loadChildPages<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  parentColumn: string,
  parentIds: readonly string[],
  page: Page,
  filter: (qb: Knex.QueryBuilder) => void = () => undefined,
  related?: JoinedRelation,
): Promise<ChildPage<T>[]> {
  const knex = em.getKnex();
  const table = tableOf(em, entity);
  const inner = knex(table)
    .select('*', knex.raw('count(*) over (partition by ??)::int as "__total"', [parentColumn]), ...(related ? [related.select] : []))
    .whereIn(parentColumn, [...parentIds]);
  filter(inner);
  const ranked = knex
    .select('*', knex.raw('row_number() over (partition by ?? order by "id") as "__rn"', [parentColumn]))
    .from(inner.as('x'));
  if (page.after) ranked.where('id', '>', String(page.after[0]));
  const query = knex
    .select('*')
    .from(ranked.as('y'))
    .where('__rn', '<=', page.first + 1)
    .orderBy([parentColumn, 'id']);

  const raw = (await em.execute(query)) as Record<string, unknown>[];
  const totals = new Map<string, number>();
  const entities = raw.map((row) => {
    totals.set(String(row[parentColumn]), Number(row.__total));
    const { __total, __rn, ...columns } = row;
    return { parent: String(row[parentColumn]), entity: readOnlyEntity(em, entity, hydrateJoined(em, columns, related?.joined)) };
  });

  // A parent whose page after the cursor is empty still needs its total.
  const missing = page.after ? parentIds.filter((id) => !totals.has(id)) : [];
  if (missing.length) {
    const countQuery = knex(table).select(parentColumn).count({ n: '*' }).whereIn(parentColumn, missing).groupBy(parentColumn);
    filter(countQuery);
    for (const row of (await em.execute(countQuery)) as Record<string, unknown>[]) {
      totals.set(String(row[parentColumn]), Number(row.n));
    }
  }

  const grouped = groupInKeyOrder(parentIds, entities, (e) => e.parent);
  return parentIds.map((id, i) => ({ rows: grouped[i].map((e) => e.entity), totalCount: totals.get(id) ?? 0 }));
}

/** One parent's page, the key of `childPagesLoader`. */
export interface ChildPageKey {
  parentId: string;
  page: Page;
}

/**
 * `loadChildPages` as a per-request DataLoader: the pages every field
 * resolver of a tick asks for (a plan's notes on each plan of a dashboard)
 * come from one statement per distinct page shape, in key order.
 */
export function childPagesLoader<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  parentColumn: string,
  related?: () => JoinedRelation,
): DataLoader<ChildPageKey, ChildPage<T>, string> {
  return new DataLoader<ChildPageKey, ChildPage<T>, string>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify(key.page);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const results = new Map<ChildPageKey, ChildPage<T>>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const parentIds = group.map((key) => key.parentId);
          const pages = await loadChildPages(em, entity, parentColumn, parentIds, group[0].page, undefined, related?.());
          group.forEach((key, i) => results.set(key, pages[i]));
        }),
      );
      return keys.map((key) => results.get(key)!);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.page]) },
  );
}

/**
 * A row as an entity for reading only: mapped like `em.map()` (column names,
 * types), but neither merged into the identity map, nor snapshotted for
 * change tracking, nor given MikroORM's per-instance accessors — which is
 * most of the cost of a page of rows. A many-to-one relation is a stand-in
 * that carries only the related `id`, which is all the read path follows
 * (through loaders). Writes never use these objects: they re-read the rows
 * they change in their own transaction and refer to others by id.
 */
export function readOnlyEntity<T extends object>(em: EntityManager, entity: EntityName<T>, row: Record<string, unknown>): T {
  const meta = em.getMetadata().get((entity as { name: string }).name);
  const data = em.getDriver().mapResult(row as never, meta) as Record<string, unknown>;
  let build = readers.get(meta);
  if (!build) readers.set(meta, (build = compileReader(em, meta)));
  return build(data) as T;
}

const readers = new WeakMap<EntityMetadata, (data: Record<string, unknown>) => object>();

function compileReader(em: EntityManager, meta: EntityMetadata): (data: Record<string, unknown>) => object {
  // Embeddables (the patient's allergies, contacts …) need MikroORM's own hydration.
  if (meta.props.some((p) => p.kind === ReferenceKind.EMBEDDED)) {
    return (data) =>
      em.getEntityFactory().create(meta.class, data as never, { merge: false, refresh: true, convertCustomTypes: true, initialized: true });
  }
  const platform = em.getPlatform();
  const props = meta.props.filter((p) => p.persist !== false && (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE));
  // The entity's prototype carries MikroORM's change-tracking setters; a layer
  // of plain data properties above it keeps `instanceof` (GraphQL type
  // resolution) while plain assignment stays plain.
  const prototype = Object.create(meta.prototype);
  for (const prop of props) Object.defineProperty(prototype, prop.name, { value: undefined, writable: true, configurable: true });
  return (data) => {
    const entity = Object.create(prototype);
    for (const prop of props) {
      const value = data[prop.name];
      if (value === undefined) continue;
      if (prop.kind === ReferenceKind.MANY_TO_ONE) entity[prop.name] = value === null ? null : { id: value };
      else entity[prop.name] = prop.customType && value !== null ? prop.customType.convertToJSValue(value, platform) : value;
    }
    return entity;
  };
}
