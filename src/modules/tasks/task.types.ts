import { NonBlank } from '../../core/validation';
import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { Connection, PageArgs } from '../../core/pagination';
import { Task, TaskKind, TaskNote, TaskPriority, TaskStatus } from './task.entity';

@InputType({
  description:
    'How a task recurs (docs/contract.md, "Recurring tasks"). The first occurrence is the task\'s `startAt` (an appointment) or else its `dueAt`; ' +
    "every occurrence is an ordinary task created ahead of time, at the first occurrence's wall-clock time in `timeZone`.",
})
export class RecurrenceInput {
  @Field({
    description:
      'An RFC 5545 RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12", up to 500 characters: FREQ DAILY, WEEKLY, MONTHLY or YEARLY; COUNT (at most 1,000) ' +
      "or UNTIL (UTC, e.g. 20270630T235959Z), not both; no DTSTART (the start is the task's). Anything else is BAD_USER_INPUT on `recurrence.rule`.",
  })
  @MaxLength(500)
  rule!: string;

  @Field({
    description: 'The IANA time zone the rule is read in, e.g. "Europe/Berlin" (BAD_USER_INPUT on `recurrence.timeZone` when unknown).',
  })
  @MaxLength(64)
  timeZone!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'How many days ahead occurrences are created as tasks, 1–366 (default 14); the next occurrence always exists as a task.',
  })
  horizonDays?: number | null;
}

const APPOINTMENT = 'Only an appointment (FOLLOW_UP, TELECONSULT, HOME_VISIT, THERAPY_SESSION) has it: BAD_USER_INPUT on another kind.';

/**
 * What a task says, and its limits: of `createTask`, and of a plan template's tasks. Without @InputType()
 * type-graphql does not pass the fields on to the subclasses; the base itself is never used, so never printed.
 */
@InputType()
export abstract class TaskFields {
  @Field({ description: 'Short title, 1–200 characters.' }) @NonBlank(200) title!: string;
  @Field(() => TaskKind, { description: 'What sort of work it is.' }) kind!: TaskKind;
  @Field(() => TaskPriority, { nullable: true, description: 'How urgent; ROUTINE when left out.' }) priority?: TaskPriority | null;
  @Field(() => String, { nullable: true, description: 'Details and instructions, up to 10,000 characters.' })
  @MaxLength(10000)
  description?: string | null;
}

@InputType({ description: 'A new task on a care plan; it starts as REQUESTED.' })
export class CreateTaskInput extends TaskFields {
  @Field(() => ID, { description: 'The care plan; it must not be COMPLETED or REVOKED (FORBIDDEN).' }) carePlanId!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'An active member of the care team (BAD_USER_INPUT on `assigneeId` otherwise); left out, the task waits unassigned.',
  })
  assigneeId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Deadline, ISO 8601 with zone, between the years 2000 and 2100.' }) dueAt?: Date | null;
  @Field(() => String, {
    nullable: true,
    description:
      'The drug a MEDICATION task is about, up to 300 characters, e.g. "Amoxicillin 500 mg" (BAD_USER_INPUT on another kind of task). ' +
      "A drug that conflicts with the patient's recorded allergies is SAFETY_CONFLICT unless `overrideReason` is given.",
  })
  @MaxLength(300)
  medication?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "Why the task should be created although its medication conflicts with the patient's recorded allergies, up to 1,000 characters; " +
      'kept on the event (`safetyOverride`) and the audit trail. Blank counts as none; ignored when nothing conflicts.',
  })
  @MaxLength(1000)
  overrideReason?: string | null;
  @Field(() => Date, {
    nullable: true,
    description: `An appointment's start, ISO 8601 with zone, with \`endAt\`; the deadline (\`dueAt\`) when none is given. ${APPOINTMENT}`,
  })
  startAt?: Date | null;
  @Field(() => Date, { nullable: true, description: `An appointment's end: after \`startAt\`, at most 24 hours later. ${APPOINTMENT}` })
  endAt?: Date | null;
  @Field(() => String, { nullable: true, description: `Where the appointment is, up to 500 characters. ${APPOINTMENT}` })
  @MaxLength(500)
  location?: string | null;
  @Field(() => String, {
    nullable: true,
    description: `The video or phone link of the appointment: an https URL, up to 2,000 characters (BAD_USER_INPUT on \`telehealthUrl\` otherwise). ${APPOINTMENT}`,
  })
  @MaxLength(2000)
  telehealthUrl?: string | null;
  @Field(() => RecurrenceInput, {
    nullable: true,
    description:
      'Makes the task recurring: a TaskSeries whose occurrences are created as tasks ahead of time; the mutation returns the first occurrence. ' +
      'Not with `medication`.',
  })
  @ValidateNested()
  recurrence?: RecurrenceInput | null;
}

