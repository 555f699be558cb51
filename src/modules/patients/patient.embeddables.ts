import { Embeddable, Enum, Property } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum AllergyCriticality {
  LOW = 'LOW',
  HIGH = 'HIGH',
  UNABLE_TO_ASSESS = 'UNABLE_TO_ASSESS',
}
registerEnumType(AllergyCriticality, {
  name: 'AllergyCriticality',
  description: 'Potential for a serious reaction (FHIR AllergyIntolerance.criticality).',
});

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A known allergy or intolerance.' })
export class Allergy {
  @Property({ type: 'text' })
  @Field({ description: 'What the patient reacts to, e.g. "penicillin".' })
  substance!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'e.g. "hives", "anaphylaxis".' })
  reaction: string | null = null;

  @Enum({ items: () => AllergyCriticality })
  @Field(() => AllergyCriticality)
  criticality!: AllergyCriticality;
}

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A family member or caregiver the care team may contact.' })
export class SupportContact {
  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Property({ type: 'text' })
  @Field({ description: 'e.g. "daughter", "neighbour", "paid caregiver".' })
  relationship!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  email: string | null = null;

  @Property({ type: 'boolean' })
  @Field({ description: 'Takes part in day-to-day care.' })
  isCaregiver: boolean = false;
}

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A diagnosed condition.' })
export class Condition {
  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'A code such as ICD-10 "I50.9", when known.' })
  code: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Year or date of onset as recorded.' })
  since: string | null = null;
}

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A medication the patient currently takes.' })
export class Medication {
  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'e.g. "40 mg".' })
  dose: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'e.g. "once daily".' })
  frequency: string | null = null;
}
