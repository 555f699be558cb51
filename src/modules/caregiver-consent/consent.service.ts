import { access } from '../../auth/access';
import type { Context } from '../../core/context';
import { ActorKind } from '../../core/audit-record.entity';
import { createdValues } from '../../core/changes';
import { badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { withNote, writePatient } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { Patient } from '../patients';
import { CaregiverConsent } from './consent.entity';
import type { GrantCaregiverConsentInput, RevokeCaregiverConsentInput } from './consent.types';

export const ConsentEvent = defineEventTypes({
  CAREGIVER_CONSENT_GRANTED:
    'The patient (or ADMIN on their behalf, with a reason) let a caregiver of their support network act for them, or changed the scopes of their consent.',
  CAREGIVER_CONSENT_REVOKED:
    "The patient (or ADMIN on their behalf) ended a caregiver's consent: the caregiver's access ends at once, open subscriptions included.",
});

/**
 * Who may change a patient's consents: the patient themself, or ADMIN on
 * their behalf with a reason (returned, for the record). Anyone else — a
 * provider, a caregiver, another patient — is told NOT_FOUND.
 */
function onBehalf(ctx: Context, patientId: string, reason: string | null | undefined): string | null {
  const { viewer } = ctx;
  if (viewer.kind === 'PATIENT' && viewer.patientId === patientId) return null;
  if (viewer.isAdmin) {
    if (!reason?.trim()) throw badInput('reason', "ADMIN acting on the patient's behalf must give a reason");
    return reason.trim();
  }
  throw access.refuse(ctx, patientId, notFound('Patient', patientId));
}

export const caregiverConsents = {
  /** Grants a consent, or sets the scopes of the one in force: one write, CAREGIVER_CONSENT_GRANTED. */
  async grant(ctx: Context, input: GrantCaregiverConsentInput): Promise<CaregiverConsent> {
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const contactId = expectId('SupportContact', input.contactId, 'contactId');
    const reason = onBehalf(ctx, patientId, input.reason);
    const scopes = [...new Set(input.scopes)];
    return writePatient(ctx, patientId, async (write) => {
      const patient = await write.em.findOneOrFail(Patient, patientId, { refresh: true });
      const contact = patient.supportNetwork.find((c) => c.id === contactId);
      if (!contact) throw badInput('contactId', "The caregiver must be a contact on the patient's support network");
      let consent = await write.em.findOne(CaregiverConsent, { patient: patientId, contactId, revokedAt: null });
      const kind = ctx.viewer.kind as ActorKind;
      if (consent) {
        consent.scopes = scopes;
        consent.grantedAt = new Date();
        consent.grantedByKind = kind;
        consent.grantReason = reason;
      } else {
        consent = write.em.create(CaregiverConsent, { patient: patientId, contactId, scopes, grantedByKind: kind, grantReason: reason });
      }
      write.event({
        type: ConsentEvent.CAREGIVER_CONSENT_GRANTED,
        summary: withNote(`${by(ctx)} let ${contact.name} (${contact.relationship}) act for the patient: ${scopes.join(', ')}`, reason),
        subjects: [consent.id],
        changes: createdValues({ contactId, scopes }),
        note: reason,
      });
      return consent;
    });
  },

  /** Ends the consent in force (NOT_FOUND when there is none): one write, CAREGIVER_CONSENT_REVOKED. */
  async revoke(ctx: Context, input: RevokeCaregiverConsentInput): Promise<CaregiverConsent> {
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const contactId = expectId('SupportContact', input.contactId, 'contactId');
    const reason = onBehalf(ctx, patientId, input.reason);
    return writePatient(ctx, patientId, async (write) => {
      const consent = await write.em.findOne(CaregiverConsent, { patient: patientId, contactId, revokedAt: null });
      if (!consent) throw notFound('Caregiver consent', contactId);
      const patient = await write.em.findOneOrFail(Patient, patientId);
      const contact = patient.supportNetwork.find((c) => c.id === contactId);
      consent.revokedAt = new Date();
      consent.revokedReason = reason;
      write.event({
        type: ConsentEvent.CAREGIVER_CONSENT_REVOKED,
        summary: withNote(
          `${by(ctx)} ended the consent of ${contact ? `${contact.name} (${contact.relationship})` : 'a former contact'}`,
          reason,
        ),
        subjects: [consent.id],
        note: reason,
      });
      return consent;
    });
  },

  /** The consents of a patient, in force first and then revoked, newest first; whoever may see the list checked beforehand. */
  async ofPatient(ctx: Context, patientId: string, includeRevoked: boolean): Promise<CaregiverConsent[]> {
    return ctx.em.find(
      CaregiverConsent,
      { patient: patientId, ...(includeRevoked ? {} : { revokedAt: null }) },
      { orderBy: { revokedAt: 'asc nulls first', grantedAt: 'desc', id: 'asc' } },
    );
  },
};

function by(ctx: Context): string {
  return ctx.viewer.kind === 'PATIENT' ? 'The patient' : "ADMIN, on the patient's behalf,";
}
