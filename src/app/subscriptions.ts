import {
  GraphQLError,
  createSourceEventStream,
  execute,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ParseOptions,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Context } from '../core/context';
import { ResolutionScope } from '../events/resolution-scope';
import type { DocumentLimits } from './limits';

/**
 * graphql-ws's `subscribe`: graphql-js's own, except that one live event is
 * executed once per distinct (viewer, operation, variables) and the result
 * shared by every subscription that asks the same. A care team's dashboards
 * all send the same subscription; a thousand of them then cost a handful of
 * executions per event, not a thousand. Sharing is safe because the result
 * depends only on the event, the viewer (access is decided per viewer), the
 * operation and, for `careEvents`, the stream's cursor. Events not carried in a ResolutionScope (none today) are
 * executed per subscription, as graphql-js would.
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterator(source)) return source as ExecutionResult;
  const { viewer } = args.contextValue as Context;
  const key = JSON.stringify([
    viewer.providerId ?? `sub:${viewer.sub}`,
    args.operationName ?? null,
    printed(args.document),
    args.variableValues ?? null,
  ]);
  const run = (payload: unknown) => execute({ ...args, rootValue: payload }) as Promise<ExecutionResult> | ExecutionResult;
  // A careEvents delivery carries the caller's cursor, which differs between streams: it is part of what is shared.
  const shared = (payload: unknown) => payload as { scope?: unknown; event?: { id: string }; cursor?: string } | null;

  const iterator: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      const step = await source.next();
      if (step.done) return { done: true, value: undefined };
      const { scope, event, cursor } = shared(step.value) ?? {};
      const value =
        scope instanceof ResolutionScope && event
          ? await scope.memo(`${event.id} ${cursor ?? ''} ${key}`, async () => run(step.value))
          : await run(step.value);
      return { done: false, value };
    },
    // Passed straight through, so an unsubscribe ends the source at once (it may be waiting for news).
    return: async () => {
      await source.return?.(undefined);
      return { done: true, value: undefined };
    },
    throw: async (error: unknown) => {
      await source.return?.(undefined);
      throw error;
    },
  };
  return iterator;
}

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return typeof (value as AsyncIterator<unknown> | null)?.next === 'function';
}

const printedDocuments = new WeakMap<DocumentNode, string>();
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) printedDocuments.set(document, (text = print(document)));
  return text;
}

/**
 * Parses and validates the documents sent over WebSocket once per distinct
 * text, for every connection: a thousand dashboards sending the same
 * subscription share one syntax tree instead of holding a thousand. Bounded;
 * the oldest text is forgotten first. The document limits are those of HTTP
 * (src/app/limits.ts): size before parsing, tokens while parsing, depth,
 * aliases, directives (and introspection when off) while validating.
 */
export class DocumentCache {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: DocumentLimits,
    private readonly capacity = 500,
  ) {}

  /** The validated document, or the errors to send back (coded as Apollo codes them over HTTP). */
  get(query: string): DocumentNode | GraphQLError[] {
    const cached = this.documents.get(query);
    if (cached) return cached;
    try {
      this.limits.assertSize(query);
    } catch (err) {
      if (err instanceof GraphQLError) return [err];
      throw err;
    }
    const document = this.check(query, { noLocation: true });
    if (Array.isArray(document)) return this.check(query) as GraphQLError[]; // again, for errors with locations
    if (this.documents.size >= this.capacity) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(query, document);
    return document;
  }

  private check(query: string, options?: ParseOptions): DocumentNode | GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parse(query, { ...options, ...this.limits.parseOptions });
    } catch (err) {
      if (err instanceof GraphQLError) return [coded(err, 'GRAPHQL_PARSE_FAILED')];
      throw err;
    }
    const errors = validate(this.schema, document, [...specifiedRules, ...this.limits.validationRules]);
    return errors.length ? errors.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED')) : document;
  }
}

/** The error with Apollo's code for its phase, unless it has one of its own (a limit's QUERY_TOO_COMPLEX). */
function coded(error: GraphQLError, code: string): GraphQLError {
  const own = error.extensions.code;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { code: own ?? code },
  });
}