@InputType({ description: "A change of an appointment's time, place or link; fields left out stay as they are." })
export class RescheduleAppointmentInput {
  @Field(() => ID, { description: 'The appointment (a task of an appointment kind).' }) id!: string;
  @Field(() => Int, { description: 'The task `version` the change is based on; a stale one is CONFLICT.' }) expectedVersion!: number;
  @Field(() => Date, { nullable: true, description: 'The new start, with `endAt` (both or neither).' }) startAt?: Date | null;
  @Field(() => Date, { nullable: true, description: 'The new end: after `startAt`, at most 24 hours later.' }) endAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'The new location, up to 500 characters.' })
  @MaxLength(500)
  location?: string | null;
  @Field(() => String, { nullable: true, description: 'The new telehealth link: an https URL, up to 2,000 characters.' })
  @MaxLength(2000)
  telehealthUrl?: string | null;
}

@InputType({ description: 'A recurring task to stop.' })
export class CancelTaskSeriesInput {
  @Field(() => ID, { description: 'The series.' }) id!: string;
  @Field(() => Int, { description: 'The series `version` the change is based on; a stale one is CONFLICT.' }) expectedVersion!: number;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Also cancel its future occurrences nobody has started (REQUESTED or ACCEPTED); true when left out.',
  })
  cancelUpcoming?: boolean | null;
}

@ArgsType()
export class ScheduleArgs {
  @Field(() => Date, { description: 'Start of the window (ISO 8601 with zone): appointments that end after it.' }) from!: Date;
  @Field(() => Date, { description: 'End of the window: appointments that start before it; at most 92 days after `from`.' }) to!: Date;
  @Field(() => [ID], {
    nullable: true,
    description: "Only appointments assigned to these providers, up to 100; left out, every appointment of the caller's patients.",
  })
  @ArrayMaxSize(100)
  providerIds?: string[] | null;
}

@ArgsType()
export class UpcomingArgs {
  @Field(() => Int, { nullable: true, description: 'How many, 1–100 (default 10).' }) first?: number | null;
}

@InputType({ description: 'Who should do an open task.' })
export class AssignTaskInput {
  @Field(() => ID, { description: 'The task to (re)assign.' }) id!: string;
  @Field(() => Int, { description: 'The task `version` the change is based on; a stale one is CONFLICT.' }) expectedVersion!: number;
  @Field(() => ID, {
    description:
      'The new assignee: an active member of the care team other than the current assignee (BAD_USER_INPUT on `assigneeId` otherwise).',
  })
  assigneeId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      "Why the task goes to this person, or what they need to know to take it on, up to 4,000 characters; kept whole as the event's `note`, quoted in its summary. Blank is BAD_USER_INPUT.",
  })
  @IsOptional()
  @NonBlank(4000)
  note?: string | null;
}

@InputType({ description: 'A move of a task along its lifecycle.' })
export class TransitionTaskInput {
  @Field(() => ID, { description: 'The task to move.' }) id!: string;
  @Field(() => Int, { description: 'The task `version` the move is based on; a stale one is CONFLICT.' }) expectedVersion!: number;
  @Field(() => TaskStatus, {
    description: 'The status to move to; a move the lifecycle does not allow is INVALID_TRANSITION (with `from` and `to`).',
  })
  to!: TaskStatus;
  @Field(() => String, { nullable: true, description: 'Why; kept as a task note and as the status reason.' })
  @MaxLength(10000)
  note?: string | null;
}

