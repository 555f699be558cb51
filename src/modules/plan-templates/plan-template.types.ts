import { ArrayMaxSize, IsOptional, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { Connection, PageArgs } from '../../core/pagination';
import { NonBlank } from '../../core/validation';
import { CarePlanCategory } from '../care-plans';
import { ExpectedCheckInFields } from '../expected-check-ins';
import { GoalFields } from '../goals';
import { TaskFields } from '../tasks';
import { WarningSignRuleFields } from '../warning-signs';
import { PlanTemplate } from './plan-template.entity';

/** How far ahead of the plan's start a template may put a due date: two years. */
export const MAX_DAYS_AFTER_START = 730;

@InputType({ description: "A goal of a template: `addGoal`'s fields, with its due date counted from the plan's start." })
export class PlanTemplateGoalInput extends GoalFields {
  @Field(() => Int, {
    nullable: true,
    description: `Due this many days after the plan's start, 0–${MAX_DAYS_AFTER_START}; left out: no due date.`,
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_DAYS_AFTER_START)
  dueInDays?: number | null;
}

@InputType({
  description: "A task of a template: `createTask`'s fields, with the role to assign it to and its due time counted from the plan's start.",
})
export class PlanTemplateTaskInput extends TaskFields {
  @Field(() => String, {
    nullable: true,
    description: 'The care-team role it goes to, up to 100 characters (e.g. "home nurse"); left out, the task waits unassigned.',
  })
  @IsOptional()
  @NonBlank(100)
  assignRole?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: `Due this many days after the plan's start, 0–${MAX_DAYS_AFTER_START}; left out: no deadline (and no recurrence).`,
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_DAYS_AFTER_START)
  dueInDays?: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'The time of day it is due, "HH:MM" (24-hour), in the time zone the plan is created with; default "17:00".',
  })
  @IsOptional()
  @Matches(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'dueTime must be HH:MM, 00:00 to 23:59' })
  dueTime?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'How it repeats: an RFC 5545 RRULE, up to 500 characters, daily or less often, without DTSTART or UNTIL (use COUNT), e.g. ' +
      '"FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18"; counted from its first due time, so it needs `dueInDays`. BAD_USER_INPUT on `recurrence` otherwise.',
  })
  @IsOptional()
  @MaxLength(500)
  recurrence?: string | null;
}

@InputType({ description: "A warning-sign rule of a template: `addWarningSignRule`'s fields, checked the same way." })
export class PlanTemplateWarningSignRuleInput extends WarningSignRuleFields {}

@InputType({ description: "A check-in a template expects: `expectCheckIn`'s fields, checked the same way; one per measure." })
export class PlanTemplateCheckInInput extends ExpectedCheckInFields {}

