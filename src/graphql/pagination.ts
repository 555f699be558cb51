import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 0–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

/** A validated page request: `after` decoded into the sort key values it stands for. */
export interface Page {
  first: number;
  after: unknown[] | null;
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
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return { first, after: args.after == null ? null : decodeCursor(args.after, keys) };
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, keys: readonly CursorKey[]): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  if (Array.isArray(values) && values.length === keys.length && keys.every((key, i) => KEY_CHECKS[key](values[i]))) {
    return values;
  }
  throw badInput('after', 'after is not a cursor returned by this connection');
}

/** One page of a connection, as services return it. */
export interface ConnectionResult<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/**
 * Builds a page from rows fetched with `limit first + 1` (the extra row only
 * tells whether there is a next page).
 */
export function toConnection<T>(
  rows: T[],
  first: number,
  totalCount: number,
  sortKey: (row: T) => unknown[],
): ConnectionResult<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(sortKey(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

@ObjectType({ simpleResolvers: true, description: 'Relay page information.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** Creates `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} objects (Relay connection, keyset cursors).` })
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'All items matching the filter, on every page.' })
    totalCount!: number;
  }
  return ConnectionType;
}
