import type { EntityManager } from '@mikro-orm/postgresql';
import { unauthenticated } from '../core/errors';
import { InvalidTokenError, type TokenVerifier } from './tokens';
import type { Viewer } from './viewer';

/**
 * Turns an `Authorization` value into the viewer, or throws UNAUTHENTICATED:
 * no token, a bad/expired token, or a subject that is not what the token
 * says it is. A token is, by its `kind` claim:
 * - none: a provider (`sub` a Provider id), or an operator when it carries
 *   the ADMIN role;
 * - "patient": the patient whose id is `sub`;
 * - "caregiver": the person of a patient's support network whose
 *   SupportContact id is `sub` (the contact's patient is the one they act for;
 *   what they may do is the patient's consent, auth/access.ts).
 * Patient and caregiver tokens never carry a role: one that does is refused.
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
  const base = { sub: claims.sub, isAdmin: false, providerId: null, expiresAt: claims.expiresAt };
  // Once per request: plain statements, not ORM queries (no metadata walk, no identity map).
  const connection = em.getConnection();
  if (claims.kind) {
    if (claims.roles.length) throw unauthenticated('Patient and caregiver tokens carry no roles');
    if (claims.kind === 'patient') {
      const [patient] = await connection.execute<{ id: string }[]>('select id from patient where id = ?', [claims.sub]);
      if (!patient) throw unauthenticated('The token does not belong to a known patient');
      return { ...base, kind: 'PATIENT', patientId: patient.id };
    }
    // Contact ids are random and prefixed, unique across records; the index
    // `patient_support_network_items` (the patients module's entity) serves this lookup.
    const [patient] = await connection.execute<{ id: string }[]>('select id from patient where support_network @> ?::jsonb limit 1', [
      JSON.stringify([{ id: claims.sub }]),
    ]);
    if (!patient) throw unauthenticated('The token does not belong to a known caregiver');
    return { ...base, kind: 'CAREGIVER', patientId: patient.id };
  }
  const isAdmin = claims.roles.includes('ADMIN');
  const [provider] = await connection.execute<{ id: string }[]>('select id from provider where id = ?', [claims.sub]);
  if (!provider && !isAdmin) throw unauthenticated('The token does not belong to a known provider');
  return provider
    ? { ...base, kind: 'PROVIDER', providerId: provider.id, patientId: null, isAdmin }
    : { ...base, kind: 'OPERATOR', patientId: null, isAdmin };
}
