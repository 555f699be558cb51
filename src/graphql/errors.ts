import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { OptimisticLockError } from '@mikro-orm/core';

/** The closed set of error codes clients may rely on (DESIGN.md). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
}

/** Codes produced by graphql-js / Apollo itself for malformed requests; they carry no internals. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const PASS_THROUGH = new Set<string>([...Object.values(ErrorCode), ...REQUEST_ERROR_CODES]);

function error(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'A valid bearer token is required') =>
  error(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });
export const forbidden = (message = 'You are not allowed to do this') => error(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string, id?: string) =>
  error(ErrorCode.NOT_FOUND, `${what} not found`, id === undefined ? {} : { id });
export const badInput = (field: string, message: string) => error(ErrorCode.BAD_USER_INPUT, message, { field });
export const conflict = (message: string, currentVersion: number) =>
  error(ErrorCode.CONFLICT, message, { currentVersion });
export const invalidTransition = (entity: string, from: string, to: string) =>
  error(ErrorCode.INVALID_TRANSITION, `${entity} cannot move from ${from} to ${to}`, { from, to });

/** True for errors produced on purpose with one of our codes. */
export function isClientError(err: unknown): err is GraphQLError {
  return err instanceof GraphQLError && PASS_THROUGH.has(String(err.extensions?.code));
}

/**
 * Turns any error into what the client may see: our codes pass through, input
 * validation becomes BAD_USER_INPUT with the field, everything else is masked
 * (outside development) and reported through `onUnexpected` for the log.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  err: unknown,
  options: { exposeInternals: boolean; onUnexpected: (err: unknown) => void },
): GraphQLFormattedError {
  const original = unwrapResolverError(err);
  const code = formatted.extensions?.code;

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
    // Variable-coercion errors from graphql-js are BAD_USER_INPUT too; strip anything but code/field.
    const { code: c, currentVersion, from, to, id } = formatted.extensions ?? {};
    const field = formatted.extensions?.field ?? (c === 'BAD_USER_INPUT' ? coercedField(formatted.message) : undefined);
    const extensions = Object.fromEntries(
      Object.entries({ code: c, field, currentVersion, from, to, id }).filter(([, v]) => v !== undefined),
    );
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }

  options.onUnexpected(original);
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
