import { access } from '../auth/access';
import { activeMemberIds, patientsOfMember } from '../auth/membership';
import { releaseScope, type Context } from '../core/context';
import { forbidden } from '../core/errors';
import { Event } from './event.entity';
import type { EventFeed, FeedSubscriber } from './feed';
import { ResolutionScope } from './resolution-scope';

/** How many undelivered events a slow subscriber may hold before it re-reads from the table instead. */
const MAX_BUFFERED = 1000;
const REPLAY_BATCH = 500;

/** Marks the end of a subscription whose viewer lost access; the resolver turns it into FORBIDDEN. */
export const ACCESS_ENDED = Symbol('access ended');
/** An event to send, with the scope that resolves it (shared with the other subscribers it reached). */
export interface LiveEvent {
  event: Event;
  scope: ResolutionScope;
}
export type LiveItem = LiveEvent | typeof ACCESS_ENDED;

/** The instance's feed, which every WebSocket context carries. */
export function feedOf(ctx: Context): EventFeed {
  if (!ctx.feed) throw new Error('subscriptions need the live event feed');
  return ctx.feed;
}

/** Per event: refuse if access ended, else resolve it in the scope it shares with its other subscribers. */
export function toEvent(item: LiveItem, ctx: Context): Event {
  if (item === ACCESS_ENDED) throw forbidden('Your membership of this care team has ended');
  item.scope.bind(ctx);
  ctx.loaders.viewerIsMember.prime(item.event.patient.id, true); // checked against the team read with the event
  return item.event;
}

/** An event with the patient's care team as the database showed it when the event was read. */
export interface Delivery extends LiveEvent {
  members: ReadonlySet<string>;
}

/**
 * A subscriber's inbox. Bounded: past MAX_BUFFERED it drops what it holds and
 * flags `overflow`, and the stream catches up from the events table, so a
 * slow dashboard costs memory for a while, never other dashboards' latency.
 */
export class Inbox implements FeedSubscriber {
  private items: Delivery[] = [];
  private overflow = false;
  private wake: (() => void) | null = null;
  private watchesAbort = false;

  push(events: readonly Event[], members: ReadonlySet<string>, scope: ResolutionScope) {
    if (this.items.length + events.length > MAX_BUFFERED) this.resync();
    else for (const event of events) this.items.push({ event, members, scope });
    this.wake?.();
  }

  resync() {
    this.items = [];
    this.overflow = true;
    this.wake?.();
  }

  /**
   * Waits for news; returns what is buffered and whether some was dropped. One promise per wait, settled by
   * whatever ends it (a push, a resync, the abort), which are the only ways the inbox changes.
   */
  take(signal: AbortSignal): Promise<{ deliveries: Delivery[]; overflow: boolean }> {
    if (!this.watchesAbort) {
      // Once per inbox: a listener per wait would pile up on a long-lived subscription.
      this.watchesAbort = true;
      signal.addEventListener('abort', () => this.wake?.(), { once: true });
    }
    if (this.items.length || this.overflow || signal.aborted) return Promise.resolve(this.drain());
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve(this.drain());
      };
    });
  }

  private drain(): { deliveries: Delivery[]; overflow: boolean } {
    const taken = { deliveries: this.items, overflow: this.overflow };
    this.items = [];
    this.overflow = false;
    return taken;
  }
}

/** A patient's events after `after` (and before `before`), from the table, each batch with the team as of its reading. */
export async function* readFromTable(feed: EventFeed, patientId: string, after: number, before = Infinity): AsyncGenerator<Delivery> {
  for (;;) {
    const fork = feed.em.fork();
    const events = await fork.find(
      Event,
      { patient: patientId, sequence: { $gt: after, ...(before < Infinity ? { $lt: before } : {}) } },
      { orderBy: { sequence: 'asc' }, limit: REPLAY_BATCH },
    );
    if (!events.length) return;
    const members = await activeMemberIds(fork, patientId);
    const scope = new ResolutionScope(feed.contexts);
    for (const event of events) yield { event, members, scope };
    if (events.length < REPLAY_BATCH) return;
    after = events.at(-1)!.sequence;
  }
}

/** The reason a stream's signal is aborted with. */
const UNSUBSCRIBED = 'unsubscribed';

/**
 * Wraps a stream so that `return()` (client unsubscribed, socket closed) also
 * wakes a waiting inbox, and leaves the feed (`unsubscribe`) even when the
 * stream never ran: graphql-ws calls `return()` without a `next()` when the
 * client went away while the subscription was being set up, and a generator
 * that never started skips its `finally`.
 */
export function abortable<T>(run: (signal: AbortSignal) => AsyncGenerator<T>, unsubscribe: () => void): AsyncGenerator<T> {
  const abort = new AbortController();
  const generator = run(abort.signal);
  const close = generator.return.bind(generator);
  generator.return = async (value) => {
    // A reason of our own: without one, every abort builds a DOMException with a stack (10,000 sockets closing: a second of CPU).
    abort.abort(UNSUBSCRIBED);
    try {
      return await close(value);
    } finally {
      unsubscribe(); // the feed's unsubscribe runs once, whichever comes first
    }
  };
  return generator;
}

