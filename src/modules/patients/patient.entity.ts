import { Embedded, Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, Int, ObjectType, UseMiddleware } from 'type-graphql';
import { ClinicalField } from '../../auth/clinical-field';
import { DateResolver } from 'graphql-scalars';
import { newId } from '../../db/ids';
import { Node } from '../../graphql/node';
import { Organization } from '../organizations/organization.entity';
import { Allergy, Condition, Medication, SupportContact } from './patient.embeddables';

@Entity({ tableName: 'patient' })
@Unique({ name: 'patient_organization_mrn_unique', properties: ['organization', 'mrn'] })
@ObjectType({
  implements: Node,
  description: 'A person receiving care. Visible only to active members of their care team.',
})
@Directive('@key(fields: "id")')
export class Patient implements Node {
  [OptionalProps]?:
    | 'createdAt' | 'updatedAt' | 'preferredLanguage' | 'history' | 'preferences' | 'personalGoals'
    | 'supportNetwork' | 'allergies' | 'conditions' | 'medications' | 'lastEventSequence' | 'version';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('Patient');

  @ManyToOne(() => Organization, { ref: true })
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  @Field({ description: 'Medical record number, unique within the organization.' })
  mrn!: string;

  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Property({ type: 'date' })
  @Field(() => DateResolver)
  birthDate!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'BCP 47 tag, e.g. "en", "es-MX".' })
  preferredLanguage: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Relevant medical and social history, as narrative.' })
  @UseMiddleware(ClinicalField)
  history: string | null = null;

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'The patient\'s own stated preferences, e.g. "prefers therapy over medication".' })
  @UseMiddleware(ClinicalField)
  preferences: string[] = [];

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'Goals in the patient\'s own words, e.g. "walk to the market again".' })
  @UseMiddleware(ClinicalField)
  personalGoals: string[] = [];

  @Embedded(() => SupportContact, { array: true })
  @Field(() => [SupportContact])
  @UseMiddleware(ClinicalField)
  supportNetwork: SupportContact[] = [];

  @Embedded(() => Allergy, { array: true })
  @Field(() => [Allergy])
  @UseMiddleware(ClinicalField)
  allergies: Allergy[] = [];

  @Embedded(() => Condition, { array: true })
  @Field(() => [Condition])
  @UseMiddleware(ClinicalField)
  conditions: Condition[] = [];

  @Embedded(() => Medication, { array: true })
  @Field(() => [Medication])
  @UseMiddleware(ClinicalField)
  medications: Medication[] = [];

  /**
   * Last event sequence handed out for this patient. Every write locks this row
   * (SELECT … FOR UPDATE) before recording its event, which makes the sequence
   * gap-free and in commit order per patient. Written only by the event recorder.
   */
  @Property({ type: 'integer', default: 0, hidden: true })
  lastEventSequence: number = 0;

  /** Incremented on every change of the record; `updatePatient` carries `expectedVersion`. */
  @Property({ type: 'integer', version: true })
  @Field(() => Int)
  version: number = 1;

  @Property({ type: 'timestamptz' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  @Field()
  updatedAt: Date = new Date();
}
