import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forbidden, notFound } from '../core/errors';
import { consentedScopes, type ConsentScope } from './consent';
import { isActiveMember } from './membership';
import type { Viewer } from './viewer';

/**
 * What an access decision needs to know about the request, and nothing else:
 * who asks, the per-request membership loader (`membershipLoader`), and the
 * audit trail that records every patient the request reached. The request
 * context provides it; so can a script or a FHIR handler.
 */
export interface AccessScope {
  viewer: Viewer;
  loaders: {
    viewerIsMember: DataLoader<string, boolean>;
    /** patientId → the scopes a CAREGIVER viewer holds on it now (auth/consent.ts); empty for anyone else. */
    viewerConsent: DataLoader<string, readonly ConsentScope[]>;
  };
  audit: { read(patientId: string): void; denied(patientId: string | null): void };
}

/**
 * The one place that decides who may see and do what (docs/contract.md,
 * "Who may do what"). Services call it first; loaders and subscription
 * filters call it too, so every path to patient data passes the same rule:
 *
 * - a provider sees a patient only while an active member of its care team
 *   (auth/membership.ts); to anyone else it does not exist (NOT_FOUND / null /
 *   left out);
 * - ADMIN manages organizations, providers, patients and care teams, and sees
 *   a patient's administrative record (name, MRN, team), but clinical content
 *   only as a team member does;
 * - the patient (a PATIENT viewer) sees and does what concerns themself
 *   through the patient-side operations (`myRecord`, `myEvents`, …); a
 *   caregiver (a CAREGIVER viewer) the same, within the scopes the patient
 *   consented to (auth/consent.ts). To every other operation, and for every
 *   other patient, they are outsiders: `isMember` is false for them, so
 *   clinicians' views (with their internal notes) answer NOT_FOUND;
 * - who else manages a care team (a COORDINATOR member, the owner of an ACTIVE
 *   plan) is the care-team module's one rule, `assertManagesTeam`, which
 *   refuses through `refuse` below.
 */
