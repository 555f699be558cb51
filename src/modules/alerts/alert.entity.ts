import { Entity, Enum, Index, ManyToOne, Unique, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { CarePlan } from '../care-plans';
import { CheckIn } from '../check-ins';
import { Patient } from '../patients';
import { Provider } from '../providers';
import { Task } from '../tasks';
import { AlertSeverity, WarningSignRule } from '../warning-signs';

export enum AlertStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatus, {
  name: 'AlertStatus',
  description: 'OPEN → ACKNOWLEDGED → RESOLVED (OPEN → RESOLVED too). Any other move is INVALID_TRANSITION.',
  valuesConfig: {
    OPEN: { description: 'Raised; nobody has taken it yet. A rule raises no second alert while one of its alerts is not RESOLVED.' },
    ACKNOWLEDGED: { description: 'A team member has seen it and is acting on it.' },
    RESOLVED: { description: 'Dealt with (the note says how). Final.' },
  },
});

export enum AlertReason {
  WARNING_SIGN = 'WARNING_SIGN',
  MISSED_CHECK_IN = 'MISSED_CHECK_IN',
}
registerEnumType(AlertReason, {
  name: 'AlertReason',
  description: 'Why the alert was raised.',
  valuesConfig: {
    WARNING_SIGN: { description: "A check-in met one of the plan's warning-sign rules (`rule`)." },
    MISSED_CHECK_IN: { description: 'A check-in the plan expects did not arrive in time (`expectation`).' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A value that made an alert fire.' })
export class TriggeringValue {
  @Field({ description: 'The observation\'s id ("obs_…"), for node(id:).' }) observationId!: string;
  @Field({ description: "The measure's code." }) measureCode!: string;
  @Field(() => Float, {
    nullable: true,
    description: "The value compared (a questionnaire item's answer for an item rule); null for coded answers.",
  })
  value!: number | null;
  @Field(() => String, { nullable: true, description: 'The coded answer; null for numbers.' }) code!: string | null;
  @Field({ description: 'When it was taken.' }) takenAt!: Date;
}

export const AlertId = defineIdType('Alert', 'alr');

/** Raised in the same change as the check-in that met a rule (or by the missed check-in job), with its urgent task. */
@Entity({ tableName: 'alert' })
@Index({ name: 'alert_patient_idx', properties: ['patient', 'createdAt'] })
// One alert per rule until it is resolved (alerts.service checks it under the patient lock; this backs it).
@Unique({
  name: 'alert_one_open_per_rule',
  expression: `create unique index "alert_one_open_per_rule" on "alert" ("rule_id") where "rule_id" is not null and "status" <> 'RESOLVED'`,
})
@Unique({
  name: 'alert_one_open_per_expectation',
  expression: `create unique index "alert_one_open_per_expectation" on "alert" ("expectation_id") where "expectation_id" is not null and "status" <> 'RESOLVED'`,
})
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'An early warning the team must act on, with its urgent task. Clinical content.',
})
export class Alert extends VersionedRecord implements Node {
  [OptionalProps]?:
    | 'createdAt'
    | 'updatedAt'
    | 'version'
    | 'status'
    | 'rule'
    | 'expectationId'
    | 'checkIn'
    | 'task'
    | 'acknowledgedBy'
    | 'acknowledgedAt'
    | 'acknowledgeNote'
    | 'resolvedBy'
    | 'resolvedAt'
    | 'resolutionNote';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "alr_").' })
  id: string = AlertId.create();

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => CarePlan, { ref: true })
  carePlan!: Ref<CarePlan>;

  @Enum({ items: () => AlertReason })
  @Field(() => AlertReason, { description: 'Why it was raised.' })
  reason!: AlertReason;

  @ManyToOne(() => WarningSignRule, { ref: true, nullable: true })
  rule: Ref<WarningSignRule> | null = null;

  /** The expected check-in it was raised for (MISSED_CHECK_IN). */
  @Property({ type: 'text', nullable: true })
  expectationId: string | null = null;

  @ManyToOne(() => CheckIn, { ref: true, nullable: true })
  checkIn: Ref<CheckIn> | null = null;

  @Enum({ items: () => AlertSeverity })
  @Field(() => AlertSeverity, { description: "How fast to act; its task's priority follows it." })
  severity!: AlertSeverity;

  @Enum({ items: () => AlertStatus })
  @Field(() => AlertStatus, { description: 'Where it is: OPEN, ACKNOWLEDGED or RESOLVED.' })
  status: AlertStatus = AlertStatus.OPEN;

  @Property({ type: 'text' })
  @Field({ description: 'What happened, e.g. "Body weight rose by more than 2 kg within 3 days: 80.1 → 82.4".' })
  summary!: string;

  @Property({ type: 'text' })
  @Field({ description: "What the team must do: the rule's instruction." })
  instruction!: string;

  @Property({ type: 'jsonb' })
  @Field(() => [TriggeringValue], { description: 'The values that made it fire, oldest first; empty for a missed check-in.' })
  triggeringValues: TriggeringValue[] = [];

  @ManyToOne(() => Task, { ref: true, nullable: true })
  task: Ref<Task> | null = null;

  @ManyToOne(() => Provider, { ref: true, nullable: true })
  acknowledgedBy: Ref<Provider> | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was acknowledged; null until then.' })
  acknowledgedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The note given on acknowledging; null when none.' })
  acknowledgeNote: string | null = null;

  @ManyToOne(() => Provider, { ref: true, nullable: true })
  resolvedBy: Ref<Provider> | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was resolved; null until then.' })
  resolvedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'How it was resolved; null until then.' })
  resolutionNote: string | null = null;
}
