import type { Flag } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { AlertStatus, type Alert } from '../modules/alerts';
import { fhirId, ref } from './ids';
import { fhirInstant, HUB_SYSTEM } from './input';

const FLAG_CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';
/** Flag.status (value set flag-status): an alert is active until resolved. */
export const FLAG_STATUS: Record<AlertStatus, 'active' | 'inactive'> = {
  OPEN: 'active',
  ACKNOWLEDGED: 'active',
  RESOLVED: 'inactive',
};

/** Flag: an alert (a warning sign met, a missed check-in) the team must act on, its severity as our code, active until resolved. */
export function toFlag(alert: Alert): Flag {
  return {
    resourceType: 'Flag',
    id: fhirId(alert.id),
    meta: { versionId: String(alert.version), lastUpdated: alert.updatedAt.toISOString() },
    status: FLAG_STATUS[alert.status],
    category: [{ coding: [{ system: FLAG_CATEGORY, code: 'clinical' }] }],
    code: { coding: [{ system: HUB_SYSTEM.alertSeverity, code: alert.severity }], text: alert.summary },
    subject: ref('Patient', alert.patient.id),
    period: { start: fhirInstant(alert.createdAt), ...(alert.resolvedAt ? { end: fhirInstant(alert.resolvedAt) } : {}) },
  };
}