export const access = {
  /** Is the viewer an active member of the patient's care team? Batched and cached per request. */
  async isMember(scope: AccessScope, patientId: string): Promise<boolean> {
    if (!scope.viewer.providerId) return false;
    return scope.loaders.viewerIsMember.load(patientId);
  },

  /** Clinical access: active care-team membership. Anyone else gets NOT_FOUND. */
  async assertCanSeePatient(scope: AccessScope, patientId: string): Promise<void> {
    if (!(await access.isMember(scope, patientId))) throw refuse(scope, patientId, notFound('Patient', patientId));
    scope.audit.read(patientId);
  },

  /** The administrative record (name, MRN, care team): members, and ADMIN. */
  async assertCanSeePatientRecord(scope: AccessScope, patientId: string): Promise<void> {
    if (!scope.viewer.isAdmin && !(await access.isMember(scope, patientId))) throw refuse(scope, patientId, notFound('Patient', patientId));
    scope.audit.read(patientId);
  },

  /**
   * Clinical fields of a patient record already shown to the viewer: members
   * see them; an ADMIN who is not on the team is told FORBIDDEN (they know the
   * patient exists, they manage it).
   */
  async assertClinical(scope: AccessScope, patientId: string): Promise<void> {
    if (await access.isMember(scope, patientId)) {
      scope.audit.read(patientId);
      return;
    }
    throw refuse(
      scope,
      patientId,
      scope.viewer.isAdmin ? forbidden('Clinical content is visible to care-team members only') : notFound('Patient', patientId),
    );
  },

  /**
   * Does the viewer act for this patient on the patient side: the patient
   * themself, or a caregiver holding `need` in the patient's current consent
   * (any scope when `need` is null)?
   */
  async actsFor(scope: AccessScope, patientId: string, need: ConsentScope | null): Promise<boolean> {
    const { viewer } = scope;
    if (viewer.patientId !== patientId) return false;
    if (viewer.kind === 'PATIENT') return true;
    if (viewer.kind !== 'CAREGIVER') return false;
    const scopes = await scope.loaders.viewerConsent.load(patientId);
    return need ? scopes.includes(need) : scopes.length > 0;
  },

  /**
   * The patient side's one check: the viewer is the patient, or a caregiver
   * with `need`; anyone else is told NOT_FOUND (a caregiver without the scope
   * too: access they were not given is access they do not have). Audited as a
   * read of the patient.
   */
  async assertActsFor(scope: AccessScope, patientId: string, need: ConsentScope | null): Promise<void> {
    if (!(await access.actsFor(scope, patientId, need))) throw refuse(scope, patientId, notFound('Patient', patientId));
    scope.audit.read(patientId);
  },

  /** The patient a PATIENT or CAREGIVER viewer acts for; FORBIDDEN for providers and operators. */
  requirePatientSide(scope: AccessScope): string {
    if (!scope.viewer.patientId || (scope.viewer.kind !== 'PATIENT' && scope.viewer.kind !== 'CAREGIVER'))
      throw forbidden('This operation is for the patient and their caregivers');
    return scope.viewer.patientId;
  },

  assertAdmin(scope: AccessScope): void {
    if (!scope.viewer.isAdmin) throw forbidden('This operation needs the ADMIN role');
  },

  /** The acting provider: clinical writes are made by a provider, never by an operator account. */
  requireProvider(scope: AccessScope): string {
    if (!scope.viewer.providerId) throw forbidden('This operation must be performed by a provider');
    return scope.viewer.providerId;
  },

  /** Clinical writes: an active team member, acting as a provider. Returns the provider id. */
  async assertMember(scope: AccessScope, patientId: string): Promise<string> {
    if (!(await access.isMember(scope, patientId))) {
      throw refuse(
        scope,
        patientId,
        scope.viewer.isAdmin ? forbidden('Clinical changes are made by care-team members only') : notFound('Patient', patientId),
      );
    }
    return access.requireProvider(scope);
  },

  /**
   * Inside a write's transaction, with the patient row locked: does a
   * caregiver still hold `need`? (The patient-side services ask it first thing
   * in their write; `assertStillMember` has already refused one with no consent.)
   */
  async assertStillConsented(em: EntityManager, scope: AccessScope, patientId: string, need: ConsentScope): Promise<void> {
    if (scope.viewer.kind !== 'CAREGIVER') return;
    if (!(await consentedScopes(em, patientId, scope.viewer.sub)).includes(need))
      throw refuse(scope, patientId, notFound('Patient', patientId));
  },

  /**
   * Inside a write's transaction, with the patient row locked: is the writer
   * still an active member? Closes the window between the check made before
   * the transaction and the commit, during which an ADMIN may end the
   * membership (ending it takes the same lock). ADMIN's own writes are
   * administrative and need no membership.
   */
  async assertStillMember(em: EntityManager, scope: AccessScope, patientId: string): Promise<void> {
    const { viewer } = scope;
    if (viewer.isAdmin) return;
    if (viewer.kind === 'PATIENT' && viewer.patientId === patientId) return;
    if (viewer.kind === 'CAREGIVER' && viewer.patientId === patientId) {
      // Revoking takes the same lock: a consent revoked meanwhile is seen here.
      if ((await consentedScopes(em, patientId, viewer.sub)).length) return;
      throw refuse(scope, patientId, notFound('Patient', patientId));
    }
    if (!viewer.providerId || !(await isActiveMember(em, patientId, viewer.providerId)))
      throw refuse(scope, patientId, notFound('Patient', patientId));
  },

  /** Edits of a plan, its goals and its tasks: the plan owner. */
  assertPlanOwner(scope: AccessScope, ownerId: string): void {
    if (scope.viewer.providerId !== ownerId) throw forbidden('Only the care plan owner may do this');
  },

  /**
   * Puts a refusal on the audit trail and returns the error to throw: for a
   * patient (`patientId`), or for an id that names nothing (null).
   */
  refuse<E extends Error>(scope: AccessScope, patientId: string | null, error: E): E {
    scope.audit.denied(patientId);
    return error;
  },
};

const refuse = access.refuse;
