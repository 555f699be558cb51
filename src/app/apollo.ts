import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import type { Config } from '../core/config';
import type { Context } from '../core/context';
import { formatError, type ErrorMasking } from '../core/errors';
import { describeError, type Logger } from '../core/logger';
import { readCareEventsCursorFirst } from '../events/care-events';
import { documentLimits, shortMessage, type DocumentLimits } from './limits';
import { currentScope, stopWhenAborted } from './operation-scope';
import type { Orm } from './orm';
import { PersistedOperations, notRegistered } from './persisted-operations';
import { assertTextInputs } from './text-input';

export interface ApolloDeps {
  config: Config;
  orm: Orm;
  logger: Logger;
  errors: ErrorMasking;
  /** Closes the WebSocket side when Apollo drains. */
  disposeWebSockets(): void | Promise<void>;
  /** More plugins (metrics). */
  plugins?: ApolloServerPlugin<Context>[];
}

/** Writes the audit trail of reads once the operation is done, and names it after the operation. */
function auditPlugin(orm: Orm, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operationName }) {
          contextValue.audit.nameOperation(document, operationName);
        },
        async willSendResponse({ contextValue }) {
          try {
            await contextValue.audit.flushReads(orm.em.fork());
          } catch (err) {
            // The driver's message would carry the statement's values: class and code only.
            logger.error({ ...describeError(err), requestId: contextValue.requestId }, 'audit write failed');
            throw err;
          }
        },
      };
    },
  };
}

/** `careEventsCursor` is read before the operation's other fields, so the panel loaded with it is never older (events/care-events.ts). */
function careEventsCursorPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ contextValue, document, operationName }) {
          await readCareEventsCursorFirst(contextValue, document, operationName);
        },
      };
    },
  };
}

/**
 * The request-safety checks of README "Limits and abuse protection" that
 * need the request: the document's size and registration before parsing;
 * its cost (with the variables) and its text inputs before execution; the
 * request id for the log of unexpected errors.
 */
function safetyPlugin(config: Config, limits: DocumentLimits, persisted: PersistedOperations | undefined): ApolloServerPlugin<Context> {
  const refusals = new WeakSet<Error>();
  const refuse = (error: GraphQLError) => {
    refusals.add(error);
    return error;
  };
  return {
    // Apollo turns an error thrown by a hook before parsing into a masked 500; rethrown from this hook, a
    // refusal reaches the client as itself, with its 400 (as graphql-armor does for its token limit).
    async unexpectedErrorProcessingRequest({ error }) {
      if (refusals.has(error)) throw error;
    },
    async requestDidStart() {
      return {
        // Before parsing: the text's size, and whether it is registered.
        async didResolveSource({ source }) {
          try {
            limits.assertSize(source);
          } catch (err) {
            throw refuse(err as GraphQLError);
          }
          if (config.persistedOperations.only && !persisted?.has(source)) throw refuse(notRegistered());
        },
        async didResolveOperation({ document, request, operationName }) {
          limits.assertCost(document, request.variables, operationName);
          assertTextInputs(document, request.variables);
        },
      };
    },
  };
}

/** Errors of a request that never ran: GraphQL over HTTP answers them 200 when the client takes only application/json. */
const REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'QUERY_TOO_COMPLEX']);

/**
 * GraphQL over HTTP: a well-formed request whose document does not parse,
 * validate or coerce gets 4xx only with `application/graphql-response+json`;
 * with `application/json` the spec asks for 200 (legacy clients read the
 * body only on 200). Apollo answers 400 to both.
 */
function statusPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      return {
        async willSendResponse({ response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.every((e) => REQUEST_ERRORS.has(String(e.extensions?.code)))) return;
          if (!(request.http?.headers.get('accept') ?? '').includes('application/graphql-response+json')) response.http.status = 200;
        },
      };
    },
  };
}

/** Apollo Server for GraphQL over HTTP: our error masking and limits, the read audit, no tracing or cache hints. */
export async function startApollo(httpServer: http.Server, schema: GraphQLSchema, deps: ApolloDeps): Promise<ApolloServer<Context>> {
  const { config, orm, logger, errors } = deps;
  const limits = documentLimits(config, schema);
  const persisted = config.persistedOperations.file ? new PersistedOperations(config.persistedOperations.file) : undefined;
  const apollo = new ApolloServer<Context>({
    schema: stopWhenAborted(schema),
    introspection: config.introspection,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // Documents sent by hash are looked up in the registered ones when there are; otherwise Apollo's own APQ cache.
    ...(persisted ? { persistedQueries: { cache: persisted.cache } } : {}),
    // src/main.ts owns shutdown: drain HTTP + WebSocket, then the database, in that order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.isDevelopment,
    formatError: (formatted, err) => shortMessage(formatError(formatted, err, errors, currentScope()?.requestId)),
    plugins: [
      // After half the shutdown deadline, connections still open are closed (src/app/server.ts aborts their operations).
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs / 2 }),
      safetyPlugin(config, limits, persisted),
      statusPlugin(),
      // No Apollo Studio traces and no cache hints: nothing wraps every field resolver.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await deps.disposeWebSockets();
            },
          };
        },
      },
      auditPlugin(orm, logger),
      careEventsCursorPlugin(),
      ...(deps.plugins ?? []),
    ],
  });
  await apollo.start();
  return apollo;
}
