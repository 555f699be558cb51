import crypto from 'node:crypto';
import type { TestHub } from './hub';
import type { RawError } from './raw';

export interface Sent {
  status: number;
  ms: number;
  body: { data?: Record<string, any> | null; errors?: RawError[] } | null;
}

/** Sends a GraphQL body as given (a string is sent verbatim), as an abusive client would. */
export async function send(
  hub: Pick<TestHub, 'url'>,
  body: unknown,
  token?: string | null,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Sent> {
  const started = Date.now();
  const response = await fetch(hub.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': crypto.randomUUID(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...init.headers,
    },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    signal: init.signal,
  });
  const text = await response.text();
  let parsed: Sent['body'] = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (e.g. express's HTML error page): the status is what the caller checks.
  }
  return { status: response.status, ms: Date.now() - started, body: parsed };
}

/** Error codes of a response body. */
export const codesOf = (sent: Sent) => (sent.body?.errors ?? []).map((e) => e.extensions?.code);

/**
 * A document `levels` deep that fans out through the care team and back:
 * patients → care team → provider → patients → … (the runaway of issue 19).
 */
export function fanOut(levels: number, first = 100): string {
  let inner = 'id name';
  for (let i = 0; i < levels; i++) inner = `id patients(first: ${first}) { edges { node { id careTeam { provider { ${inner} } } } } }`;
  return `{ me { ${inner} } }`;
}
