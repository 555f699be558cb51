import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName, FilterQuery } from '@mikro-orm/core';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `How many edges to return, 0–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); outside that range BAD_USER_INPUT on \`first\`.`,
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Return the edges after this cursor: pass `pageInfo.endCursor` (or any edge's `cursor`) of this same connection. " +
      'Cursors are opaque and stay valid while rows change (keyset); a cursor this connection did not hand out is BAD_USER_INPUT on `after`.',
  })
  after?: string | null;
}

/**
 * What a connection that also pages backward takes (a patient's events: "the
 * last 20", then earlier ones with `before`), besides `first` and `after`.
 */
@ArgsType()
export class BackwardPageArgs extends PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `How many edges to return from the end (before \`before\`, or the newest), 0–${MAX_PAGE_SIZE}; still in the connection's order. Give \`first\` or \`last\`, not both (BAD_USER_INPUT on \`last\`).`,
  })
  last?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Return the edges before this cursor: pass `pageInfo.startCursor` (or any edge's `cursor`) of this same connection; a cursor it did not hand out is BAD_USER_INPUT on `before`.",
  })
  before?: string | null;
}

/**
 * A validated page request: `after` (and `before`) decoded into the sort key
 * values they stand for. `fromEnd`: the `first` edges are counted from the
 * end (`last`).
 */
export interface Page {
  first: number;
  after: unknown[] | null;
  before?: unknown[] | null;
  fromEnd?: boolean;
}

/**
 * What one sort-key value of a cursor must be: a string (ids, names), an
 * integer sequence (a PostgreSQL `integer`), or a bigint id carried as a
 * string of digits.
 */
export type CursorKey = 'string' | 'int' | 'bigint';

const KEY_CHECKS: Record<CursorKey, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  int: (v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 2_147_483_647,
  bigint: (v) => typeof v === 'string' && /^[1-9][0-9]{0,18}$/.test(v) && BigInt(v) <= 9_223_372_036_854_775_807n,
};

/**
 * Validates `first` and decodes `after`, an opaque cursor holding one value
 * per sort key. A cursor is client input: one this connection could not have
 * returned (another connection's, or forged) is BAD_USER_INPUT on `after`.
 */
export function toPage(args: PageArgs, keys: readonly CursorKey[]): Page {
  const first = pageSize('first', args.first);
  return { first, after: args.after == null ? null : decodeCursor(args.after, keys, 'after') };
}

/** `toPage` for connections that also page backward (`BackwardPageArgs`; only `keysetPage` serves those). */
export function toBackwardPage(args: BackwardPageArgs, keys: readonly CursorKey[]): Page {
  if (args.last != null && args.first != null) throw badInput('last', 'give first or last, not both');
  const page =
    args.last != null ? { first: pageSize('last', args.last), after: toPage({ after: args.after }, keys).after } : toPage(args, keys);
  return { ...page, before: args.before == null ? null : decodeCursor(args.before, keys, 'before'), fromEnd: args.last != null };
}

function pageSize(field: 'first' | 'last', value: number | null | undefined): number {
  const size = value ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) throw badInput(field, `${field} must be between 0 and ${MAX_PAGE_SIZE}`);
  return size;
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, keys: readonly CursorKey[], field: 'after' | 'before'): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  if (Array.isArray(values) && values.length === keys.length && keys.every((key, i) => KEY_CHECKS[key](values[i]))) {
    return values;
  }
  throw badInput(field, `${field} is not a cursor returned by this connection`);
}

/** One page of a connection, as services return it. */
export interface ConnectionResult<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/**
 * Builds a page from rows fetched with `limit first + 1` (the extra row only
 * tells whether there is a next page).
 *
 * `hasPreviousPage` is false when paging forward. Most connections page
 * forward only (`first`/`after`), and for forward paging the Relay Cursor
 * Connections spec lets the server answer false, or true only when edges
 * before `after` really exist. That `after` was given proves nothing (the
 * rows before it may have been deleted or left the filter), so `true` would
 * cost an extra query per connection; Relay itself reads `hasPreviousPage`
 * only when paging backward (`keysetPage` with `last`, which sets it).
 */
