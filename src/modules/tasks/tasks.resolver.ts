import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { PageArgs } from '../../graphql/pagination';
import { CarePlan } from '../care-plans/care-plan.entity';
import { carePlans } from '../care-plans/care-plans.service';
import { Patient } from '../patients/patient.entity';
import { patients } from '../patients/patients.service';
import { Provider } from '../providers/provider.entity';
import { providers } from '../providers/providers.service';
import { Task, TaskNote } from './task.entity';
import {
  AddTaskNoteInput, AssignTaskInput, CreateTaskInput, TaskConnection, TaskListArgs, TaskNoteConnection, TransitionTaskInput,
} from './task.types';
import { tasks } from './tasks.service';

@Resolver(() => Task)
export class TaskResolver {
  @Query(() => TaskConnection, { description: 'Tasks assigned to the caller, optionally by status.' })
  myTasks(@Args() args: TaskListArgs, @Ctx() ctx: Context) {
    return tasks.mine(ctx, args);
  }

  @Mutation(() => Task, { description: 'A team member creates a task on an open plan.' })
  createTask(@Arg('input') input: CreateTaskInput, @Ctx() ctx: Context) {
    return tasks.create(ctx, input);
  }

  @Mutation(() => Task, { description: '(Re)assigns an open task; it returns to REQUESTED for the new assignee.' })
  assignTask(@Arg('input') input: AssignTaskInput, @Ctx() ctx: Context) {
    return tasks.assign(ctx, input);
  }

  @Mutation(() => Task, { description: 'Moves a task along its lifecycle (INVALID_TRANSITION otherwise).' })
  transitionTask(@Arg('input') input: TransitionTaskInput, @Ctx() ctx: Context) {
    return tasks.transition(ctx, input);
  }

  @Mutation(() => TaskNote)
  addTaskNote(@Arg('input') input: AddTaskNoteInput, @Ctx() ctx: Context) {
    return tasks.addNote(ctx, input);
  }

  @FieldResolver(() => Provider, { nullable: true })
  assignee(@Root() task: Task, @Ctx() ctx: Context) {
    return task.assignee ? providers.get(ctx, task.assignee.id) : null;
  }

  @FieldResolver(() => Provider)
  requester(@Root() task: Task, @Ctx() ctx: Context) {
    return providers.get(ctx, task.requester.id);
  }

  @FieldResolver(() => CarePlan)
  carePlan(@Root() task: Task, @Ctx() ctx: Context) {
    return carePlans.get(ctx, task.carePlan.id);
  }

  @FieldResolver(() => Patient)
  patient(@Root() task: Task, @Ctx() ctx: Context) {
    return patients.get(ctx, task.patient.id);
  }

  @FieldResolver(() => TaskNoteConnection)
  notes(@Root() task: Task, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return tasks.notes(ctx, task, args);
  }
}

@Resolver(() => TaskNote)
export class TaskNoteResolver {
  @FieldResolver(() => Provider)
  author(@Root() note: TaskNote, @Ctx() ctx: Context) {
    return providers.get(ctx, note.author.id);
  }

  @FieldResolver(() => Task)
  task(@Root() note: TaskNote, @Ctx() ctx: Context) {
    return tasks.get(ctx, note.task.id);
  }
}
