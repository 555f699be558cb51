import { defineModule } from '../../core/module';

/**
 * The allergy–medication safety check: a curated table of drug classes and
 * cross-reactions (drug-table.ts), a matcher for free-text names (matcher.ts)
 * and the guard the patients and tasks modules call inside their writes. No
 * entity, no operation of its own: a safety net, not a drug database (README,
 * "Medication safety check").
 */
export const medicationSafetyModule = defineModule({
  name: 'medication-safety',
  entities: [],
  resolvers: [],
});

export { SafetyMatch } from './medication-safety.types';
export {
  medicationSafety,
  overrideChanges,
  overrideSummary,
  type AllergyLike,
  type MedicationConflict,
  type MedicationToCheck,
  type SafetyOverride,
} from './medication-safety.service';
