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
