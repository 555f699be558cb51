import { Embeddable, Enum, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';

/** Ids of the items of the record's lists: stable across edits, so `updateAllergy` … can name one (docs/contract.md, "Editing the record's lists"). */
export const AllergyId = defineIdType('Allergy', 'alg');
export const SupportContactId = defineIdType('SupportContact', 'sup');
export const ConditionId = defineIdType('Condition', 'cnd');
export const MedicationId = defineIdType('Medication', 'med');

/** The id field every list item carries, stored inside its element of the jsonb list. */
function ItemId(what: string): PropertyDecorator {
  const property = Property({ type: 'text' });
  const field = Field(() => ID, {
    description: `Stable id of this ${what} on the record; name it in update/remove mutations. An item sent again unchanged through updatePatient keeps it.`,
  });
  return (target, key) => {
    property(target, key as string);
    field(target, key);
  };
}

export enum AllergyCriticality {
  LOW = 'LOW',
  HIGH = 'HIGH',
  UNABLE_TO_ASSESS = 'UNABLE_TO_ASSESS',
}
registerEnumType(AllergyCriticality, {
  name: 'AllergyCriticality',
  description: 'Potential for a serious reaction (FHIR AllergyIntolerance.criticality).',
  valuesConfig: {
    LOW: { description: 'Unlikely to cause a life-threatening or organ-damaging reaction.' },
    HIGH: { description: 'May cause a life-threatening or organ-damaging reaction: show it prominently.' },
    UNABLE_TO_ASSESS: { description: 'The risk could not be assessed; treat with caution.' },
  },
});

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A known allergy or intolerance.' })
export class Allergy {
  @ItemId('allergy')
  id!: string;

  @Property({ type: 'text' })
  @Field({ description: 'What the patient reacts to, free text as recorded, e.g. "penicillin".' })
  substance!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'The reaction observed, free text, e.g. "hives", "anaphylaxis"; null when not recorded.',
  })
  reaction: string | null = null;

  @Enum({ items: () => AllergyCriticality })
  @Field(() => AllergyCriticality, { description: 'How dangerous a reaction could be.' })
  criticality!: AllergyCriticality;
}

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A family member or caregiver the care team may contact.' })
export class SupportContact {
  @ItemId('contact')
  id!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Full name of the contact person.' })
  name!: string;

  @Property({ type: 'text' })
  @Field({ description: 'How the contact relates to the patient, free text, e.g. "daughter", "neighbour", "paid caregiver".' })
  relationship!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Phone number as entered (not normalised); null when unknown.' })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Email address as entered; null when unknown.' })
  email: string | null = null;

  @Property({ type: 'boolean' })
  @Field({ description: 'True when the contact takes part in day-to-day care (not only someone to inform).' })
  isCaregiver: boolean = false;
}

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A diagnosed condition.' })
export class Condition {
  @ItemId('condition')
  id!: string;

  @Property({ type: 'text' })
  @Field({ description: 'The condition as a clinician would write it, e.g. "Heart failure".' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'A code such as ICD-10 "I50.9", when known; the system is not recorded.' })
  code: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Onset as recorded, free text (a year "2019" or a date "2019-03-02"); null when unknown.',
  })
  since: string | null = null;
}

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A medication the patient currently takes.' })
export class Medication {
  @ItemId('medication')
  id!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Drug name, generic or brand, as recorded, e.g. "Furosemide".' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Dose with its unit, free text, e.g. "40 mg"; null when not recorded.' })
  dose: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'How often it is taken, free text, e.g. "once daily"; null when not recorded.' })
  frequency: string | null = null;
}
