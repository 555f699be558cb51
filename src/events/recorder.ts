import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../auth/access';
import type { Context } from '../graphql/context';
import { notFound } from '../graphql/errors';
import { Event, type EventType } from './event.entity';
import type { Patient } from '../modules/patients/patient.entity';

/** The channel on which committed events are announced (payload: `<patientId>:<first>:<last>` sequence). */
export const EVENTS_CHANNEL = 'care_events';

export interface EventInput {
  type: EventType;
  summary: string;
  carePlanId?: string | null;
  taskId?: string | null;
  goalId?: string | null;
  changes?: Record<string, unknown>;
}

/** A write in progress on one patient's record, inside its transaction. */
export class PatientWrite {
  private readonly events: Event[] = [];
  private sequence: number;

  constructor(
    readonly em: EntityManager,
    readonly ctx: Context,
    readonly patientId: string,
    /** The patient's last sequence before this write. */
    readonly startSequence: number,
  ) {
    this.sequence = startSequence;
  }

  /** Records an event; it commits with the change or not at all. */
  event(input: EventInput): Event {
    this.sequence += 1;
    const event = this.em.create(Event, {
      patient: this.patientId,
      sequence: this.sequence,
      type: input.type,
      actor: this.ctx.viewer.providerId,
      actorSub: this.ctx.viewer.sub,
      carePlan: input.carePlanId ?? null,
      task: input.taskId ?? null,
      goal: input.goalId ?? null,
      summary: input.summary,
      changes: input.changes ?? null,
    });
    this.events.push(event);
    return event;
  }

  get lastSequence(): number {
    return this.sequence;
  }

  get recorded(): readonly Event[] {
    return this.events;
  }
}

/**
 * Runs a change to one patient's care in a transaction: locks the patient row
 * (so event sequences are gap-free and in commit order, and concurrent edits
 * of the same record serialise), re-checks under that lock that the writer is
 * still on the care team, lets `change` do its work and record events,
 * then stores the new sequence, queues a NOTIFY (PostgreSQL delivers it only
 * on commit) and the audit record. Throwing anywhere rolls everything back.
 */
export async function writePatient<T>(
  ctx: Context,
  patientId: string,
  change: (write: PatientWrite) => Promise<T>,
): Promise<T> {
  return ctx.em.transactional(async (em) => {
    const [row] = await em.execute<{ last_event_sequence: number }[]>(
      'select last_event_sequence from patient where id = ? for update',
      [patientId],
    );
    if (!row) throw notFound('Patient', patientId);
    // A statement of its own: its snapshot is taken after the lock, so it sees a membership ended meanwhile.
    await access.assertStillMember(em, ctx, patientId);
    const write = new PatientWrite(em, ctx, patientId, row.last_event_sequence);
    const result = await change(write);
    if (write.recorded.length) {
      await em.execute('update patient set last_event_sequence = ? where id = ?', [write.lastSequence, patientId]);
      await notify(em, write);
    }
    ctx.audit.recordWrite(em, patientId);
    return result;
  });
}

/**
 * Creates a patient and its first events in one transaction. The row is new,
 * so nobody else can hold its lock; its counter is set with the insert.
 */
export async function writeNewPatient<T>(
  ctx: Context,
  patient: Patient,
  change: (write: PatientWrite) => Promise<T>,
): Promise<T> {
  return ctx.em.transactional(async (em) => {
    em.persist(patient);
    const write = new PatientWrite(em, ctx, patient.id, 0);
    const result = await change(write);
    patient.lastEventSequence = write.lastSequence;
    if (write.recorded.length) await notify(em, write);
    ctx.audit.recordWrite(em, patient.id);
    return result;
  });
}

/** Queued by PostgreSQL until commit, dropped on rollback: listeners only hear of committed events. */
async function notify(em: EntityManager, write: PatientWrite) {
  const payload = `${write.patientId}:${write.startSequence + 1}:${write.lastSequence}`;
  await em.execute('select pg_notify(?, ?)', [EVENTS_CHANNEL, payload]);
}
