import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { Organization } from '../organizations';

export enum Discipline {
  PHYSICIAN = 'PHYSICIAN',
  SPECIALIST = 'SPECIALIST',
  THERAPIST = 'THERAPIST',
  NURSE = 'NURSE',
}
registerEnumType(Discipline, {
  name: 'Discipline',
  description: 'The kind of clinician; the specialty (Provider.specialty) narrows it down.',
  valuesConfig: {
    PHYSICIAN: { description: 'A physician, typically the primary or attending doctor.' },
    SPECIALIST: { description: 'A medical specialist, e.g. a cardiologist or psychiatrist.' },
    THERAPIST: { description: 'A therapist: physiotherapy, occupational, speech or psychotherapy.' },
    NURSE: { description: 'A nurse, e.g. a home-care or practice nurse.' },
  },
});

export const ProviderId = defineIdType('Provider', 'prv');

@Entity({ tableName: 'provider' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A clinician: physician, specialist, therapist or nurse.' })
@Directive('@key(fields: "id")')
export class Provider implements Node {
  [OptionalProps]?: 'createdAt' | 'phone' | 'specialty';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "prv_"); also the `sub` of the provider\'s token.' })
  id: string = ProviderId.create();

  @ManyToOne(() => Organization, { ref: true, index: true })
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  @Field({ description: 'Full name with title as it should be shown, e.g. "Dr. Ada Byron".' })
  name!: string;

  @Enum({ items: () => Discipline })
  @Field(() => Discipline, { description: 'The kind of clinician.' })
  discipline!: Discipline;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Area of practice, free text, e.g. "cardiology", "CBT"; null when none is given.' })
  specialty: string | null = null;

  /** Stored lower-cased; unique so a login maps to one provider. */
  @Property({ type: 'text' })
  @Unique()
  @Field({ description: 'Work email address, stored lower-cased; unique across the hub.' })
  email!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Work phone number as entered; null when not given.' })
  phone: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the provider was registered (ISO 8601 with zone).' })
  createdAt: Date = new Date();
}