export function toConnection<T>(rows: T[], first: number, totalCount: number, sortKey: (row: T) => unknown[]): ConnectionResult<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(sortKey(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/**
 * One page of a table ordered by a single unique key: the rows after the
 * cursor's key (and before `before`'s), and the count of every row matching
 * `where`. For connections that need no join (a patient's events, an
 * organization's providers, the audit trail); `page` comes from `toPage`, or
 * `toBackwardPage` for "the last N", with that key's kind.
 */
export async function keysetPage<T extends object, K extends keyof T & string>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: Page,
  key: K,
): Promise<ConnectionResult<T>> {
  const bounds = [...(page.after ? [{ [key]: { $gt: page.after[0] } }] : []), ...(page.before ? [{ [key]: { $lt: page.before[0] } }] : [])];
  const rest = bounds.length ? ({ $and: [where, ...bounds] } as FilterQuery<T>) : where;
  const [rows, totalCount] = await Promise.all([
    em.find(entity, rest, { orderBy: { [key]: page.fromEnd ? 'desc' : 'asc' } as never, limit: page.first + 1 }),
    em.count(entity, where),
  ]);
  if (!page.fromEnd) return toConnection(rows, page.first, totalCount, (row) => [row[key]]);
  // The last `first` rows, fetched newest first, shown in the connection's order. Edges after
  // `before` exist whenever it was given: it is the cursor of one of them (these rows are never deleted).
  const connection = toConnection(rows.slice(0, page.first).reverse(), page.first, totalCount, (row) => [row[key]]);
  connection.pageInfo.hasPreviousPage = rows.length > page.first;
  connection.pageInfo.hasNextPage = page.before != null;
  return connection;
}

/**
 * One page of a table newest first by a time column, ties broken by id (also
 * newest first): for connections such as a patient's check-ins, whose times
 * are when things happened, not when rows were written. `page` comes from
 * `toPage(args, ['string', 'string'])`: the cursor holds the time (ISO 8601)
 * and the id.
 */
export async function newestFirstPage<T extends { id: string }, K extends keyof T & string>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: Page,
  timeKey: K,
): Promise<ConnectionResult<T>> {
  let rest = where;
  if (page.after) {
    const [time, id] = page.after as [string, string];
    const at = new Date(time);
    if (Number.isNaN(at.getTime())) throw badInput('after', 'after is not a cursor returned by this connection');
    rest = { $and: [where, { $or: [{ [timeKey]: { $lt: at } }, { [timeKey]: at, id: { $lt: id } }] }] } as FilterQuery<T>;
  }
  const [rows, totalCount] = await Promise.all([
    em.find(entity, rest, { orderBy: { [timeKey]: 'desc', id: 'desc' } as never, limit: page.first + 1 }),
    em.count(entity, where),
  ]);
  return toConnection(rows, page.first, totalCount, (row) => [(row[timeKey] as Date).toISOString(), row.id]);
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Where a page sits in its connection (Relay Cursor Connections spec). Pass `endCursor` as `after` while `hasNextPage` is true; ' +
    'connections with `last`/`before` page backward too.',
})
export class PageInfo {
  @Field({ description: 'Whether more edges follow this page: fetch them with `after: endCursor`.' })
  hasNextPage!: boolean;

  @Field({
    description:
      'Whether edges come before this page, on connections that page backward (`last`/`before`, e.g. `patientEvents`): ' +
      'fetch them with `before: startCursor`. Always false when paging forward (`first`/`after`), which the Relay spec allows; ' +
      'to start over, query again without `after`.',
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first edge of this page; null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The cursor of the last edge of this page, to pass as `after` for the next page; null when the page is empty.',
  })
  endCursor!: string | null;
}

/** Creates `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} in a page, with the cursor that marks its place.` })
  class Edge {
    @Field({ description: 'Opaque position of this edge; pass it as `after` to continue after it.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name} itself.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} objects (Relay connection, keyset cursors).` })
  class ConnectionType {
    @Field(() => [Edge], { description: "The items of this page, in the connection's order; at most `first`." })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Cursors of this page and whether another page follows.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'All items matching the filter, on every page.' })
    totalCount!: number;
  }
  return ConnectionType;
}
