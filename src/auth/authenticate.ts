import type { EntityManager } from '@mikro-orm/postgresql';
import { unauthenticated } from '../core/errors';
import { InvalidTokenError, type TokenVerifier } from './tokens';
import type { Viewer } from './viewer';

/**
 * Turns an `Authorization` value into the viewer, or throws UNAUTHENTICATED:
 * no token, a bad/expired token, or a subject that is no provider (unless the
 * token carries the ADMIN role, which operators use).
 */
export async function authenticate(authorization: string | undefined, verifier: TokenVerifier, em: EntityManager): Promise<Viewer> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (!match) throw unauthenticated();
  let claims;
  try {
    claims = await verifier.verify(match[1]);
  } catch (err) {
    if (err instanceof InvalidTokenError) throw unauthenticated(`Invalid bearer token: ${err.message}`);
    throw err;
  }
  const isAdmin = claims.roles.includes('ADMIN');
  // Once per request: a plain statement, not an ORM query (no metadata walk, no identity map).
  const [provider] = await em.getConnection().execute<{ id: string }[]>('select id from provider where id = ?', [claims.sub]);
  if (!provider && !isAdmin) throw unauthenticated('The token does not belong to a known provider');
  return { sub: claims.sub, providerId: provider?.id ?? null, isAdmin, expiresAt: claims.expiresAt };
}
