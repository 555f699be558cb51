import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../core/config';
import { ErrorCode } from '../core/errors';

/**
 * The limits every document meets before it runs, the same over HTTP
 * (src/app/apollo.ts) and WebSocket (DocumentCache in src/app/subscriptions.ts):
 *
 * - size of the text (GRAPHQL_MAX_DOCUMENT_BYTES) and how deep its
 *   brackets nest (MAX_DOCUMENT_NESTING), checked before parsing:
 *   graphql-js's parser recurses once per level and overflows the stack
 *   long before it reaches the token limit;
 * - tokens (GRAPHQL_MAX_TOKENS): graphql-js's own `maxTokens` parse option
 *   stops the parser early, so a huge document costs no more than the limit;
 * - depth, aliases, directives (GRAPHQL_MAX_DEPTH/ALIASES/DIRECTIVES):
 *   graphql-armor's validation rules;
 * - cost (GRAPHQL_MAX_COST): graphql-query-complexity with the variables,
 *   because the Dashboard passes its page size as `$first`, which a rule
 *   that sees only the document (graphql-armor's cost limit) counts as 1.
 *
 * Every refusal is a GraphQL error with code QUERY_TOO_COMPLEX.
 */
export interface DocumentLimits {
  /** Parse options that bound the parser's work. */
  parseOptions: ParseOptions;
  /** Validation rules added to graphql-js's specified rules. */
  validationRules: ValidationRule[];
  /** Throws QUERY_TOO_COMPLEX when the text is too long or nested too deep to parse. */
  assertSize(query: string): void;
  /** Throws QUERY_TOO_COMPLEX when the operation, with these variables, costs more than allowed. */
  assertCost(document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string | null): void;
}

/**
 * Deepest nesting of `{`, `[` and `(` a document may have: far above what
 * GRAPHQL_MAX_DEPTH lets run (a field level is one or two), far below what
 * overflows graphql-js's recursive parser (a few thousand).
 */
export const MAX_DOCUMENT_NESTING = 128;

const BLOCK_QUOTE = '"'.repeat(3);

/** Whether the document's brackets, outside strings and comments, nest deeper than `limit`: one pass, no parsing. */
function nestedDeeperThan(query: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '#') {
      while (i < query.length && query[i] !== '\n' && query[i] !== '\r') i++;
    } else if (c === '"' && query.startsWith(BLOCK_QUOTE, i)) {
      // A block string ends at the next unescaped triple quote.
      let end = query.indexOf(BLOCK_QUOTE, i + 3);
      while (end > 0 && query[end - 1] === '\\') end = query.indexOf(BLOCK_QUOTE, end + 3);
      i = end < 0 ? query.length : end + 2;
    } else if (c === '"') {
      for (i++; i < query.length && query[i] !== '"' && query[i] !== '\n'; i++) if (query[i] === '\\') i++;
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > limit) return true;
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return false;
}

/** A QUERY_TOO_COMPLEX error (400 over HTTP). */
export function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });
}

/**
 * A list field's cost is its selection's times its `first`/`last` (the page
 * size it asks for); other fields cost one plus their selection.
 */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
  return size === undefined ? undefined : (1 + childComplexity) * Math.max(size, 1);
};

/** The document limits configured for this hub (see DocumentLimits). */
export function documentLimits(config: Config, schema: GraphQLSchema): DocumentLimits {
  const { limits } = config;
  // graphql-armor reports through these hooks; with propagation off its rules do not throw out of validate().
  const refuse = {
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [
      (ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(tooComplex(err.message.replace(/^Syntax Error: /, ''))),
    ],
  };
  const validationRules: ValidationRule[] = [
    maxDepthRule({ n: limits.depth, ...refuse }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.aliases, ...refuse }) as unknown as ValidationRule,
    maxDirectivesRule({ n: limits.directives, ...refuse }) as unknown as ValidationRule,
  ];
  if (!config.introspection) validationRules.push(NoSchemaIntrospectionCustomRule);

  return {
    parseOptions: { maxTokens: limits.tokens },
    validationRules,
    assertSize(query) {
      if (Buffer.byteLength(query, 'utf8') > limits.documentBytes) {
        throw tooComplex(`The document is longer than ${limits.documentBytes} bytes`);
      }
      if (nestedDeeperThan(query, MAX_DOCUMENT_NESTING)) {
        throw tooComplex(`The document is nested deeper than ${MAX_DOCUMENT_NESTING} levels`);
      }
    },
    assertCost(document, variables, operationName) {
      let cost: number;
      try {
        cost = getComplexity({
          schema,
          query: document,
          variables: variables ?? {},
          operationName: operationName ?? undefined,
          estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
        });
      } catch (err) {
        if (err instanceof GraphQLError && /maximum allowed number of nodes/.test(err.message)) {
          throw tooComplex('The operation has too many fields');
        }
        // Variables that do not coerce (or an unknown operation name): execution refuses them before any resolver runs.
        return;
      }
      if (cost > limits.cost) throw tooComplex(`The operation costs ${cost}, more than the limit of ${limits.cost}`);
    },
  };
}

/** Longest error message a client gets (graphql-js quotes names and values from the request, whatever their length). */
export const MAX_MESSAGE_LENGTH = 1000;

/** The formatted error with its message cut to MAX_MESSAGE_LENGTH characters. */
export function shortMessage<E extends { message: string }>(error: E): E {
  return error.message.length <= MAX_MESSAGE_LENGTH ? error : { ...error, message: `${error.message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` };
}
