/**
 * What kind of principal a token stands for:
 * - PROVIDER: a clinician (`sub` = a Provider id), possibly also ADMIN;
 * - OPERATOR: an ADMIN token whose subject is no provider;
 * - PATIENT: the patient themself (`sub` = their Patient id, claim `kind: "patient"`);
 * - CAREGIVER: a person of a patient's support network (`sub` = the
 *   SupportContact id on that patient's record, claim `kind: "caregiver"`),
 *   who acts for the patient only within the scopes the patient consented to.
 */
export type PrincipalKind = 'PROVIDER' | 'OPERATOR' | 'PATIENT' | 'CAREGIVER';

/**
 * Who is asking. Built once per request (or WebSocket connection) from the
 * verified token; everything below GraphQL decides access from it.
 */
export interface Viewer {
  /** The token subject: a provider id, an operator id on ADMIN tokens, a patient id, or a support contact id. */
  sub: string;
  /** Which kind of principal the token stands for. */
  kind: PrincipalKind;
  /** The provider behind the token, or null for an operator, a patient or a caregiver. */
  providerId: string | null;
  /** The patient a PATIENT or CAREGIVER viewer acts for (themself, or the patient they care for); null for providers and operators. */
  patientId: string | null;
  /** ADMIN role: only ever on PROVIDER and OPERATOR viewers. */
  isAdmin: boolean;
  /** When the credentials behind this viewer expire: a WebSocket connection ends then. */
  expiresAt?: Date;
}

/** A provider acting as themself (scripts, demo data and tests build these; requests build them from tokens). */
export function providerViewer(providerId: string, isAdmin = false): Viewer {
  return { sub: providerId, kind: 'PROVIDER', providerId, patientId: null, isAdmin };
}

/** An operator (ADMIN, no provider): the scheduler, the demo loader, scripts. */
export function operatorViewer(sub: string): Viewer {
  return { sub, kind: 'OPERATOR', providerId: null, patientId: null, isAdmin: true };
}

/** Is the viewer the patient themself or one of their caregivers (a person outside the care team)? */
export function isPatientSide(viewer: Viewer): boolean {
  return viewer.kind === 'PATIENT' || viewer.kind === 'CAREGIVER';
}
