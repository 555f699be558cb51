import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { ActorKind } from '../../core/audit-record.entity';
import { defineIdType } from '../../core/ids';
import { CarePlan } from '../care-plans';
import { Patient } from '../patients';

export const PatientMessageId = defineIdType('PatientMessage', 'pms');

/**
 * A message between the patient side and the care team, on a care plan:
 * the patient's (or a caregiver's) word to the team, or a team member's
 * answer. Separate from the team's internal plan notes, which the patient
 * never sees. Messages do not change.
 */
@Entity({ tableName: 'patient_message' })
@Index({ name: 'patient_message_plan_idx', properties: ['carePlan', 'createdAt'] })
@ObjectType({
  simpleResolvers: true,
  description: 'A message between the patient (or a caregiver for them) and the care team, on a care plan; both sides read the thread.',
})
export class PatientMessage {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "pms_").' })
  id: string = PatientMessageId.create();

  @ManyToOne(() => CarePlan, { ref: true })
  carePlan!: Ref<CarePlan>;

  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Enum({ items: () => ActorKind })
  @Field(() => ActorKind, { description: 'Who wrote it: PATIENT, CAREGIVER, or PROVIDER (a team member).' })
  authorKind!: ActorKind;

  @Property({ type: 'text' })
  @Field({ description: "The writer's name as shown to both sides (the patient's, the caregiver's, or the team member's)." })
  authorName!: string;

  /** The token subject of the writer: a patient id, a support contact id, or a provider id. */
  @Property({ type: 'text' })
  authorSub!: string;

  @Property({ type: 'text' })
  @Field({ description: 'The message as written.' })
  body!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was sent (ISO 8601 with zone).' })
  createdAt: Date = new Date();
}
