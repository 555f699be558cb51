import { Embeddable, Embedded, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { CarePlanCategory } from '../care-plans';
import { Organization } from '../organizations';
import { TaskKind, TaskPriority } from '../tasks';
import { AlertSeverity, RuleComparison } from '../warning-signs';

export const PlanTemplateId = defineIdType('PlanTemplate', 'ptm');

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A goal a plan made from the template starts with (PROPOSED, like any new goal).' })
export class PlanTemplateGoal {
  @Property({ type: 'text' })
  @Field({ description: 'What the goal is, e.g. "Walk 200 m with a cane".' })
  description!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'How to tell it is met; null when none.' })
  target: string | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, {
    nullable: true,
    description: "When it should be met: this many days after the plan's `startDate` (0: that day); null: no due date.",
  })
  dueInDays: number | null = null;
}

@Embeddable()
@ObjectType({
  simpleResolvers: true,
  description: 'A task a plan made from the template starts with (REQUESTED), assigned to whoever the plan names for its role.',
})
export class PlanTemplateTask {
  @Property({ type: 'text' })
  @Field({ description: 'Short title, e.g. "Wound check and clip removal".' })
  title!: string;

  @Enum({ items: () => TaskKind })
  @Field(() => TaskKind, { description: 'What sort of work it is.' })
  kind!: TaskKind;

  @Enum({ items: () => TaskPriority })
  @Field(() => TaskPriority, { description: 'How urgent.' })
  priority: TaskPriority = TaskPriority.ROUTINE;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Details and instructions; null when none.' })
  description: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'The care-team role the task goes to, e.g. "home nurse": `createCarePlanFromTemplate` assigns it to the provider its `assign` ' +
      'names for this role; null, or a role it names nobody for: the task waits unassigned (on `teamTasks(filter: { unassigned: true })`).',
  })
  assignRole: string | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: "Due this many days after the plan's `startDate` (0: that day); null: no deadline." })
  dueInDays: number | null = null;

  @Property({ type: 'text' })
  @Field({ description: 'The time of day it is due ("HH:MM", 24-hour), in the time zone the plan is created with.' })
  dueTime: string = '17:00';

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'How the task repeats: an RFC 5545 RRULE without DTSTART or UNTIL, e.g. "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18", ' +
      'counted from its first due time; null: once. Stored in canonical form.',
  })
  recurrence: string | null = null;
}

@Embeddable()
@ObjectType({
  simpleResolvers: true,
  description: 'A warning-sign rule a plan made from the template starts with (the fields of `addWarningSignRule`).',
})
export class PlanTemplateWarningSignRule {
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
  @Field(() => Int, { description: 'How many check-ins in a row must meet a threshold comparison.' })
  consecutive: number = 1;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'For a questionnaire: the item compared instead of the total; null: the total.' })
  item: number | null = null;

  @Property({ type: 'json' })
  @Field(() => [String], { description: 'The answer codes of an IS_ONE_OF rule; empty for the others.' })
  codes: string[] = [];

  @Enum({ items: () => AlertSeverity })
  @Field(() => AlertSeverity, { description: "The alert's severity, which sets its task's priority." })
  severity!: AlertSeverity;

  @Property({ type: 'text' })
  @Field({ description: 'What the team must do when it fires.' })
  instruction!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "The care-team role whose member gets the alert's task; null: the plan owner." })
  assignRole: string | null = null;
}

@Embeddable()
@ObjectType({ simpleResolvers: true, description: 'A check-in a plan made from the template expects (the fields of `expectCheckIn`).' })
export class PlanTemplateCheckIn {
  @Property({ type: 'text' })
  @Field({ description: 'The code of the measure expected, e.g. "29463-7" (weight).' })
  measureCode!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Expected at least every this many days (1: daily).' })
  everyDays!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Hours of slack after the due time before the alert is raised.' })
  graceHours!: number;

  @Enum({ items: () => AlertSeverity })
  @Field(() => AlertSeverity, { description: "The missed-check-in alert's severity." })
  severity!: AlertSeverity;

  @Property({ type: 'text' })
  @Field({ description: 'What the team must do when it is missed.' })
  instruction!: string;
}

/**
 * A clinic's ready-made care plan: `createCarePlanFromTemplate` turns it into
 * a plan with its goals, tasks, warning-sign rules and expected check-ins in
 * one patient write. Not patient data: the providers of its organization read
 * it. Its parts are stored with it (jsonb), so a plan made from version 3
 * stays what version 3 said.
 */
@Entity({ tableName: 'plan_template' })
@Index({ name: 'plan_template_organization_idx', properties: ['organization', 'id'] })
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A ready-made care plan of an organization: what `createCarePlanFromTemplate` sets up in one step.',
})
export class PlanTemplate extends VersionedRecord implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'version' | 'description' | 'warningSigns' | 'archivedAt' | 'roles';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "ptm_").' })
  id: string = PlanTemplateId.create();

  @ManyToOne(() => Organization, { ref: true })
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  @Field({ description: 'The title plans made from it get, e.g. "Home recovery after hip replacement".' })
  title!: string;

  @Enum({ items: () => CarePlanCategory })
  @Field(() => CarePlanCategory, { description: 'The category of the plans made from it.' })
  category!: CarePlanCategory;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The description plans made from it get; null when none.' })
  description: string | null = null;

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'The free-text warning signs plans made from it get (`CarePlan.warningSigns`).' })
  warningSigns: string[] = [];

  @Embedded(() => PlanTemplateGoal, { array: true })
  @Field(() => [PlanTemplateGoal], { description: 'Its goals, in the order the plan gets them.' })
  goals: PlanTemplateGoal[] = [];

  @Embedded(() => PlanTemplateTask, { array: true })
  @Field(() => [PlanTemplateTask], { description: 'Its tasks, in the order the plan gets them.' })
  tasks: PlanTemplateTask[] = [];

  @Embedded(() => PlanTemplateWarningSignRule, { array: true })
  @Field(() => [PlanTemplateWarningSignRule], { description: 'Its warning-sign rules, in the order the plan gets them.' })
  warningSignRules: PlanTemplateWarningSignRule[] = [];

  @Embedded(() => PlanTemplateCheckIn, { array: true })
  @Field(() => [PlanTemplateCheckIn], { description: 'The check-ins it expects, in the order the plan gets them.' })
  expectedCheckIns: PlanTemplateCheckIn[] = [];

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'When it was archived: no new plans are made from it, and it no longer changes; null while in use.',
  })
  archivedAt: Date | null = null;

  /** The roles its tasks go to, each once (case as first written), for the `assign` list of `createCarePlanFromTemplate`. */
  @Field(() => [String], {
    description:
      'The care-team roles its tasks go to, each once, in order of first use: what `createCarePlanFromTemplate` takes `assign` for.',
  })
  get roles(): string[] {
    const seen = new Map<string, string>();
    for (const task of this.tasks)
      if (task.assignRole && !seen.has(roleKey(task.assignRole))) seen.set(roleKey(task.assignRole), task.assignRole);
    return [...seen.values()];
  }
}

/** Roles are free text; "Home nurse" and "home nurse " are one role. */
export function roleKey(role: string): string {
  return role.trim().toLowerCase();
}
