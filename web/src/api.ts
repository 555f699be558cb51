/**
 * Talking to the hub over HTTP: GraphQL queries and mutations with plain
 * fetch, the signed-in session (the bearer token lives in sessionStorage for
 * this tab, never in a URL), and the demo sign-in routes.
 */

const SESSION_KEY = 'carehub.token';

export interface Session {
  token: string;
  expiresAt?: string;
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** A GraphQL error as the hub sends it: a message and a code (docs/contract.md, "Errors"). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What to tell the clinician for a failed request: what happened and what to do. */
export function explain(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'CONFLICT':
        return 'Changed by someone else — reloaded. Check it and try again.';
      case 'UNAUTHENTICATED':
        return 'Your sign-in is no longer valid: sign in again.';
      case 'FORBIDDEN':
        return `Not allowed: ${err.message}`;
      case 'NOT_FOUND':
        return 'Not found: it may have been removed, or you are no longer on this care team. The panel was reloaded.';
      case 'INVALID_TRANSITION':
        return `${err.message} The panel was reloaded.`;
      case 'BAD_USER_INPUT':
        return `Please correct the input${err.field ? ` (${err.field})` : ''}: ${err.message}`;
      case 'RATE_LIMITED':
        return 'Too many requests: wait a moment and try again.';
      case 'NETWORK':
        return 'The hub cannot be reached: check the connection; the page retries on its own.';
      default:
        return `${err.message} (${err.code})`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Called when the hub says the token is no longer valid (the page then asks to sign in again). */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(callback: () => void): void {
  onUnauthenticated = callback;
}

interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string };
}

/**
 * Sends one GraphQL operation; resolves to `data` and the errors of fields
 * that failed alone (a patient card no longer visible), or throws when there
 * is no data at all (the first error as an ApiError).
 */
export async function gqlPartial<T>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data: T; errors: GraphQLError[] }> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError('The hub cannot be reached', 'NETWORK');
  }
  const body = (await response.json().catch(() => ({}))) as { data?: T | null; errors?: GraphQLError[] };
  const errors = body.errors ?? [];
  if (errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) onUnauthenticated();
  if (body.data == null) {
    const first = errors[0];
    if (first) throw new ApiError(first.message, first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.extensions?.field);
    throw new ApiError(`The hub answered ${response.status}`, 'HTTP_ERROR');
  }
  return { data: body.data, errors };
}

/** Sends one GraphQL operation; resolves to `data`, or throws the first error as an ApiError. */
export async function gql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { data, errors } = await gqlPartial<T>(token, query, variables);
  const first = errors[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.extensions?.field);
  return data;
}

export interface DemoProvider {
  id: string;
  name: string;
  discipline: string;
  specialty: string | null;
  organization: string;
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { errors?: { message: string; extensions?: { code?: string } }[] };
  if (!response.ok) {
    const first = body.errors?.[0];
    throw new ApiError(first?.message ?? `The hub answered ${response.status}`, first?.extensions?.code ?? 'HTTP_ERROR');
  }
  return body;
}

export async function signInOptions(): Promise<{ demo: boolean; oidc: import('./oidc').OidcOptions | null }> {
  return json(await fetch('/auth/options'));
}

export async function demoProviders(search: string): Promise<DemoProvider[]> {
  const { providers } = await json<{ providers: DemoProvider[] }>(await fetch(`/auth/demo-providers?search=${encodeURIComponent(search)}`));
  return providers;
}

export async function demoToken(providerId: string): Promise<Session> {
  return json<Session>(
    await fetch('/auth/demo-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ providerId }),
    }),
  );
}
