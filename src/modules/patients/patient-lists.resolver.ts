import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { Patient } from './patient.entity';
import { patientLists } from './patient-lists.service';
import {
  AddAllergyInput,
  AddConditionInput,
  AddMedicationInput,
  AddSupportContactInput,
  RemovePatientListItemInput,
  UpdateAllergyInput,
  UpdateConditionInput,
  UpdateMedicationInput,
  UpdateSupportContactInput,
} from './patient-lists.types';

const RULES =
  'Same access as updatePatient: NOT_FOUND to non-members, FORBIDDEN to an ADMIN who is not on the team; CONFLICT on a stale expectedVersion. ' +
  'Bumps the patient `version` and records one PATIENT_UPDATED whose change is named `<list>.<item id>` (docs/contract.md). Returns the patient.';
const UNKNOWN_ITEM = ' An `itemId` not on the record is NOT_FOUND; one of another type is BAD_USER_INPUT on `itemId`.';
const MEDICATION_CHECK =
  ' A medication the record does not hold yet (another drug, not another dose) that conflicts with a recorded allergy is SAFETY_CONFLICT (nothing changes) unless `overrideReason` is given.';
const ALLERGY_CHECK = ' An allergy that conflicts with a recorded medication is accepted; the event and `medicationConflicts` show it.';
const UNCHANGED = ' Values equal to the stored ones change nothing (no version, no event).';

const input = (what: string) => ({ description: `The patient, the version the edit is based on, and the ${what}.` });

/** add/update/remove of each list of the record: one service call each (patient-lists.service.ts holds the one rule). */
@Resolver(() => Patient)
export class PatientListsResolver {
  @Mutation(() => Patient, { description: `A team member adds an allergy to the record. ${RULES}${ALLERGY_CHECK}` })
  addAllergy(@Arg('input', input('allergy')) input: AddAllergyInput, @Ctx() ctx: Context) {
    return patientLists.allergies.add(ctx, input);
  }

  @Mutation(() => Patient, {
    description: `A team member changes one allergy of the record. ${RULES}${UNKNOWN_ITEM}${ALLERGY_CHECK}${UNCHANGED}`,
  })
  updateAllergy(@Arg('input', input('allergy and its new values')) input: UpdateAllergyInput, @Ctx() ctx: Context) {
    return patientLists.allergies.update(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member removes one allergy from the record. ${RULES}${UNKNOWN_ITEM}` })
  removeAllergy(@Arg('input', input('allergy')) input: RemovePatientListItemInput, @Ctx() ctx: Context) {
    return patientLists.allergies.remove(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member adds a diagnosed condition to the record. ${RULES}` })
  addCondition(@Arg('input', input('condition')) input: AddConditionInput, @Ctx() ctx: Context) {
    return patientLists.conditions.add(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member changes one condition of the record. ${RULES}${UNKNOWN_ITEM}${UNCHANGED}` })
  updateCondition(@Arg('input', input('condition and its new values')) input: UpdateConditionInput, @Ctx() ctx: Context) {
    return patientLists.conditions.update(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member removes one condition from the record. ${RULES}${UNKNOWN_ITEM}` })
  removeCondition(@Arg('input', input('condition')) input: RemovePatientListItemInput, @Ctx() ctx: Context) {
    return patientLists.conditions.remove(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member adds a current medication to the record. ${RULES}${MEDICATION_CHECK}` })
  addMedication(@Arg('input', input('medication')) input: AddMedicationInput, @Ctx() ctx: Context) {
    return patientLists.medications.add(ctx, input);
  }

  @Mutation(() => Patient, {
    description: `A team member changes one medication of the record. ${RULES}${UNKNOWN_ITEM}${MEDICATION_CHECK}${UNCHANGED}`,
  })
  updateMedication(@Arg('input', input('medication and its new values')) input: UpdateMedicationInput, @Ctx() ctx: Context) {
    return patientLists.medications.update(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member removes one medication from the record. ${RULES}${UNKNOWN_ITEM}` })
  removeMedication(@Arg('input', input('medication')) input: RemovePatientListItemInput, @Ctx() ctx: Context) {
    return patientLists.medications.remove(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member adds a family member or caregiver to the support network. ${RULES}` })
  addSupportContact(@Arg('input', input('contact')) input: AddSupportContactInput, @Ctx() ctx: Context) {
    return patientLists.supportNetwork.add(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member changes one support contact of the record. ${RULES}${UNKNOWN_ITEM}${UNCHANGED}` })
  updateSupportContact(@Arg('input', input('contact and its new values')) input: UpdateSupportContactInput, @Ctx() ctx: Context) {
    return patientLists.supportNetwork.update(ctx, input);
  }

  @Mutation(() => Patient, { description: `A team member removes one support contact from the support network. ${RULES}${UNKNOWN_ITEM}` })
  removeSupportContact(@Arg('input', input('contact')) input: RemovePatientListItemInput, @Ctx() ctx: Context) {
    return patientLists.supportNetwork.remove(ctx, input);
  }
}
