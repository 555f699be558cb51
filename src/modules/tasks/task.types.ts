import { ArrayMaxSize, MaxLength } from 'class-validator';
import { NonBlank } from '../../graphql/validation';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/pagination';
import { Task, TaskKind, TaskNote, TaskPriority, TaskStatus } from './task.entity';

@InputType()
export class CreateTaskInput {
  @Field(() => ID) carePlanId!: string;
  @Field() @NonBlank(200) title!: string;
  @Field(() => TaskKind) kind!: TaskKind;
  @Field(() => TaskPriority, { nullable: true }) priority?: TaskPriority | null;
  @Field(() => ID, { nullable: true, description: 'An active member of the care team.' }) assigneeId?: string | null;
  @Field(() => Date, { nullable: true }) dueAt?: Date | null;
  @Field(() => String, { nullable: true }) @MaxLength(10000) description?: string | null;
}

@InputType()
export class AssignTaskInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => ID) assigneeId!: string;
}

@InputType()
export class TransitionTaskInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => TaskStatus) to!: TaskStatus;
  @Field(() => String, { nullable: true, description: 'Why; kept as a task note and as the status reason.' })
  @MaxLength(10000)
  note?: string | null;
}

@InputType()
export class AddTaskNoteInput {
  @Field(() => ID) taskId!: string;
  @Field() @NonBlank(10000) text!: string;
}

@ArgsType()
export class TaskListArgs extends PageArgs {
  @Field(() => [TaskStatus], { nullable: true, description: 'Only tasks in these statuses.' })
  @ArrayMaxSize(8)
  status?: TaskStatus[] | null;
}

export const TaskConnection = Connection(Task, 'Task');
export const TaskNoteConnection = Connection(TaskNote, 'TaskNote');
