import { NonBlank } from '../../core/validation';
import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Connection, PageArgs } from '../../core/pagination';
import { Task, TaskKind, TaskNote, TaskPriority, TaskStatus } from './task.entity';

@InputType({ description: 'A new task on a care plan; it starts as REQUESTED.' })
export class CreateTaskInput {
  @Field(() => ID, { description: 'The care plan; it must not be COMPLETED or REVOKED (FORBIDDEN).' }) carePlanId!: string;
  @Field({ description: 'Short title, 1–200 characters.' }) @NonBlank(200) title!: string;
  @Field(() => TaskKind, { description: 'What sort of work it is.' }) kind!: TaskKind;
  @Field(() => TaskPriority, { nullable: true, description: 'How urgent; ROUTINE when left out.' }) priority?: TaskPriority | null;
  @Field(() => ID, {
    nullable: true,
    description: 'An active member of the care team (BAD_USER_INPUT on `assigneeId` otherwise); left out, the task waits unassigned.',
  })
  assigneeId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Deadline, ISO 8601 with zone, between the years 2000 and 2100.' }) dueAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'Details and instructions, up to 10,000 characters.' })
  @MaxLength(10000)
  description?: string | null;
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

export const TaskConnection = Connection(Task, 'Task');
export const TaskNoteConnection = Connection(TaskNote, 'TaskNote');
