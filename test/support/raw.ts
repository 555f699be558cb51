import crypto from 'node:crypto';
import { parse, print } from 'graphql';
import type { TestHub } from './hub';

export interface RawError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}
export interface RawResult {
  status: number;
  data?: Record<string, any> | null;
  errors?: RawError[];
}

/**
 * Sends an operation as any client would: a query string (parsed here, so a
 * typo fails loudly in the test, not as a server validation error), optional
 * bearer token and request id.
 */
export async function post(
  hub: Pick<TestHub, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string | null,
  requestId: string = crypto.randomUUID(),
): Promise<RawResult> {
  const response = await fetch(hub.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(parse(query)), variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any> | null; errors?: RawError[] };
  return { status: response.status, ...body };
}

/** The error codes of a result, in order. */
export const codes = (result: { errors?: readonly { extensions?: { code?: unknown } }[] }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

export const unique = () => crypto.randomBytes(4).toString('hex');