/** The parts of a template, each list replacing the stored one when given. */
@InputType()
abstract class PlanTemplateContent {
  @Field(() => String, { nullable: true, description: 'The description plans made from it get, up to 10,000 characters.' })
  @MaxLength(10000)
  description?: string | null;
  @Field(() => [String], { nullable: true, description: 'Free-text warning signs, up to 50 of up to 500 characters each.' })
  @ArrayMaxSize(50)
  @MaxLength(500, { each: true })
  warningSigns?: string[] | null;
  @Field(() => [PlanTemplateGoalInput], { nullable: true, description: 'Goals, up to 50, in order.' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  goals?: PlanTemplateGoalInput[] | null;
  @Field(() => [PlanTemplateTaskInput], { nullable: true, description: 'Tasks, up to 100, in order.' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  tasks?: PlanTemplateTaskInput[] | null;
  @Field(() => [PlanTemplateWarningSignRuleInput], { nullable: true, description: 'Warning-sign rules, up to 50, in order.' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  warningSignRules?: PlanTemplateWarningSignRuleInput[] | null;
  @Field(() => [PlanTemplateCheckInInput], { nullable: true, description: 'Expected check-ins, up to 50, one per measure.' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  expectedCheckIns?: PlanTemplateCheckInInput[] | null;
}

@InputType({ description: 'A new plan template. Violations are BAD_USER_INPUT with the field (e.g. `tasks.2.recurrence`).' })
export class CreatePlanTemplateInput extends PlanTemplateContent {
  @Field(() => ID, { description: 'The organization whose providers will use it (an Organization id).' }) organizationId!: string;
  @Field({ description: 'The title plans made from it get, 1–200 characters.' }) @NonBlank(200) title!: string;
  @Field(() => CarePlanCategory, { description: 'The category of the plans made from it.' }) category!: CarePlanCategory;
}

@InputType({ description: 'Changes to a plan template; fields left out stay as they are, lists given replace the stored ones.' })
export class UpdatePlanTemplateInput extends PlanTemplateContent {
  @Field(() => ID, { description: 'The template to change.' }) id!: string;
  @Field(() => Int, { description: 'The template `version` the change is based on; a stale one is CONFLICT and changes nothing.' })
  expectedVersion!: number;
  @Field(() => String, { nullable: true, description: 'New title, 1–200 characters.' }) @NonBlank(200) title?: string | null;
  @Field(() => CarePlanCategory, { nullable: true, description: 'New category.' }) category?: CarePlanCategory | null;
}

@InputType({ description: 'A template to archive: no plans are made from it any more; plans made from it stay as they are.' })
export class ArchivePlanTemplateInput {
  @Field(() => ID, { description: 'The template.' }) id!: string;
  @Field(() => Int, { description: 'The template `version` the change is based on; a stale one is CONFLICT.' }) expectedVersion!: number;
}

@InputType({ description: 'Who takes on the tasks of one role of the template.' })
export class TemplateRoleAssignmentInput {
  @Field({ description: "One of the template's `roles` (case and surrounding spaces aside), up to 100 characters." })
  @NonBlank(100)
  role!: string;
  @Field(() => ID, {
    description: 'The provider: an active member of the care team (BAD_USER_INPUT on `assign.<i>.providerId` otherwise).',
  })
  providerId!: string;
}

@InputType({ description: 'A care plan to set up from a template, with everything in it, in one change.' })
export class CreateCarePlanFromTemplateInput {
  @Field(() => ID, { description: 'The patient; the caller must be an active member of their care team.' }) patientId!: string;
  @Field(() => ID, { description: "A template of the patient's organization that is not archived." }) templateId!: string;
  @Field(() => ID, { description: 'The accountable owner: an active member of the care team (BAD_USER_INPUT on `ownerId` otherwise).' })
  ownerId!: string;
  @Field(() => DateResolver, {
    description: 'Day 0 of the plan, YYYY-MM-DD, between 2000-01-01 and 2098-12-31: due dates and due times count from it.',
  })
  startDate!: Date;
  @Field(() => String, {
    nullable: true,
    description:
      'The IANA time zone the due times are in (e.g. "Europe/Stockholm"), up to 64 characters; default "UTC". BAD_USER_INPUT on `timeZone` when unknown.',
  })
  @MaxLength(64)
  timeZone?: string | null;
  @Field(() => [TemplateRoleAssignmentInput], {
    nullable: true,
    description: "Who takes each role's tasks, up to 20, a role at most once; a role left out leaves its tasks unassigned.",
  })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  assign?: TemplateRoleAssignmentInput[] | null;
  @Field(() => String, { nullable: true, description: "The plan's title, 1–200 characters; default the template's." })
  @IsOptional()
  @NonBlank(200)
  title?: string | null;
}

@ArgsType()
export class PlanTemplatesArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description:
      "Whose templates: an Organization id; default the caller's organization (an operator without one must give it). FORBIDDEN for a provider of another organization.",
  })
  organizationId?: string | null;
  @Field(() => CarePlanCategory, { nullable: true, description: 'Only templates of this category.' })
  category?: CarePlanCategory | null;
  @Field(() => String, {
    nullable: true,
    description: 'Only templates whose title contains this (case-insensitive), up to 200 characters.',
  })
  @MaxLength(200)
  search?: string | null;
  @Field({ defaultValue: false, description: 'Also list archived templates.' })
  includeArchived!: boolean;
}

export const PlanTemplateConnection = Connection(PlanTemplate, 'PlanTemplate');
