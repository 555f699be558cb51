import { defineModule } from '../../core/module';
import { Task, TaskNote } from './task.entity';
import { CarePlanTasksResolver, EventTaskResolver, TaskNoteResolver, TaskResolver } from './tasks.resolver';
import { TaskEvent, taskLoaders, tasks } from './tasks.service';

/** Shared tasks with an assignee and the FHIR Task lifecycle, their notes, and the caller's task feed. */
export const tasksModule = defineModule({
  name: 'tasks',
  entities: [Task, TaskNote],
  resolvers: [TaskResolver, TaskNoteResolver, CarePlanTasksResolver, EventTaskResolver],
  loaders: taskLoaders,
  nodes: { Task: tasks.get, TaskNote: tasks.getNote },
  federation: { Task: tasks.get },
  eventTypes: TaskEvent,
});

export { Task, TaskId, TaskKind, TaskNote, TaskNoteId, TaskPriority, TaskStatus } from './task.entity';
export { TaskEvent, taskLifecycle, tasks } from './tasks.service';
export { TaskFields, type CreateTaskInput } from './task.types';
