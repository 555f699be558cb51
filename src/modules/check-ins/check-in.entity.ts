import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { ObservationFlag } from '../measures';
import { Patient } from '../patients';
import { Provider } from '../providers';

export enum CheckInSource {
  CLINICIAN = 'CLINICIAN',
  PATIENT = 'PATIENT',
  CAREGIVER = 'CAREGIVER',
  DEVICE = 'DEVICE',
}
registerEnumType(CheckInSource, {
  name: 'CheckInSource',
  description:
    'Who took or reported the values (the team member who recorded them is `recordedBy`; null when the patient side reported them).',
  valuesConfig: {
    CLINICIAN: { description: 'Measured or assessed by a clinician.' },
    PATIENT: { description: 'Reported by the patient (e.g. on the phone, or a home scale read out).' },
    CAREGIVER: { description: 'Reported by a family member or caregiver.' },
    DEVICE: { description: 'Read from a connected device (scale, cuff, oximeter).' },
  },
});

export const CheckInId = defineIdType('CheckIn', 'chk');
export const ObservationId = defineIdType('Observation', 'obs');

@Entity({ tableName: 'check_in' })
@Index({ name: 'check_in_patient_taken_idx', properties: ['patient', 'takenAt', 'id'] })
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A set of values taken at one time: a morning weight, a pain score, a PHQ-9. Clinical content.',
})
export class CheckIn implements Node {
  [OptionalProps]?: 'createdAt' | 'note';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "chk_").' })
  id: string = CheckInId.create();

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  /** The team member who recorded it; null when the patient or a caregiver reported it themself (`reportCheckIn`). */
  @ManyToOne(() => Provider, { ref: true, nullable: true, deleteRule: 'no action' })
  recordedBy: Ref<Provider> | null = null;

  @Enum({ items: () => CheckInSource })
  @Field(() => CheckInSource, { description: 'Who took or reported the values.' })
  source!: CheckInSource;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the values were taken (ISO 8601 with zone); never in the future.' })
  takenAt!: Date;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'A free-text note with the values, e.g. "ankles swollen"; null when none.' })
  note: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was recorded in the hub (ISO 8601 with zone). Check-ins do not change.' })
  createdAt: Date = new Date();
}

@Entity({ tableName: 'observation' })
@Index({ name: 'observation_patient_measure_taken_idx', properties: ['patient', 'measureCode', 'takenAt', 'id'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One value of a check-in, of one measure. Clinical content.' })
export class Observation implements Node {
  [OptionalProps]?: 'value' | 'code' | 'answers' | 'band' | 'flags';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "obs_").' })
  id: string = ObservationId.create();

  @ManyToOne(() => CheckIn, { ref: true, index: true })
  checkIn!: Ref<CheckIn>;

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  /** The measure's code, checked against the catalogue on write (measures are never deleted); text, so the catalogue stays a plain lookup. */
  @Property({ type: 'text', fieldName: 'measure_code' })
  @Field({ name: 'measureCode', description: 'The measure\'s code, e.g. "29463-7"; `measure` gives the whole catalogue entry.' })
  measureCode!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: "When it was taken: the check-in's takenAt." })
  takenAt!: Date;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, {
    nullable: true,
    description: "The number in the measure's unit (a questionnaire's total); null for a coded answer.",
  })
  value: number | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "A CODED measure's answer code; null for the others." })
  code: string | null = null;

  @Property({ type: 'jsonb', nullable: true })
  @Field(() => [Int], { nullable: true, description: "A questionnaire's answers, item by item (0–3); null for the others." })
  answers: number[] | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'A questionnaire total\'s severity band, e.g. "moderate"; null for the others.' })
  band: string | null = null;

  @Property({ type: 'text[]' })
  @Field(() => [ObservationFlag], { description: 'What the server flagged on its own (PHQ-9 item 9 above 0); usually empty.' })
  flags: ObservationFlag[] = [];
}
