import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { CarePlan } from '../care-plans';
import { Patient } from '../patients';

export enum RuleComparison {
  ABOVE = 'ABOVE',
  AT_LEAST = 'AT_LEAST',
  BELOW = 'BELOW',
  AT_MOST = 'AT_MOST',
  RISES_BY_MORE_THAN = 'RISES_BY_MORE_THAN',
  FALLS_BY_MORE_THAN = 'FALLS_BY_MORE_THAN',
  IS_ONE_OF = 'IS_ONE_OF',
}
registerEnumType(RuleComparison, {
  name: 'RuleComparison',
  description: 'How a warning-sign rule compares a new value.',
  valuesConfig: {
    ABOVE: { description: 'The value (or `item` answer) is above `threshold`.' },
    AT_LEAST: { description: 'The value is `threshold` or more (e.g. pain ≥ 7).' },
    BELOW: { description: 'The value is below `threshold` (e.g. SpO2 < 92).' },
    AT_MOST: { description: 'The value is `threshold` or less.' },
    RISES_BY_MORE_THAN: {
      description:
        'The new value is more than `threshold` above the lowest value taken in the `withinDays` days before it (e.g. weight up over 2 kg in 3 days).',
    },
    FALLS_BY_MORE_THAN: {
      description: 'The new value is more than `threshold` below the highest value taken in the `withinDays` days before it.',
    },
    IS_ONE_OF: { description: "A CODED measure's answer is one of `codes` (e.g. wound status WORSE or INFECTION_SIGNS)." },
  },
});

export enum AlertSeverity {
  LOW = 'LOW',
  MODERATE = 'MODERATE',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(AlertSeverity, {
  name: 'AlertSeverity',
  description: "How fast the team must act; it sets the alert task's priority.",
  valuesConfig: {
    LOW: { description: 'Look at it in the routine round (task priority ROUTINE).' },
    MODERATE: { description: 'Act today (task priority URGENT).' },
    HIGH: { description: 'Act as soon as possible (task priority ASAP).' },
    CRITICAL: { description: 'Act now (task priority STAT).' },
  },
});

export const WarningSignRuleId = defineIdType('WarningSignRule', 'wsr');

/**
 * A warning sign of a care plan the server watches: when a check-in's value
 * meets it, an alert and an urgent task are raised in the same change.
 */
@Entity({ tableName: 'warning_sign_rule' })
@Index({ name: 'warning_sign_rule_patient_measure_idx', properties: ['patient', 'measureCode'] })
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A warning sign as a rule the server evaluates on every check-in: measure, comparison, severity, instruction.',
})
export class WarningSignRule extends VersionedRecord implements Node {
  [OptionalProps]?:
    'createdAt' | 'updatedAt' | 'version' | 'threshold' | 'withinDays' | 'consecutive' | 'item' | 'codes' | 'assignRole' | 'active';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "wsr_").' })
  id: string = WarningSignRuleId.create();

  @ManyToOne(() => CarePlan, { ref: true, index: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan: check-ins find their rules without a join. */
  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field({ description: 'The code of the measure it watches, e.g. "29463-7".' })
  measureCode!: string;

  @Enum({ items: () => RuleComparison })
  @Field(() => RuleComparison, { description: 'How a new value is compared.' })
  comparison!: RuleComparison;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true, description: "The threshold (or the change) in the measure's unit; null for IS_ONE_OF." })
  threshold: number | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, {
    nullable: true,
    description: 'The look-back window in days of a RISES/FALLS_BY_MORE_THAN rule; null for the others.',
  })
  withinDays: number | null = null;

  @Property({ type: 'integer' })
  @Field(() => Int, {
    description:
      'How many check-ins in a row must meet a threshold comparison (1: the new one alone; 2: "pain ≥ 7 on two check-ins in a row").',
  })
  consecutive: number = 1;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, {
    nullable: true,
    description: 'For a questionnaire: the item whose answer is compared instead of the total (9 for PHQ-9 item 9); null: the total.',
  })
  item: number | null = null;

  @Property({ type: 'jsonb' })
  @Field(() => [String], { description: 'The answer codes of an IS_ONE_OF rule; empty for the others.' })
  codes: string[] = [];

  @Enum({ items: () => AlertSeverity })
  @Field(() => AlertSeverity, { description: "The alert's severity, which sets its task's priority." })
  severity!: AlertSeverity;

  @Property({ type: 'text' })
  @Field({ description: 'What the team must do when it fires, e.g. "Call the patient today; review diuretic dose".' })
  instruction!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'The care-team role whose member gets the alert\'s task (e.g. "home nurse"); null, or no active member in that role: the plan owner.',
  })
  assignRole: string | null = null;

  @Property({ type: 'boolean' })
  @Field({ description: 'False once removed: a removed rule raises nothing and stays for the history.' })
  active: boolean = true;
}