@InputType({ description: 'A note on a task.' })
export class AddTaskNoteInput {
  @Field(() => ID, { description: 'The task to write on; open and closed tasks alike.' }) taskId!: string;
  @Field({ description: 'The note, 1–10,000 characters.' }) @NonBlank(10000) text!: string;
}

@ArgsType()
export class TaskListArgs extends PageArgs {
  @Field(() => [TaskStatus], { nullable: true, description: 'Only tasks in these statuses.' })
  @ArrayMaxSize(8)
  status?: TaskStatus[] | null;
}

/** The orders of a worklist; each has its own keyset, so a cursor of one order is refused by another. */
export enum TaskOrder {
  DUE_AT = 'DUE_AT',
  PRIORITY = 'PRIORITY',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(TaskOrder, {
  name: 'TaskOrder',
  description:
    'How a worklist is sorted. Every order ends with the task id, so ties are stable and cursors never skip or repeat a task; ' +
    'a cursor handed out under one order is BAD_USER_INPUT on `after` under another.',
  valuesConfig: {
    DUE_AT: { description: 'Earliest deadline first; tasks without a deadline last; then by id.' },
    PRIORITY: { description: 'Highest priority first (STAT, ASAP, URGENT, ROUTINE); within one priority as DUE_AT.' },
    UPDATED_AT: { description: 'Most recently changed first; then by id, highest first.' },
  },
});

const OVERDUE =
  'true: only overdue tasks (a deadline in the past and still open, i.e. not COMPLETED, CANCELLED, REJECTED or FAILED); ' +
  'false: only tasks that are not overdue; left out: both.';

@InputType({ description: "Which of the caller's patients' tasks a worklist shows; every condition given must hold." })
export class TeamTaskFilter {
  @Field(() => [ID], {
    nullable: true,
    description:
      'Only tasks of these patients, up to 100. A patient whose care team the caller is not on matches nothing (no error); a malformed id is BAD_USER_INPUT on `patientIds`.',
  })
  @ArrayMaxSize(100)
  patientIds?: string[] | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      'Only tasks assigned to one of these providers, up to 100 (with `unassigned: true`, also the unassigned ones); a malformed id is BAD_USER_INPUT on `assigneeIds`.',
  })
  @ArrayMaxSize(100)
  assigneeIds?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: only tasks without an assignee, e.g. returned to the team when their assignee left it (or, with `assigneeIds`, those too); ' +
      'false: only assigned tasks; left out: both.',
  })
  unassigned?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: OVERDUE })
  overdue?: boolean | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Only tasks due before this time (ISO 8601 with zone); tasks without a deadline are left out.',
  })
  dueBefore?: Date | null;

  @Field(() => [TaskStatus], { nullable: true, description: 'Only tasks in these statuses.' })
  @ArrayMaxSize(8)
  status?: TaskStatus[] | null;

  @Field(() => [TaskPriority], { nullable: true, description: 'Only tasks of these priorities.' })
  @ArrayMaxSize(4)
  priority?: TaskPriority[] | null;

  @Field(() => [TaskKind], { nullable: true, description: 'Only tasks of these kinds.' })
  @ArrayMaxSize(8)
  kind?: TaskKind[] | null;
}

@ArgsType()
export class TeamTaskArgs extends PageArgs {
  @Field(() => TeamTaskFilter, { nullable: true, description: "Which tasks; left out, every task of the caller's patients." })
  @ValidateNested()
  filter?: TeamTaskFilter | null;

  @Field(() => TaskOrder, { nullable: true, description: 'How the tasks are sorted; DUE_AT when left out.' })
  orderBy?: TaskOrder | null;
}

@ArgsType()
export class MyTaskArgs extends TaskListArgs {
  @Field(() => Boolean, { nullable: true, description: OVERDUE })
  overdue?: boolean | null;

  @Field(() => TaskOrder, {
    nullable: true,
    description: 'How the tasks are sorted; left out, oldest first (creation order, as before orders existed), with cursors of that order.',
  })
  orderBy?: TaskOrder | null;
}

export const TaskConnection = Connection(Task, 'Task');
export const TaskNoteConnection = Connection(TaskNote, 'TaskNote');
