import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Event, subjectOf } from '../../events/event.entity';
import { CarePlan, carePlans } from '../care-plans';
import { Provider, providers } from '../providers';
import { schedule } from './appointments';
import { TaskSeries } from './task-series.entity';
import { taskSeries } from './task-series.service';
import { Task } from './task.entity';
import { CancelTaskSeriesInput, RescheduleAppointmentInput, ScheduleArgs, TaskConnection, TaskListArgs, UpcomingArgs } from './task.types';
import { tasks } from './tasks.service';

/** Appointments: `schedule`, `rescheduleAppointment`, and `Task.series`. */
@Resolver(() => Task)
export class AppointmentResolver {
  @Query(() => [Task], {
    description:
      "The appointments (tasks with a start and an end) of the caller's patients that overlap the window, ordered by start, then id; " +
      'cancelled, rejected and failed ones left out; at most 1,000. A window longer than 92 days, or `to` not after `from`, is BAD_USER_INPUT. ' +
      'A provider only (FORBIDDEN otherwise).',
  })
  schedule(@Args() args: ScheduleArgs, @Ctx() ctx: Context) {
    return schedule(ctx, args);
  }

  @Mutation(() => Task, {
    description:
      'Moves an appointment or changes its location or telehealth link; the plan owner, the requester or the assignee may (FORBIDDEN otherwise). ' +
      'A closed task is INVALID_TRANSITION. Records TASK_RESCHEDULED. When it now overlaps another appointment of its assignee, the response ' +
      'carries a DOUBLE_BOOKED warning in `extensions.warnings` (the change is made).',
  })
  rescheduleAppointment(
    @Arg('input', { description: 'The appointment, its expected version and what changes.' }) input: RescheduleAppointmentInput,
    @Ctx() ctx: Context,
  ) {
    return tasks.reschedule(ctx, input);
  }

  @FieldResolver(() => TaskSeries, {
    nullable: true,
    description: 'The recurring task this task is an occurrence of; null for a one-off task.',
  })
  series(@Root() task: Task, @Ctx() ctx: Context) {
    return task.series ? taskSeries.get(ctx, task.series.id) : null;
  }
}

@Resolver(() => TaskSeries)
export class TaskSeriesResolver {
  @Mutation(() => TaskSeries, {
    description:
      'Stops a recurring task: no further occurrences, and its future occurrences nobody has started are cancelled unless `cancelUpcoming` is false. ' +
      'The plan owner or the requester may (FORBIDDEN otherwise); a series already CANCELLED is INVALID_TRANSITION. Records TASK_SERIES_CANCELLED.',
  })
  cancelTaskSeries(
    @Arg('input', { description: 'The series, its expected version, and whether to cancel upcoming occurrences.' })
    input: CancelTaskSeriesInput,
    @Ctx() ctx: Context,
  ) {
    return taskSeries.cancel(ctx, input);
  }

  @FieldResolver(() => [Date], {
    description:
      'The next occurrences per the rule after now (ISO 8601), whether or not they exist as tasks yet; empty once the series is no longer ACTIVE.',
  })
  upcoming(@Root() series: TaskSeries, @Args() args: UpcomingArgs, @Ctx() ctx: Context) {
    return taskSeries.upcoming(ctx, series, args.first ?? 10);
  }

  @FieldResolver(() => TaskConnection, { description: 'The occurrences created so far, in creation order, optionally by status.' })
  tasks(@Root() series: TaskSeries, @Args() args: TaskListArgs, @Ctx() ctx: Context) {
    return tasks.ofSeries(ctx, series.id, series.patient.id, args);
  }

  @FieldResolver(() => CarePlan, { description: 'The care plan the occurrences belong to.' })
  carePlan(@Root() series: TaskSeries, @Ctx() ctx: Context) {
    return carePlans.get(ctx, series.carePlan.id);
  }

  @FieldResolver(() => Provider, {
    nullable: true,
    description: 'Who new occurrences are assigned to; null: they are created unassigned (also when this provider has left the team).',
  })
  assignee(@Root() series: TaskSeries, @Ctx() ctx: Context) {
    return series.assignee ? providers.get(ctx, series.assignee.id) : null;
  }

  @FieldResolver(() => Provider, { description: 'Who set up the recurring task; the requester of every occurrence.' })
  requester(@Root() series: TaskSeries, @Ctx() ctx: Context) {
    return providers.get(ctx, series.requester.id);
  }
}

/** `Event.taskSeries`: the recurring task the event concerns. */
@Resolver(() => Event)
export class EventTaskSeriesResolver {
  @FieldResolver(() => TaskSeries, {
    nullable: true,
    description: 'The recurring task the event concerns (its creation, an occurrence, its end); null for other events.',
  })
  taskSeries(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'TaskSeries');
    return id ? taskSeries.get(ctx, id) : null;
  }
}
