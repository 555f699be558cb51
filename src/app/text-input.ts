import { isUtf8 } from 'node:buffer';
import { Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { badInput } from '../core/errors';

/**
 * Whether a string is storable text: no NUL, which PostgreSQL's text cannot
 * hold (the driver fails, and its error carries the statement's values),
 * and no lone UTF-16 surrogate, which is not text at all. Native checks: a
 * megabyte costs well under a millisecond.
 */
function isText(value: string): boolean {
  // String.prototype.isWellFormed (ES2024) is in Node 20; TypeScript's lib here stops at ES2023.
  return !value.includes('\u0000') && (value as string & { isWellFormed(): boolean }).isWellFormed();
}

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
      if (isText(node.value)) return;
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

/** A value still to check, and where it sits: the path is spelled out only for a value refused. */
interface Pending {
  value: unknown;
  key: string | number;
  parent: Pending | null;
}

/** Walks the variables without recursion: a body of nested arrays must not overflow the stack. */
function assertTextValues(variables: Record<string, unknown>): void {
  const pending: Pending[] = Object.entries(variables).map(([key, value]) => ({ value, key, parent: null }));
  while (pending.length) {
    const entry = pending.pop()!;
    const { value } = entry;
    if (typeof value === 'string') {
      if (!isText(value)) throw refused(pathOf(entry).replace(/^input\./, ''));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push({ value: item, key: i, parent: entry }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push({ value: item, key, parent: entry });
    }
  }
}

/** `allergies[0].substance` for the value at that place. */
function pathOf(entry: Pending): string {
  let path = '';
  for (let at: Pending | null = entry; at; at = at.parent) {
    path = (typeof at.key === 'number' ? `[${at.key}]` : at.parent ? `.${at.key}` : at.key) + path;
  }
  return path;
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
