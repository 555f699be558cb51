import { access } from '../../auth/access';
import { consentedScopes } from '../../auth/consent';
import { releaseScope, type Context } from '../../core/context';
import { forbidden } from '../../core/errors';
import type { Event } from '../../events/event.entity';
import type { EventFeed } from '../../events/feed';
import { abortable, Inbox, leavingOnFailure, readFromTable, type Delivery } from '../../events/live';
import { PatientMessageEvent } from '../patient-messages';
import { PlanNoteEvent } from '../plan-notes';
import { TaskEvent } from '../tasks';
import type { MyEvent } from './portal.types';

/** Events the patient side never receives: clinicians' internal notes. */
const INTERNAL: ReadonlySet<string> = new Set([TaskEvent.TASK_NOTE_ADDED, PlanNoteEvent.CARE_PLAN_NOTE_ADDED]);

/** Ends a patient-side stream whose caregiver lost their consent. */
export const CONSENT_ENDED = Symbol('consent ended');
export type PortalItem = Event | typeof CONSENT_ENDED;

/** Does the patient side receive this event? Not clinicians' internal notes. */
export function isForPatientSide(event: Pick<Event, 'type'>): boolean {
  return !INTERNAL.has(event.type);
}

/**
 * The event as the patient side may read it, or FORBIDDEN once a caregiver's
 * consent ended. A summary that quotes what a clinician wrote with the change
 * (a hand-over's reason) is left out: that is the team's own word; a team
 * member's answer to the patient (CARE_TEAM_REPLIED) is shown.
 */
export function toMyEvent(item: PortalItem): MyEvent {
  if (item === CONSENT_ENDED) throw forbidden('Your consent to act for this patient has ended');
  // A team member's answer to the patient is written for them.
  const clinicianWrote = item.note !== null && item.actor !== null && item.type !== PatientMessageEvent.CARE_TEAM_REPLIED;
  return { sequence: item.sequence, type: item.type, at: item.at, summary: clinicianWrote ? null : item.summary };
}

/**
 * `myEvents(afterSequence)`: the patient's events after `afterSequence` from
 * the table, then live, in order and each once (as `patientEvents`), leaving
 * out clinicians' internal notes. For a caregiver the consent (VIEW_PLAN, and
 * the contact still on the record) is read again with every event: once it
 * is revoked the stream yields CONSENT_ENDED (FORBIDDEN) and ends.
 */
export async function myEventStream(
  ctx: Context,
  feed: EventFeed,
  afterSequence: number | null | undefined,
): Promise<AsyncGenerator<PortalItem>> {
  const patientId = access.requirePatientSide(ctx);
  try {
    await access.assertActsFor(ctx, patientId, 'VIEW_PLAN');
  } finally {
    await ctx.audit.flushReads(feed.em.fork());
  }
  const { viewer } = ctx;
  const stillAllowed = async () =>
    viewer.kind === 'PATIENT' || (await consentedScopes(feed.em.fork(), patientId, viewer.sub)).includes('VIEW_PLAN');
  const inbox = new Inbox();
  const unsubscribe = feed.subscribePatient(patientId, inbox);
  let last = await leavingOnFailure(unsubscribe, async () => {
    if (afterSequence != null) return afterSequence;
    const [row] = await feed.em
      .fork()
      .execute<{ last_event_sequence: number }[]>('select last_event_sequence from patient where id = ?', [patientId]);
    return Number(row.last_event_sequence);
  });
  releaseScope(ctx);

  return abortable(async function* stream(signal) {
    async function* deliver({ event }: Delivery): AsyncGenerator<PortalItem, boolean> {
      if (event.sequence <= last) return true;
      if (event.sequence > last + 1) {
        for await (const missed of readFromTable(feed, patientId, last, event.sequence)) {
          if (!(yield* deliver(missed))) return false;
        }
      }
      if (!(await stillAllowed())) {
        yield CONSENT_ENDED;
        return false;
      }
      last = event.sequence;
      if (!isForPatientSide(event)) return true;
      ctx.audit.read(patientId);
      await ctx.audit.flushReads(feed.em.fork());
      yield event;
      return true;
    }
    try {
      for await (const delivery of readFromTable(feed, patientId, last)) {
        if (!(yield* deliver(delivery))) return;
      }
      while (!signal.aborted) {
        const { deliveries, overflow } = await inbox.take(signal);
        const batch = overflow ? readFromTable(feed, patientId, last) : deliveries;
        for await (const delivery of batch) {
          if (!(yield* deliver(delivery))) return;
        }
      }
    } finally {
      unsubscribe();
    }
  }, unsubscribe);
}
