import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { AllergyInput, ConditionInput, MedicationInput, SupportContactInput } from './patient.types';

/** What every list-item edit names: the patient and the version the edit is based on. */
export interface ListEditInput {
  patientId: string;
  expectedVersion: number;
  /** Only the medication edits take one (a medication added may conflict with an allergy). */
  overrideReason?: string | null;
}

/** What update and remove add: the item, by the id the record gave it. */
export interface ItemEditInput extends ListEditInput {
  itemId: string;
}

// Mixins return classes whose base is only known as a constructor.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type InputClass<T> = new (...args: any[]) => T;

/**
 * The add and update inputs of one list: the item's own input type (same
 * fields, same limits as updatePatient's lists) plus the patient, the
 * version and, for update, the item's id. `name` is the GraphQL item type
 * (`Allergy`), `what` how a description names one ("allergy").
 */
function listItemInputs<B extends InputClass<object>>(Item: B, name: string, what: string) {
  @InputType(`Add${name}Input`, {
    description: `One ${what} to add to the patient record. Violations are BAD_USER_INPUT with the field (the same limits as in updatePatient).`,
  })
  class AddInput extends Item implements ListEditInput {
    @Field(() => ID, { description: 'The patient whose record gets the item (a Patient id).' }) patientId!: string;
    @Field(() => Int, { description: "The patient's `version` the edit is based on; a stale one is CONFLICT and changes nothing." })
    expectedVersion!: number;
  }

  @InputType(`Update${name}Input`, {
    description:
      `New values of one ${what} of the patient record: they replace the item's values (an optional field left out is cleared); its id stays. ` +
      'Violations are BAD_USER_INPUT with the field.',
  })
  class UpdateInput extends AddInput implements ItemEditInput {
    @Field(() => ID, { description: `The ${what}'s \`id\`; one not on the record is NOT_FOUND.` }) itemId!: string;
  }
  return { AddInput, UpdateInput };
}

/** `overrideReason` as updatePatient and createTask take it. */
function OverrideReason(): PropertyDecorator {
  const field = Field(() => String, {
    nullable: true,
    description:
      'Why the medication should be recorded although it conflicts with a recorded allergy (SAFETY_CONFLICT otherwise), up to 1,000 characters; ' +
      'kept on the event (`safetyOverride`) and the audit trail. Blank counts as none; ignored when nothing conflicts.',
  });
  const max = MaxLength(1000);
  return (target, key) => {
    field(target, key);
    max(target, key);
  };
}

/** A medication with the safety check's override; a base only (never printed: no field takes it). */
@InputType()
abstract class MedicationEdit extends MedicationInput {
  @OverrideReason() overrideReason?: string | null;
}

export const { AddInput: AddAllergyInput, UpdateInput: UpdateAllergyInput } = listItemInputs(AllergyInput, 'Allergy', 'allergy');
export const { AddInput: AddConditionInput, UpdateInput: UpdateConditionInput } = listItemInputs(ConditionInput, 'Condition', 'condition');
export const { AddInput: AddMedicationInput, UpdateInput: UpdateMedicationInput } = listItemInputs(
  MedicationEdit as unknown as InputClass<MedicationEdit>,
  'Medication',
  'medication',
);
export const { AddInput: AddSupportContactInput, UpdateInput: UpdateSupportContactInput } = listItemInputs(
  SupportContactInput,
  'SupportContact',
  'support contact',
);
export type AddAllergyInput = InstanceType<typeof AddAllergyInput>;
export type UpdateAllergyInput = InstanceType<typeof UpdateAllergyInput>;
export type AddConditionInput = InstanceType<typeof AddConditionInput>;
export type UpdateConditionInput = InstanceType<typeof UpdateConditionInput>;
export type AddMedicationInput = InstanceType<typeof AddMedicationInput>;
export type UpdateMedicationInput = InstanceType<typeof UpdateMedicationInput>;
export type AddSupportContactInput = InstanceType<typeof AddSupportContactInput>;
export type UpdateSupportContactInput = InstanceType<typeof UpdateSupportContactInput>;

@InputType({ description: 'One item to remove from a list of the patient record (an allergy, condition, medication or support contact).' })
export class RemovePatientListItemInput implements ItemEditInput {
  @Field(() => ID, { description: 'The patient whose record holds the item (a Patient id).' }) patientId!: string;
  @Field(() => ID, { description: "The item's `id` (e.g. an Allergy's); one not on that list of the record is NOT_FOUND." })
  itemId!: string;
  @Field(() => Int, { description: "The patient's `version` the edit is based on; a stale one is CONFLICT and changes nothing." })
  expectedVersion!: number;
}
