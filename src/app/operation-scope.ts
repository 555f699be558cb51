import { AsyncLocalStorage } from 'node:async_hooks';
import { GraphQLError, defaultFieldResolver, getNamedType, isLeafType, isObjectType, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '../core/errors';

/**
 * One running operation (an HTTP request, a query sent over a WebSocket):
 * its deadline, whether its client is gone, and its request id for the log.
 * graphql-js 16 cannot be cancelled, so resolvers check the scope instead
 * (`stopWhenAborted`); the scope travels with the operation's async work
 * through an AsyncLocalStorage, so no context type has to carry it.
 */
export class OperationScope {
  private stoppedBecause?: string;
  requestId?: string;

  constructor(private readonly deadline: number) {}

  /** Stops the operation at its next resolver (client gone, shutdown). */
  abort(reason: string): void {
    this.stoppedBecause ??= reason;
  }

  /** Why the operation must stop, or undefined while it may go on. */
  stopReason(): string | undefined {
    if (this.stoppedBecause === undefined && Date.now() > this.deadline) this.stoppedBecause = 'it ran past its deadline';
    return this.stoppedBecause;
  }
}

const scopes = new AsyncLocalStorage<OperationScope>();

/** Runs `operation` (and all the async work it starts) in `scope`. */
export function runInScope<T>(scope: OperationScope, operation: () => T): T {
  return scopes.run(scope, operation);
}

/** The scope of the operation running now, if any. */
export function currentScope(): OperationScope | undefined {
  return scopes.getStore();
}

const guarded = new WeakSet<GraphQLSchema>();

/**
 * Wraps, once per schema, the resolver of every field that returns an
 * object or list of objects (and every root field): before resolving, it
 * throws QUERY_TOO_COMPLEX when the operation's scope says stop. Leaf
 * fields are not wrapped: they read a property, and any runaway document
 * must pass through object fields to grow. Cost: one `getStore()` and one
 * `Date.now()` per object field resolved.
 */
export function stopWhenAborted(schema: GraphQLSchema): GraphQLSchema {
  if (guarded.has(schema)) return schema;
  guarded.add(schema);
  const roots = new Set([schema.getQueryType(), schema.getMutationType()].filter(Boolean));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!roots.has(type) && isLeafType(getNamedType(field.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const reason = scopes.getStore()?.stopReason();
        if (reason !== undefined) {
          throw new GraphQLError(`The operation was stopped because ${reason}`, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } });
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
