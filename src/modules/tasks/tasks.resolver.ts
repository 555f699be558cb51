import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/pagination';
import { Event, subjectOf } from '../../events/event.entity';
import { feedOf, panelEventStream, toEvent, type LiveItem } from '../../events/live';
import { CarePlan, carePlans } from '../care-plans';
import { Patient, patients } from '../patients';
import { Provider, providers } from '../providers';
import { isEventOfMyTask } from './task-events';
import { Task, TaskNote } from './task.entity';
import {
  AddTaskNoteInput,
  AssignTaskInput,
  CreateTaskInput,
  MyTaskArgs,
  TaskConnection,
  TaskListArgs,
  TaskNoteConnection,
  TeamTaskArgs,
  TransitionTaskInput,
} from './task.types';
import { tasks } from './tasks.service';

@Resolver(() => Task)
export class TaskResolver {
  @Query(() => TaskConnection, {
    description:
      'Tasks assigned to the caller, oldest first unless `orderBy` says otherwise, optionally by status or overdue; ' +
      'only of patients whose care team the caller is still on. A provider only (FORBIDDEN otherwise).',
  })
  myTasks(@Args() args: MyTaskArgs, @Ctx() ctx: Context) {
    return tasks.mine(ctx, args);
  }

  @Query(() => TaskConnection, {
    description:
      "The worklist of the caller's patients: every task of a patient whose care team the caller is on (whoever it is assigned to, " +
      'and unassigned ones, e.g. returned to the team when their assignee left it), filtered, earliest deadline first unless `orderBy` ' +
      'says otherwise, with keyset cursors per order. A provider only (FORBIDDEN otherwise).',
  })
  teamTasks(@Args() args: TeamTaskArgs, @Ctx() ctx: Context) {
    return tasks.team(ctx, args);
  }

  @Mutation(() => Task, { description: 'A team member creates a task on an open plan; they become its requester. Records TASK_CREATED.' })
  createTask(
    @Arg('input', { description: 'The plan, the task and optionally its assignee.' }) input: CreateTaskInput,
    @Ctx() ctx: Context,
  ) {
    return tasks.create(ctx, input);
  }

  @Mutation(() => Task, {
    description:
      '(Re)assigns an open task; it returns to REQUESTED for the new assignee. The plan owner or the requester may assign; ' +
      'any member may claim an unassigned task for themselves (FORBIDDEN otherwise). A closed task is INVALID_TRANSITION. Records TASK_ASSIGNED. ' +
      'An appointment that overlaps another of the new assignee carries a DOUBLE_BOOKED warning in `extensions.warnings`.',
  })
  assignTask(
    @Arg('input', { description: 'The task, its expected version and the new assignee.' }) input: AssignTaskInput,
    @Ctx() ctx: Context,
  ) {
    return tasks.assign(ctx, input);
  }

  @Mutation(() => Task, {
    description:
      'Moves a task along its lifecycle (INVALID_TRANSITION otherwise). The assignee accepts, rejects and works it; the plan owner may also ' +
      'start, pause, finish or cancel it; the requester may cancel it (FORBIDDEN otherwise). Records TASK_STATUS_CHANGED.',
  })
  transitionTask(
    @Arg('input', { description: 'The task, its expected version, the new status and an optional reason.' }) input: TransitionTaskInput,
    @Ctx() ctx: Context,
  ) {
    return tasks.transition(ctx, input);
  }

  @Mutation(() => TaskNote, { description: 'Any active team member adds a note to a task. Records TASK_NOTE_ADDED.' })
  addTaskNote(@Arg('input', { description: 'The task and the note.' }) input: AddTaskNoteInput, @Ctx() ctx: Context) {
    return tasks.addNote(ctx, input);
  }

  @Subscription(() => Event, {
    description: 'Events of tasks assigned to the caller (and of a task taken away from them), live.',
    subscribe: ({ context }: SubscribeResolverData<unknown, object, Context>) =>
      panelEventStream(context, feedOf(context), isEventOfMyTask),
  })
  myTaskEvents(@Root() item: LiveItem, @Ctx() ctx: Context): Event {
    return toEvent(item, ctx);
  }

  @FieldResolver(() => Provider, {
    nullable: true,
    description: 'Who should do it; null while unassigned (e.g. after the assignee left the team).',
  })
  assignee(@Root() task: Task, @Ctx() ctx: Context) {
    return task.assignee ? providers.get(ctx, task.assignee.id) : null;
  }

  @FieldResolver(() => Provider, { description: 'Who created the task; they may cancel or reassign it.' })
  requester(@Root() task: Task, @Ctx() ctx: Context) {
    return providers.get(ctx, task.requester.id);
  }

  @FieldResolver(() => CarePlan, { description: 'The care plan the task belongs to.' })
  carePlan(@Root() task: Task, @Ctx() ctx: Context) {
    return carePlans.get(ctx, task.carePlan.id);
  }

  @FieldResolver(() => Patient, { description: "The patient the task is for (the plan's patient)." })
  patient(@Root() task: Task, @Ctx() ctx: Context) {
    return patients.get(ctx, task.patient.id);
  }

  @FieldResolver(() => TaskNoteConnection, {
    description: 'Notes on the task, oldest first, including the reasons given with status changes.',
  })
  notes(@Root() task: Task, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return tasks.notes(ctx, task, args);
  }
}

@Resolver(() => TaskNote)
export class TaskNoteResolver {
  @FieldResolver(() => Provider, { description: 'The team member who wrote it.' })
  author(@Root() note: TaskNote, @Ctx() ctx: Context) {
    return providers.get(ctx, note.author.id);
  }

  @FieldResolver(() => Task, { description: 'The task the note is on.' })
  task(@Root() note: TaskNote, @Ctx() ctx: Context) {
    return tasks.get(ctx, note.task.id);
  }
}

/** `CarePlan.tasks`. */
@Resolver(() => CarePlan)
export class CarePlanTasksResolver {
  @FieldResolver(() => TaskConnection, { description: 'Tasks in creation order, optionally by status.' })
  tasks(@Root() plan: CarePlan, @Args() args: TaskListArgs, @Ctx() ctx: Context) {
    return tasks.ofPlan(ctx, plan.id, plan.patient.id, args);
  }
}

/** `Event.task`: the task the event concerns. */
@Resolver(() => Event)
export class EventTaskResolver {
  @FieldResolver(() => Task, { nullable: true, description: 'The task the event concerns; null for events not about a task.' })
  task(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'Task');
    return id ? tasks.get(ctx, id) : null;
  }
}
