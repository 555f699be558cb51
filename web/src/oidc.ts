import type { Session } from './api';

/**
 * OpenID Connect sign-in: authorization code with PKCE (RFC 7636), the page
 * being a public client. The verifier and state wait in sessionStorage while
 * the browser is at the identity provider; the code comes back in the URL
 * and is removed from it at once; the token never appears in a URL.
 */
export interface OidcOptions {
  issuer: string;
  clientId: string;
  scope: string;
}

const PENDING_KEY = 'carehub.oidc';

interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

async function discover(issuer: string): Promise<{ authorization_endpoint: string; token_endpoint: string }> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok)
    throw new Error(`The identity provider's configuration could not be read (${response.status}): tell your administrator.`);
  return response.json();
}

/** Sends the browser to the identity provider's login. */
export async function startOidcLogin(options: OidcOptions): Promise<void> {
  const { authorization_endpoint, token_endpoint } = await discover(options.issuer);
  const verifier = random();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const pending: Pending = {
    state: random(),
    verifier,
    tokenEndpoint: token_endpoint,
    clientId: options.clientId,
    redirectUri: `${location.origin}/`,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: pending.redirectUri,
    scope: options.scope,
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${authorization_endpoint}?${query}`);
}

/**
 * On the way back from the identity provider (`?code=…&state=…`, or
 * `?error=…`): exchanges the code for a token and clears the URL. Resolves
 * to null when the page was not opened by a login redirect.
 */
export async function finishOidcLogin(): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  history.replaceState(null, '', location.pathname);
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (params.has('error')) {
    throw new Error(`The identity provider refused the sign-in (${params.get('error_description') ?? params.get('error')}): try again.`);
  }
  const pending = raw ? (JSON.parse(raw) as Pending) : null;
  if (!pending || pending.state !== params.get('state'))
    throw new Error('This sign-in was not started here (state mismatch): sign in again.');
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code')!,
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
  if (!response.ok || !body.access_token)
    throw new Error(`The identity provider gave no token (${body.error ?? response.status}): sign in again.`);
  return {
    token: body.access_token,
    expiresAt: body.expires_in ? new Date(Date.now() + body.expires_in * 1000).toISOString() : undefined,
  };
}
