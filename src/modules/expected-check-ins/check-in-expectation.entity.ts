import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { CarePlan } from '../care-plans';
import { Patient } from '../patients';
import { AlertSeverity } from '../warning-signs';

export const CheckInExpectationId = defineIdType('CheckInExpectation', 'exp');

/**
 * "Weight daily", "PHQ-9 every 14 days": a check-in a plan expects. When none
 * of the measure arrives within `everyDays` of the last one (plus
 * `graceHours`), a scheduled job raises a MISSED_CHECK_IN alert.
 */
@Entity({ tableName: 'check_in_expectation' })
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A check-in the care plan expects at a regular interval; a missed one raises an alert.',
})
export class CheckInExpectation extends VersionedRecord implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'version' | 'graceHours' | 'active';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "exp_").' })
  id: string = CheckInExpectationId.create();

  @ManyToOne(() => CarePlan, { ref: true, index: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan: check-ins find their expectations without a join. */
  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field({ description: 'The code of the measure expected, e.g. "29463-7" (weight).' })
  measureCode!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Expected at least every this many days (1: daily).' })
  everyDays!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Hours of slack after the due time before the alert is raised.' })
  graceHours: number = 6;

  @Enum({ items: () => AlertSeverity })
  @Field(() => AlertSeverity, { description: "The missed-check-in alert's severity (its task's priority follows it)." })
  severity!: AlertSeverity;

  @Property({ type: 'text' })
  @Field({ description: 'What the team must do when it is missed, e.g. "Phone the patient; check the scale works".' })
  instruction!: string;

  @Property({ type: 'boolean' })
  @Field({ description: 'False once stopped: it raises nothing more.' })
  active: boolean = true;
}
