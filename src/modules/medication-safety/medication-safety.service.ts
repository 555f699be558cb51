import { safetyConflict } from '../../core/errors';
import type { PatientWrite } from '../../core/patient-write';
import { compare, medicationIdentity, type SafetyMatch } from './matcher';

/** An allergy as the check needs it (the patients module's `Allergy` fits). */
export interface AllergyLike {
  substance: string;
  /** LOW, HIGH or UNABLE_TO_ASSESS. */
  criticality: string;
}

/** A medication being added, and the input field that names it (for `extensions.field`). */
export interface MedicationToCheck {
  name: string;
  field: string;
}

/** A medication that conflicts with a recorded allergy: what the error's extensions, the event and `Patient.medicationConflicts` say. */
export interface MedicationConflict {
  /** The allergy's substance, as recorded. */
  allergy: string;
  /** The medication, as given. */
  medication: string;
  /** The allergy's criticality: how serious a reaction could be. */
  criticality: string;
  match: SafetyMatch;
  /** The class through which they conflict (the medication's, for a cross-reaction); null for the same substance. */
  drugClass: string | null;
  /** The table's note on this kind of conflict; null when none. */
  note: string | null;
  /** The drug in the medication that conflicts, as the table names it (amoxicillin in "Augmentin 625 mg"); null for a name the table does not know. */
  ingredient: string | null;
}

/** A write that went ahead despite conflicts: the writer's reason and what they overrode. */
export interface SafetyOverride {
  reason: string;
  conflicts: MedicationConflict[];
}

const CRITICALITY_ORDER: Record<string, number> = { HIGH: 0, UNABLE_TO_ASSESS: 1, LOW: 2 };
const MATCH_ORDER: Record<SafetyMatch, number> = { SAME_SUBSTANCE: 0, SAME_CLASS: 1, CROSS_REACTIVITY: 2 };

interface Found extends MedicationConflict {
  field: string;
}

function findConflicts(allergies: readonly AllergyLike[], medications: readonly MedicationToCheck[]): Found[] {
  const found: Found[] = [];
  for (const medication of medications) {
    for (const allergy of allergies) {
      const finding = compare(allergy.substance, medication.name);
      if (!finding) continue;
      found.push({
        allergy: allergy.substance,
        medication: medication.name,
        criticality: allergy.criticality,
        match: finding.match,
        drugClass: finding.drugClass,
        note: finding.note,
        field: medication.field,
        ingredient: finding.ingredient,
      });
    }
  }
  return found.sort(
    (a, b) =>
      (CRITICALITY_ORDER[a.criticality] ?? 1) - (CRITICALITY_ORDER[b.criticality] ?? 1) || MATCH_ORDER[a.match] - MATCH_ORDER[b.match],
  );
}

const strip = ({ field: _field, ...conflict }: Found): MedicationConflict => conflict;

/**
 * The allergy–medication safety check (README, "Medication safety check"): a
 * safety net over a small curated table (drug-table.ts), not a drug database.
 */
export const medicationSafety = {
  /** Every conflict between the medications and the allergies, most serious first (HIGH criticality, then the same substance). */
  conflicts(allergies: readonly AllergyLike[], medications: readonly string[]): MedicationConflict[] {
    return findConflicts(
      allergies,
      medications.map((name) => ({ name, field: '' })),
    ).map(strip);
  },

  /** Whether two medication names are the same medication ("Amoxicillin 500 mg", "amoxicillin 250mg"): a dose change is not a new drug. */
  isSameMedication(a: string, b: string): boolean {
    return medicationIdentity(a) === medicationIdentity(b);
  },

  /**
   * Checks medications a write adds against the patient's allergies (as they
   * will be after the write). No conflict: null. A conflict without an
   * override reason (blank counts as none): SAFETY_CONFLICT, and the write
   * rolls back. With one: the reason goes on the write's audit record, and the
   * override is returned for the write's event (`overrideChanges`).
   */
  guard(
    write: PatientWrite,
    check: { allergies: readonly AllergyLike[]; medications: readonly MedicationToCheck[]; overrideReason?: string | null },
  ): SafetyOverride | null {
    const found = findConflicts(check.allergies, check.medications);
    if (!found.length) return null;
    const reason = check.overrideReason?.trim();
    if (!reason) {
      // The message names nothing from the record (it may reach traces); the extensions say what conflicts.
      const n = found.length;
      throw safetyConflict(
        `A medication being added conflicts with a recorded allergy (${n} conflict${n > 1 ? 's' : ''}: see extensions). To go ahead anyway, give overrideReason.`,
        { field: found[0].field, ...strip(found[0]), conflicts: found.map(strip) },
      );
    }
    write.recordOverride(reason);
    return { reason, conflicts: found.map(strip) };
  },
};

/** The event's record of an override, in the shape of a field change (`{ safetyOverride: { from: null, to } }`); nothing without one. */
export function overrideChanges(override: SafetyOverride | null): Record<string, { from: null; to: SafetyOverride }> {
  return override ? { safetyOverride: { from: null, to: override } } : {};
}

/** `"; allergy check overridden (2 conflicts): <reason>"` for an event summary; empty without an override. */
export function overrideSummary(override: SafetyOverride | null): string {
  if (!override) return '';
  const n = override.conflicts.length;
  return `; allergy check overridden (${n} conflict${n > 1 ? 's' : ''}): ${override.reason}`;
}
