import { subjectOf } from '../../events/event.entity';
import type { Delivery } from '../../events/live';
import { Task } from './task.entity';

/**
 * `myTaskEvents`' filter over the caller's panel: an event of a task
 * assigned to the caller now, or of the change that took a task away from
 * them (so their worklist can drop it).
 */
export async function isEventOfMyTask({ event, scope }: Delivery, providerId: string): Promise<boolean> {
  const taskId = subjectOf(event, 'Task');
  if (!taskId) return false;
  if (event.changes?.some((change) => change.field === 'assignee' && change.from === providerId)) return true;
  // Whose task it is now: read once per delivered batch, for all subscribers.
  const assignee = await scope.memo(
    `assignee:${taskId}`,
    async () => (await scope.em.fork().findOne(Task, taskId, { fields: ['assignee'] }))?.assignee?.id ?? null,
  );
  return assignee === providerId;
}
