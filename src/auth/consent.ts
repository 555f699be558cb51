import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What a patient lets a caregiver do (the caregiver-consent module grants and
 * revokes; this is the rule, stated once):
 * - VIEW_PLAN: see the patient's record, team, plan, appointments and check-ins (`myRecord`) and follow them live (`myEvents`);
 * - REPORT_CHECK_INS: record check-ins for the patient (source CAREGIVER);
 * - MESSAGE_TEAM: write to the care team on the patient's thread.
 */
export type ConsentScope = 'VIEW_PLAN' | 'REPORT_CHECK_INS' | 'MESSAGE_TEAM';
export const CONSENT_SCOPES: readonly ConsentScope[] = ['VIEW_PLAN', 'REPORT_CHECK_INS', 'MESSAGE_TEAM'];

/**
 * A caregiver's consent is the `caregiver_consent` row for the pair (patient,
 * support contact) whose `revoked_at` is null: at most one such row (a
 * partial unique index), its `scopes` the scopes granted. Revoking sets
 * `revoked_at` (under the patient lock, like ending a membership) and keeps
 * the row as history. A consent also lapses when the contact is taken off
 * the patient's support network (`onRecord`).
 */
/** The consent's contact is still on its patient's support network (served by `patient_support_network_items`). */
const onRecord = (consent: string) =>
  `exists (select 1 from patient p where p.id = ${consent}.patient_id and p.support_network @> jsonb_build_array(jsonb_build_object('id', ${consent}.contact_id)))`;

export async function consentedScopes(em: EntityManager, patientId: string, contactId: string): Promise<ConsentScope[]> {
  const [row] = await em.execute<{ scopes: ConsentScope[] }[]>(
    `select scopes from caregiver_consent c where c.patient_id = ? and c.contact_id = ? and c.revoked_at is null and ${onRecord('c')} limit 1`,
    [patientId, contactId],
  );
  return row?.scopes ?? [];
}

/**
 * patientId → the scopes the viewer (a caregiver, `contactId`) holds on it
 * now; empty for everyone else. Per request (or delivered event), like the
 * membership loader, so a revocation is seen by the next operation.
 */
export function consentLoader(em: EntityManager, contactId: string | null): DataLoader<string, readonly ConsentScope[]> {
  return new DataLoader(async (patientIds) => {
    if (!contactId) return patientIds.map(() => []);
    const rows = await em.execute<{ patient_id: string; scopes: ConsentScope[] }[]>(
      em
        .getKnex()('caregiver_consent')
        .select('patient_id', 'scopes')
        .where('contact_id', contactId)
        .whereNull('revoked_at')
        .whereIn('patient_id', [...patientIds])
        .whereRaw(onRecord('caregiver_consent')),
    );
    const byPatient = new Map(rows.map((r) => [r.patient_id, r.scopes]));
    return patientIds.map((id) => byPatient.get(id) ?? []);
  });
}
