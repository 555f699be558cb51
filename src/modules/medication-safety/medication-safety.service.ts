import { safetyConflict } from '../../core/errors';
import type { PatientWrite } from '../../core/patient-write';
import { compare, medicationIdentity, SafetyMatch } from './matcher';

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
}

/** A write that went ahead despite conflicts: the writer's reason and what they overrode. */
export interface SafetyOverride {
  reason: string;
  conflicts: MedicationConflict[];
}

const CRITICALITY_ORDER: Record<string, number> = { HIGH: 0, UNABLE_TO_ASSESS: 1, LOW: 2 };
const MATCH_ORDER: Record<SafetyMatch, number> = { SAME_SUBSTANCE: 0, SAME_CLASS: 1, CROSS_REACTIVITY: 2 };

function describe(conflict: MedicationConflict, ingredient: string | null): string {
  const what = ingredient && medicationIdentity(conflict.medication) !== `drug:${ingredient}` ? ` (${ingredient})` : '';
  const why =
    conflict.match === SafetyMatch.SAME_SUBSTANCE
      ? 'the same substance'
      : conflict.match === SafetyMatch.SAME_CLASS
        ? `the same class (${conflict.drugClass})`
        : `possible cross-reactivity (${conflict.drugClass})`;
  return `"${conflict.medication}"${what} conflicts with the recorded allergy to "${conflict.allergy}" (criticality ${conflict.criticality}): ${why}`;
}

interface Found extends MedicationConflict {
  field: string;
  ingredient: string | null;
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

const strip = ({ field: _field, ingredient: _ingredient, ...conflict }: Found): MedicationConflict => conflict;

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
      const [first] = found;
      const more = found.length > 1 ? ` (and ${found.length - 1} more conflict${found.length > 2 ? 's' : ''})` : '';
      throw safetyConflict(`${describe(first, first.ingredient)}${more}. To go ahead anyway, give overrideReason.`, {
        field: first.field,
        ...strip(first),
        conflicts: found.map(strip),
      });
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
