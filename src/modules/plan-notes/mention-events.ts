import { subjectOf } from '../../events/event.entity';
import type { Delivery } from '../../events/live';
import { CarePlanNote } from './plan-note.entity';

/**
 * `myMentions`' filter over the caller's panel: the event of a plan note
 * that mentions the caller. Whom a note mentions is read once per delivered
 * batch, for all subscribers.
 */
export async function mentionsProvider({ event, scope }: Delivery, providerId: string): Promise<boolean> {
  const noteId = subjectOf(event, 'CarePlanNote');
  if (!noteId) return false;
  const mentioned = await scope.memo(
    `mentions:${noteId}`,
    async () => (await scope.em.fork().findOne(CarePlanNote, noteId, { fields: ['mentionIds'] }))?.mentionIds ?? [],
  );
  return mentioned.includes(providerId);
}
