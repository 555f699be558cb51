import { AppointmentResponseResolver } from './appointment-responses';
import { defineModule } from '../../core/module';
import { AppointmentResolver, EventTaskSeriesResolver, TaskSeriesResolver } from './schedules.resolver';
import { TaskSeries } from './task-series.entity';
import { MATERIALIZE_TASK_SERIES_JOB, taskSeries } from './task-series.service';
import { Task, TaskNote } from './task.entity';
import { CarePlanTasksResolver, EventTaskResolver, TaskNoteResolver, TaskResolver } from './tasks.resolver';
import { TaskEvent, taskLoaders, tasks } from './tasks.service';

/**
 * Shared tasks with an assignee and the FHIR Task lifecycle, their notes, and the caller's task feed;
 * appointments and recurring tasks (a series whose occurrences a job creates ahead of time).
 */
export const tasksModule = defineModule({
  name: 'tasks',
  entities: [Task, TaskNote, TaskSeries],
  resolvers: [
    TaskResolver,
    TaskNoteResolver,
    CarePlanTasksResolver,
    EventTaskResolver,
    AppointmentResolver,
    AppointmentResponseResolver,
    TaskSeriesResolver,
    EventTaskSeriesResolver,
  ],
  loaders: taskLoaders,
  nodes: { Task: tasks.get, TaskNote: tasks.getNote, TaskSeries: taskSeries.get },
  federation: { Task: tasks.get },
  eventTypes: TaskEvent,
  jobs: { [MATERIALIZE_TASK_SERIES_JOB]: taskSeries.materializeJob },
});

export {
  APPOINTMENT_KINDS,
  AppointmentResponse,
  Task,
  TaskId,
  TaskKind,
  TaskNote,
  TaskNoteId,
  TaskPriority,
  TaskStatus,
} from './task.entity';
export { TaskSeries, TaskSeriesId, TaskSeriesStatus } from './task-series.entity';
export type { TaskRecurrence } from './task-series.service';
export { taskSeries } from './task-series.service';
export { checkRule as checkRecurrenceRule, recurrenceOccurs } from './recurrence';
export { TaskEvent, taskLifecycle, tasks } from './tasks.service';
export { TaskFields, type CreateTaskInput } from './task.types';