/** `unsubscribe`, also when what follows the subscription up to the stream's start fails. */
export async function leavingOnFailure<T>(unsubscribe: () => void, setUp: () => Promise<T>): Promise<T> {
  try {
    return await setUp();
  } catch (err) {
    unsubscribe();
    throw err;
  }
}

/**
 * `patientEvents(patientId, afterSequence)`: every stored event after
 * `afterSequence`, then live ones, each exactly once and in order. Listening
 * starts before the replay and every event is taken by sequence (gaps are
 * filled from the table), so the switch-over has no gap and no duplicate.
 * Access is re-checked for every event against the care team read with it;
 * once the viewer is off the team the stream yields ACCESS_ENDED and ends.
 */
export async function patientEventStream(
  ctx: Context,
  feed: EventFeed,
  patientId: string,
  afterSequence: number | null | undefined,
): Promise<AsyncGenerator<LiveItem>> {
  try {
    await access.assertCanSeePatient(ctx, patientId);
  } finally {
    await ctx.audit.flushReads(feed.em.fork()); // one READ (or DENIED) record for the subscription
  }
  const viewer = ctx.viewer.providerId!;
  const inbox = new Inbox();
  const unsubscribe = feed.subscribePatient(patientId, inbox);
  let last = await leavingOnFailure(unsubscribe, async () => {
    if (afterSequence != null) return afterSequence;
    const [row] = await feed.em
      .fork()
      .execute<{ last_event_sequence: number }[]>('select last_event_sequence from patient where id = ?', [patientId]);
    return Number(row.last_event_sequence);
  });
  releaseScope(ctx); // each event brings its own

  return abortable(async function* stream(signal) {
    /** Yields the delivery (after any events missing before it); false once access has ended. */
    async function* deliver({ event, members, scope }: Delivery): AsyncGenerator<LiveItem, boolean> {
      if (event.sequence <= last) return true;
      if (event.sequence > last + 1) {
        for await (const missed of readFromTable(feed, patientId, last, event.sequence)) {
          if (!(yield* deliver(missed))) return false;
        }
      }
      if (!members.has(viewer)) {
        yield ACCESS_ENDED;
        return false;
      }
      last = event.sequence;
      yield { event, scope };
      return true;
    }
    try {
      for await (const delivery of readFromTable(feed, patientId, last)) {
        if (!(yield* deliver(delivery))) return;
      }
      while (!signal.aborted) {
        const { deliveries, overflow } = await inbox.take(signal);
        if (overflow) {
          for await (const delivery of readFromTable(feed, patientId, last)) {
            if (!(yield* deliver(delivery))) return;
          }
          continue;
        }
        for (const delivery of deliveries) {
          // The common case inline (no generator per event, fan-out runs it once per subscriber): the very next event,
          // the viewer still on the team. Anything else (an old event, a gap, access ended) takes `deliver`.
          if (delivery.event.sequence === last + 1 && delivery.members.has(viewer)) {
            last = delivery.event.sequence;
            yield { event: delivery.event, scope: delivery.scope };
          } else if (!(yield* deliver(delivery))) return;
        }
      }
    } finally {
      unsubscribe();
    }
  }, unsubscribe);
}

/**
 * Events of every patient on whose care team the caller is, at the time of
 * each event, that `wants` accepts: a module's feed across the caller's panel
 * (the tasks module's `myTaskEvents` keeps those of the caller's tasks). A
 * patient joins the panel with the first event that finds the caller on its
 * team and leaves it when an event no longer does. `wants` is asked once per
 * event and subscriber; reads that do not depend on the viewer belong in
 * `scope.memo`.
 */
export async function panelEventStream(
  ctx: Context,
  feed: EventFeed,
  wants: (delivery: Delivery, providerId: string) => Promise<boolean>,
): Promise<AsyncGenerator<LiveItem>> {
  const viewer = access.requireProvider(ctx);
  const inbox = new Inbox();
  const unsubscribe = feed.subscribeAll(inbox, viewer);
  /** Last sequence considered, per patient whose team the caller is on. */
  const last = await leavingOnFailure(unsubscribe, () => patientsOfMember(feed.em.fork(), viewer));
  releaseScope(ctx); // each event brings its own

  return abortable(async function* stream(signal) {
    async function* consider(delivery: Delivery): AsyncGenerator<LiveItem> {
      const { event, members, scope } = delivery;
      const patientId = event.patient.id;
      if (!members.has(viewer)) {
        last.delete(patientId);
        return;
      }
      const seen = last.get(patientId) ?? event.sequence - 1; // newly on the team: start here
      if (event.sequence <= seen) return;
      if (event.sequence > seen + 1) {
        for await (const missed of readFromTable(feed, patientId, seen, event.sequence)) yield* consider(missed);
      }
      last.set(patientId, event.sequence);
      if (await wants(delivery, viewer)) {
        ctx.audit.read(patientId);
        await ctx.audit.flushReads(feed.em.fork());
        yield { event, scope };
      }
    }
    try {
      while (!signal.aborted) {
        const { deliveries, overflow } = await inbox.take(signal);
        if (overflow) {
          for (const [patientId, seen] of [...last]) {
            for await (const delivery of readFromTable(feed, patientId, seen)) yield* consider(delivery);
          }
        }
        for (const delivery of deliveries) yield* consider(delivery);
      }
    } finally {
      unsubscribe();
    }
  }, unsubscribe);
}
