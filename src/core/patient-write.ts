import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../auth/access';
import { EVENTS_CHANNEL } from '../events/bus';
import { Event } from '../events/event.entity';
import { toFieldChanges, type Changes } from './changes';
import type { Context } from './context';
import { notFound } from './errors';

export interface EventInput {
  /** One of the modules' event types (events/event-types.ts). */
  type: string;
  summary: string;
  /** Ids of the objects the change concerns, most general first (plan, then task). */
  subjects?: (string | null | undefined)[];
  /**
   * What the change did to its object (the last subject; the patient record
   * when there is none), by GraphQL field name: `createdValues` for a
   * creation, `applyChanges`/`diffChanges`/`addChange` for an edit. Left out
   * for events that change no field (a note added).
   */
  changes?: Changes;
  /** What the person wrote with the change (a hand-over's reason), kept whole on the event; the summary quotes it (`withNote`). */
  note?: string | null;
}

/** Longest start of a note a summary quotes; the event keeps the whole note. */
const NOTE_IN_SUMMARY = 200;

/** A summary line followed by the start of the note written with the change: `Dr A handed care plan "X" to Dr B: reason`. */
export function withNote(summary: string, note: string | null | undefined): string {
  if (!note) return summary;
  const line = note.replace(/\s+/g, ' ').trim();
  return `${summary}: ${line.length > NOTE_IN_SUMMARY ? `${line.slice(0, NOTE_IN_SUMMARY - 1)}…` : line}`;
}

/**
 * One change to one patient's care, in progress inside its transaction: the
 * unit of work every module writes through. Whatever runs inside it — this
 * module's code or another module's service called with `await
 * write.context()` — shares its transaction, the patient lock, the event
 * sequence, the NOTIFY and the audit record.
 */
export class PatientWrite {
  private readonly events: Event[] = [];
  private readonly overrides: string[] = [];
  private sequence: number;
  private readonly bound: Context;

  constructor(
    /** The transaction's entity manager. */
    readonly em: EntityManager,
    private readonly outer: Context,
    readonly patientId: string,
    /** The patient's last sequence before this write. */
    readonly startSequence: number,
  ) {
    this.sequence = startSequence;
    this.bound = outer.withEntityManager(em);
    this.bound.write = this;
  }

  /**
   * The request's context bound to this write, for calling another service
   * inside it (`tasks.create(await write.context(), …)`): its reads and writes
   * run in this transaction, and its own `writePatient` joins this write.
   * What this write created so far is flushed first, so that service's
   * queries see it; ask again after further changes.
   */
  async context(): Promise<Context> {
    await this.em.flush();
    return this.bound;
  }

  /** Records an event; it commits with the change or not at all. */
  event(input: EventInput): Event {
    this.sequence += 1;
    const event = this.em.create(Event, {
      patient: this.patientId,
      sequence: this.sequence,
      type: input.type,
      actor: this.outer.viewer.providerId,
      actorSub: this.outer.viewer.sub,
      subjectIds: (input.subjects ?? []).filter((id): id is string => !!id),
      summary: input.summary,
      changes: toFieldChanges(input.changes),
      note: input.note?.trim() || null,
    });
    this.events.push(event);
    return event;
  }

  /**
   * A safety check the writer overrode (a SAFETY_CONFLICT with
   * `overrideReason`): the reason goes on the write's audit record, next to
   * its event, which says what was overridden.
   */
  recordOverride(reason: string): void {
    if (!this.overrides.includes(reason)) this.overrides.push(reason);
  }

  /** The reasons given for overriding safety checks in this write, one a line; null when none was. */
  get overrideReason(): string | null {
    return this.overrides.length ? this.overrides.join('\n') : null;
  }

  /** The provider making the change, whom its events name as actor; null for an operator or the scheduler. */
  get actorId(): string | null {
    return this.outer.viewer.providerId;
  }

  get lastSequence(): number {
    return this.sequence;
  }

  get recorded(): readonly Event[] {
    return this.events;
  }
}

/**
 * The write this async call chain is inside of. Only to refuse a nested write
 * that was handed the outer context instead of `write.context()`: it would open a
 * second transaction and wait forever for the patient lock the first holds.
 */
const openWrite = new AsyncLocalStorage<PatientWrite>();

/**
 * Runs a change to one patient's care as one unit of work: locks the patient
 * row (so event sequences are gap-free and in commit order, and concurrent
 * edits of the same record serialise), re-checks under that lock that the
 * writer is still on the care team, lets `change` do its work and record
 * events, then stores the new sequence, queues a NOTIFY (PostgreSQL delivers
 * it only on commit) and the audit record. Throwing anywhere rolls
 * everything back.
 *
 * Called with the context of a write already open on the same patient
 * (`await write.context()`), it joins that write: same transaction, lock,
 * sequence, NOTIFY and audit record, events in the order they were recorded.
 */
export async function writePatient<T>(ctx: Context, patientId: string, change: (write: PatientWrite) => Promise<T>): Promise<T> {
  if (ctx.write) {
    if (ctx.write.patientId !== patientId) throw new Error('A patient write cannot change another patient');
    return change(ctx.write);
  }
  refuseNestedOuterContext();
  return ctx.em.transactional(async (em) => {
    const [row] = await em.execute<{ last_event_sequence: number }[]>('select last_event_sequence from patient where id = ? for update', [
      patientId,
    ]);
    if (!row) throw access.refuse(ctx, patientId, notFound('Patient', patientId));
    // A statement of its own: its snapshot is taken after the lock, so it sees a membership ended meanwhile.
    await access.assertStillMember(em, ctx, patientId);
    const write = new PatientWrite(em, ctx, patientId, row.last_event_sequence);
    const result = await openWrite.run(write, () => change(write));
    if (write.recorded.length) {
      await em.execute('update patient set last_event_sequence = ? where id = ?', [write.lastSequence, patientId]);
      await notify(em, write);
    }
    ctx.audit.recordWrite(em, patientId, write.overrideReason);
    return result;
  });
}

/**
 * Creates a patient and its first events in one transaction. The row is new,
 * so nobody else can hold its lock; its counter is set with the insert.
 */
export async function writeNewPatient<T>(
  ctx: Context,
  patient: { id: string; lastEventSequence: number },
  change: (write: PatientWrite) => Promise<T>,
): Promise<T> {
  refuseNestedOuterContext();
  return ctx.em.transactional(async (em) => {
    em.persist(patient);
    const write = new PatientWrite(em, ctx, patient.id, 0);
    const result = await openWrite.run(write, () => change(write));
    patient.lastEventSequence = write.lastSequence;
    if (write.recorded.length) await notify(em, write);
    ctx.audit.recordWrite(em, patient.id, write.overrideReason);
    return result;
  });
}

function refuseNestedOuterContext(): void {
  if (openWrite.getStore()) {
    throw new Error('A service called inside a patient write must be given await write.context(), not the outer context');
  }
}

/** Queued by PostgreSQL until commit, dropped on rollback: listeners only hear of committed events. */
async function notify(em: EntityManager, write: PatientWrite) {
  const payload = `${write.patientId}:${write.startSequence + 1}:${write.lastSequence}`;
  await em.execute('select pg_notify(?, ?)', [EVENTS_CHANNEL, payload]);
}
