import type { Changes } from '../../core/changes';
import type { PatientWrite } from '../../core/patient-write';
import { medicationSafety, overrideChanges, overrideSummary, type MedicationConflict, type MedicationToCheck } from '../medication-safety';
import type { Allergy, Medication } from './patient.embeddables';

/** The two lists of the record the allergy–medication check reads. */
export interface SafetyRecord {
  allergies: readonly Pick<Allergy, 'substance' | 'criticality'>[];
  medications: readonly Pick<Medication, 'name'>[];
}

/** The medications of `after` that `before` does not hold (by drug, not dose), with the input field that names each. */
function addedMedications(
  before: SafetyRecord['medications'],
  after: SafetyRecord['medications'],
  fieldOf: (index: number) => string,
): MedicationToCheck[] {
  return after
    .map((m, i) => ({ name: m.name, field: fieldOf(i) }))
    .filter((m) => !before.some((b) => medicationSafety.isSameMedication(b.name, m.name)));
}

/** The record's medications that conflict with its allergies, most serious first. */
export function conflictsOf(record: SafetyRecord): MedicationConflict[] {
  return medicationSafety.conflicts(
    record.allergies,
    record.medications.map((m) => m.name),
  );
}

/**
 * How the record's medication conflicts changed, for the event: as a field
 * change `medicationConflicts` when they did, and a summary warning for a
 * conflict that appeared without an override (an allergy recorded while a
 * conflicting medication is already on the record: accepted, never lost, but
 * said out loud).
 */
function conflictChanges(before: MedicationConflict[], after: MedicationConflict[], overridden: MedicationConflict[]) {
  const key = (c: MedicationConflict) => JSON.stringify([c.allergy, c.medication]);
  const known = new Set([...before, ...overridden].map(key));
  const appeared = after.filter((c) => !known.has(key(c)));
  const warning = appeared.length
    ? `; review: ${appeared.map((c) => `"${c.medication}" conflicts with the allergy to "${c.allergy}" (${c.criticality})`).join(', ')}`
    : '';
  const changed = JSON.stringify(before) !== JSON.stringify(after);
  const changes: Changes = changed ? { medicationConflicts: { from: before, to: after } } : {};
  return { changes, warning };
}

/**
 * The safety rule of every edit of an existing record (updatePatient and the
 * list-item mutations), written once: a medication the edit adds (a drug the
 * record does not hold yet, whatever its dose) is checked against the
 * allergies the record will have — SAFETY_CONFLICT unless `overrideReason` —
 * and an allergy that makes a recorded medication conflict is accepted and
 * said out loud. Returns what the event adds: its changes and summary suffix.
 */
export function guardRecordEdit(
  write: PatientWrite,
  before: SafetyRecord,
  after: SafetyRecord,
  options: { overrideReason?: string | null; fieldOf: (index: number) => string },
): { changes: Changes; summary: string } {
  const override = medicationSafety.guard(write, {
    allergies: after.allergies,
    medications: addedMedications(before.medications, after.medications, options.fieldOf),
    overrideReason: options.overrideReason,
  });
  const conflicts = conflictChanges(conflictsOf(before), conflictsOf(after), override?.conflicts ?? []);
  return {
    changes: { ...overrideChanges(override), ...conflicts.changes },
    summary: `${overrideSummary(override)}${conflicts.warning}`,
  };
}

/** The safety rule of a new record: every medication is new, so each conflict is refused or overridden. */
export function guardNewRecord(write: PatientWrite, record: SafetyRecord, overrideReason: string | null | undefined) {
  const override = medicationSafety.guard(write, {
    allergies: record.allergies,
    medications: addedMedications([], record.medications, (i) => `medications.${i}.name`),
    overrideReason,
  });
  return { changes: overrideChanges(override), summary: overrideSummary(override) };
}
