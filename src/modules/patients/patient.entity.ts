import { Embedded, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Authorized, Directive, Field, ID, ObjectType } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { CLINICAL } from '../../auth/clinical';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { Organization } from '../organizations';
import { Allergy, Condition, Medication, SupportContact } from './patient.embeddables';

export const PatientId = defineIdType('Patient', 'pat');

@Entity({ tableName: 'patient' })
@Unique({ name: 'patient_organization_mrn_unique', properties: ['organization', 'mrn'] })
// A list item by its id ("alg_…"): `patients.withListItem`, for FHIR reads of AllergyIntolerance, Condition and MedicationStatement.
@Index({
  name: 'patient_allergies_items',
  expression: 'create index "patient_allergies_items" on "patient" using gin ("allergies" jsonb_path_ops)',
})
@Index({
  name: 'patient_conditions_items',
  expression: 'create index "patient_conditions_items" on "patient" using gin ("conditions" jsonb_path_ops)',
})
@Index({
  name: 'patient_medications_items',
  expression: 'create index "patient_medications_items" on "patient" using gin ("medications" jsonb_path_ops)',
})
// A support contact by its id ("sup_…"): the patient a caregiver's token acts for (src/auth/authenticate.ts).
@Index({
  name: 'patient_support_network_items',
  expression: 'create index "patient_support_network_items" on "patient" using gin ("support_network" jsonb_path_ops)',
})
@ObjectType({
  implements: Node,
  description: 'A person receiving care. Visible only to active members of their care team.',
})
@Directive('@key(fields: "id")')
export class Patient extends VersionedRecord implements Node {
  [OptionalProps]?:
    | 'createdAt'
    | 'updatedAt'
    | 'preferredLanguage'
    | 'history'
    | 'preferences'
    | 'personalGoals'
    | 'statedByPatientAt'
    | 'supportNetwork'
    | 'allergies'
    | 'conditions'
    | 'medications'
    | 'lastEventSequence'
    | 'version';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "pat_"); use it with patient(id:) and node(id:).' })
  id: string = PatientId.create();

  @ManyToOne(() => Organization, { ref: true })
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  @Field({ description: 'Medical record number as the organization issues it, unique within the organization.' })
  mrn!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Full name as registered; lists of patients are sorted by it.' })
  name!: string;

  @Property({ type: 'date' })
  @Field(() => DateResolver, { description: 'Date of birth, YYYY-MM-DD.' })
  birthDate!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Language to speak or write to the patient in, a BCP 47 tag such as "en" or "es-MX"; null when not stated.',
  })
  preferredLanguage: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'Relevant medical and social history, as narrative text; null when none recorded. Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  history: string | null = null;

  @Property({ type: 'text[]' })
  @Field(() => [String], {
    description:
      'The patient\'s own stated preferences, e.g. "prefers therapy over medication". Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  preferences: string[] = [];

  @Property({ type: 'text[]' })
  @Field(() => [String], {
    description:
      'Goals in the patient\'s own words, e.g. "walk to the market again" (care-plan goals are CarePlan.goals). Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  personalGoals: string[] = [];

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      "When the patient last stated `preferences` and `personalGoals` themself (`updateMyPreferences`): they are then the patient's own words. " +
      'Null when a clinician entered them (an edit of either through updatePatient clears it). Clinical, like them.',
  })
  @Authorized(CLINICAL)
  statedByPatientAt: Date | null = null;

  @Embedded(() => SupportContact, { array: true })
  @Field(() => [SupportContact], {
    description:
      'Family members and caregivers the team may contact. Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  supportNetwork: SupportContact[] = [];

  @Embedded(() => Allergy, { array: true })
  @Field(() => [Allergy], {
    description:
      'Known allergies and intolerances; empty when none are recorded (not proof of no allergy). Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  allergies: Allergy[] = [];

  @Embedded(() => Condition, { array: true })
  @Field(() => [Condition], {
    description: 'Diagnosed conditions. Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  conditions: Condition[] = [];

  @Embedded(() => Medication, { array: true })
  @Field(() => [Medication], {
    description: 'Medications the patient currently takes. Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  medications: Medication[] = [];

  /**
   * Last event sequence handed out for this patient. Every write locks this row
   * (SELECT … FOR UPDATE) before recording its event, which makes the sequence
   * gap-free and in commit order per patient. Written only by the event recorder.
   */
  @Property({ type: 'integer', default: 0, hidden: true })
  lastEventSequence: number = 0;
}
