import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { OptimisticLockError } from '@mikro-orm/core';

/** The closed set of error codes clients may rely on (docs/contract.md). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  /** The document exceeds a limit (size, tokens, depth, aliases, directives, cost) or ran past its deadline. */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** A medication conflicts with a recorded allergy and no `overrideReason` was given; nothing was written. */
  SAFETY_CONFLICT = 'SAFETY_CONFLICT',
}

/** Codes produced by graphql-js / Apollo itself for malformed requests; they carry no internals. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'PERSISTED_QUERY_NOT_IN_LIST',
]);

/** graphql-js's message when its `maxTokens` parse option stops the parser (reported as a syntax error). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens/; // graphql 16 writes "more that"
/** graphql-js's "Did you mean …" hints, which tell a stranger the schema's names. */
const SUGGESTION = / ?Did you mean .*\?$/;

const PASS_THROUGH = new Set<string>([...Object.values(ErrorCode), ...REQUEST_ERROR_CODES]);

function error(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'A valid bearer token is required') =>
  error(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });
export const forbidden = (message = 'You are not allowed to do this') => error(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string, id?: string) => error(ErrorCode.NOT_FOUND, `${what} not found`, id === undefined ? {} : { id });
export const badInput = (field: string, message: string) => error(ErrorCode.BAD_USER_INPUT, message, { field });
export const conflict = (message: string, currentVersion: number) => error(ErrorCode.CONFLICT, message, { currentVersion });
export const invalidTransition = (entity: string, from: string, to: string) =>
  error(ErrorCode.INVALID_TRANSITION, `${entity} cannot move from ${from} to ${to}`, { from, to });

/** What a SAFETY_CONFLICT says about the (most serious) conflict, and every conflict found. */
export interface SafetyConflictExtensions {
  /** The input field naming the medication, e.g. `medications.1.name`, `medication`. */
  field: string;
  /** The allergy's substance as recorded. */
  allergy: string;
  /** The medication as given. */
  medication: string;
  /** The allergy's criticality (LOW, HIGH, UNABLE_TO_ASSESS). */
  criticality: string;
  /** SAME_SUBSTANCE, SAME_CLASS or CROSS_REACTIVITY. */
  match: string;
  /** The class through which they conflict; null for the same substance. */
  drugClass: string | null;
  /** What a clinician should know about this kind of conflict; null when nothing. */
  note: string | null;
  /** The drug in the medication that conflicts (amoxicillin in "Augmentin"); null for a name the table does not know. */
  ingredient: string | null;
  /** Every conflict found, most serious first (the first is the one above), without `field`. */
  conflicts: object[];
}
export const safetyConflict = (message: string, extensions: SafetyConflictExtensions) =>
  error(ErrorCode.SAFETY_CONFLICT, message, { ...extensions });

/** Extensions our codes carry to the client (everything else is stripped). */
const PASSED_EXTENSIONS = [
  ...['currentVersion', 'from', 'to', 'id'],
  // SAFETY_CONFLICT
  ...['allergy', 'medication', 'criticality', 'match', 'drugClass', 'note', 'ingredient', 'conflicts'],
];

/** How errors are masked: internals shown only in development; unexpected errors reported for the log. */
export interface ErrorMasking {
  exposeInternals: boolean;
  /** Keep graphql-js's "Did you mean …" hints in messages (GRAPHQL_SUGGESTIONS). */
  suggestions: boolean;
  /** Reports an error the client sees as INTERNAL_SERVER_ERROR, with the request it happened in when known. */
  onUnexpected: (err: unknown, requestId?: string) => void;
}

/**
 * The code an error really has when Apollo or graphql-js would report it
 * under another: a limit refused during validation (Apollo recodes every
 * validation error GRAPHQL_VALIDATION_FAILED), the parser's token limit (a
 * syntax error to graphql-js), and Apollo's uncoded 400s for automatic
 * persisted queries (a hash that does not match the query).
 */
