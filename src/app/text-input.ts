import { isUtf8 } from 'node:buffer';
import { Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { badInput } from '../core/errors';

/**
 * NUL, which PostgreSQL's text cannot hold (the driver fails, and its error
 * carries the statement's values), and lone UTF-16 surrogates, which are
 * not text at all.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses, before execution, every string input that is not storable text:
 * the variables as sent and the string literals written in the document.
 * One check for every input type, over HTTP and WebSocket; throws
 * BAD_USER_INPUT whose `field` names the input field as coercion errors do
 * (`name`, `allergies[0].substance`, without the mutation's `input.`).
 */
export function assertTextInputs(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  if (variables) assertTextValues(variables);
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (!NOT_TEXT.test(node.value)) return;
      const named = [...ancestors, parent]
        .reverse()
        .find(
          (a): a is ASTNode & { name: { value: string } } =>
            !Array.isArray(a) && ((a as ASTNode).kind === Kind.ARGUMENT || (a as ASTNode).kind === Kind.OBJECT_FIELD),
        );
      throw refused(named?.name.value ?? 'query');
    },
  });
}

/** Walks the variables without recursion: a body of nested arrays must not overflow the stack. */
function assertTextValues(variables: Record<string, unknown>): void {
  const pending: [unknown, string][] = Object.entries(variables).map(([name, value]) => [value, name]);
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (NOT_TEXT.test(value)) throw refused(path.replace(/^input\./, ''));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push([item, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push([item, `${path}.${key}`]);
    }
  }
}

function refused(field: string) {
  const error = badInput(field, 'Text must not contain NUL characters or unpaired surrogates');
  // Over HTTP a refused input is a request error, like a variable that does not coerce.
  Object.assign(error.extensions, { http: { status: 400 } });
  return error;
}

/** Deepest nesting of arrays and objects a JSON body (or WebSocket message) may have; inputs of the schema need a handful. */
export const MAX_JSON_NESTING = 64;
/** Most values a JSON body may hold (elements and members, counted by their separators). */
export const MAX_JSON_VALUES = 10_000;

/**
 * What is wrong with a JSON text, judged on its raw bytes before it is
 * parsed ("is not valid UTF-8"), or undefined: not UTF-8, nested deeper than MAX_JSON_NESTING, or
 * more than MAX_JSON_VALUES values. JSON.parse takes most of a second over
 * a megabyte of `[[[[…`, and what reads the parsed value afterwards (a
 * recursive walk, JSON.stringify) overflows the stack; one pass over the
 * bytes costs about a millisecond per megabyte.
 */
export function rawJsonProblem(bytes: Uint8Array): string | undefined {
  if (!isUtf8(bytes)) return 'is not valid UTF-8';
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_NESTING) return `is nested deeper than ${MAX_JSON_NESTING} levels`;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c && ++values > MAX_JSON_VALUES) return `holds more than ${MAX_JSON_VALUES} values`;
  }
  return undefined;
}