function recoded(err: unknown, formatted: GraphQLFormattedError): string | undefined {
  if (!(err instanceof GraphQLError)) return undefined;
  const inner = err.originalError;
  if (inner instanceof GraphQLError && inner.extensions.code === ErrorCode.QUERY_TOO_COMPLEX) return ErrorCode.QUERY_TOO_COMPLEX;
  if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && TOO_MANY_TOKENS.test(err.message)) return ErrorCode.QUERY_TOO_COMPLEX;
  const status = (err.extensions.http as { status?: unknown } | undefined)?.status;
  if (err.extensions.code === undefined && status === 400) {
    return err.message === 'provided sha does not match query' ? 'PERSISTED_QUERY_HASH_MISMATCH' : 'BAD_REQUEST';
  }
  return undefined;
}

/**
 * Turns any error into what the client may see: our codes pass through, input
 * validation becomes BAD_USER_INPUT with the field, everything else is masked
 * (outside development) and reported through `onUnexpected` for the log.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  err: unknown,
  options: ErrorMasking,
  requestId?: string,
): GraphQLFormattedError {
  const original = unwrapResolverError(err);
  const code = recoded(original, formatted) ?? formatted.extensions?.code;

  if (original instanceof ArgumentValidationError) {
    const first = original.extensions.validationErrors[0];
    const field = first ? [first.property, ...nestedPath(first.children)].join('.') : undefined;
    const message = first ? firstConstraint(first) : 'Invalid input';
    return {
      message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.BAD_USER_INPUT, field },
    };
  }
  if (original instanceof OptimisticLockError) {
    return {
      message: 'The record was changed by someone else; reload and try again',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.CONFLICT },
    };
  }
  if (code === 'BAD_USER_INPUT' || (typeof code === 'string' && PASS_THROUGH.has(code))) {
    // Variable-coercion errors from graphql-js are BAD_USER_INPUT too; strip anything but code, field and our own extensions.
    const field = formatted.extensions?.field ?? (code === 'BAD_USER_INPUT' ? coercedField(formatted.message) : undefined);
    const passed = PASSED_EXTENSIONS.map((key) => [key, formatted.extensions?.[key]] as const);
    const extensions = Object.fromEntries([['code', code], ['field', field], ...passed].filter(([, v]) => v !== undefined));
    const message = options.suggestions ? formatted.message : formatted.message.replace(SUGGESTION, '');
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  }

  options.onUnexpected(original, requestId);
  if (options.exposeInternals) return formatted;
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * The field a graphql-js variable-coercion message names: `Variable "$input"
 * got invalid value … at "input.birthDate"` → `birthDate` (fields of a
 * mutation's `input` are named as in the input, like class-validator's);
 * `Variable "$first" …` → `first`.
 */
function coercedField(message: string): string | undefined {
  const at = /got invalid value .*? at "([^"]+)"/.exec(message)?.[1];
  const variable = /^Variable "\$(\w+)"/.exec(message)?.[1];
  const path = at ?? variable;
  return path?.replace(/^input\./, '');
}

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

function nestedPath(children: ValidationErrorLike[] | undefined): string[] {
  const child = children?.[0];
  return child ? [child.property, ...nestedPath(child.children)] : [];
}

function firstConstraint(error: ValidationErrorLike): string {
  if (error.constraints) return Object.values(error.constraints)[0] ?? 'Invalid value';
  const child = error.children?.[0];
  return child ? firstConstraint(child) : 'Invalid value';
}

/** Optimistic concurrency: a stale `expectedVersion` → CONFLICT carrying the current version. */
export function assertVersion(entity: { version: number }, expected: number | null | undefined, what: string): void {
  if (expected != null && entity.version !== expected) {
    throw conflict(`${what} is at version ${entity.version}, not ${expected}`, entity.version);
  }
}

/**
 * Runs a check of one part of a larger input (a rule of a plan template,
 * checked by the warning-sign rules' own check), naming the field of its
 * BAD_USER_INPUT inside `path`: `threshold` becomes `warningSignRules.1.threshold`.
 */
export async function inField<T>(path: string, check: () => Promise<T> | T): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions.code === ErrorCode.BAD_USER_INPUT) {
      const field = typeof err.extensions.field === 'string' ? `${path}.${err.extensions.field}` : path;
      throw badInput(field, err.message);
    }
    throw err;
  }
}
