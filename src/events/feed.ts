import type { EntityManager } from '@mikro-orm/postgresql';
import { activeMemberIds, patientsOfMember } from '../auth/membership';
import type { Contexts } from '../core/context';
import { describeError, type Logger } from '../core/logger';
import type { EventBus, EventNotice } from './bus';
import { Event } from './event.entity';
import { Interest } from './interest';
import { ResolutionScope } from './resolution-scope';

/** Receives a patient's new events in sequence order. */
export interface FeedSubscriber {
  /**
   * `members`: provider ids on the patient's care team, read from the database right after the events;
   * `scope`: resolves these events for all their subscribers.
   */
  push(events: readonly Event[], members: ReadonlySet<string>, scope: ResolutionScope): void;
  /** Events may have been missed (listener reconnected): catch up from the table. */
  resync(): void;
}

const FETCH_BATCH = 500;

/**
 * This instance's view of the event stream. On each notice it reads the new
 * events of that patient from the table once and hands them to every local
 * subscriber of that patient (and to the all-patients subscribers), so one
 * change costs one query however many dashboards watch it.
 */
export class EventFeed {
  private readonly byPatient = new Map<string, Set<FeedSubscriber>>();
  private readonly everyPatient = new Set<FeedSubscriber>();
  private readonly lastFetched = new Map<string, number>();
  private readonly queues = new Map<string, Promise<void>>();
  /** What this instance's clients follow, for a bus that delivers only that (NATS). */
  private readonly interest: Interest;
  /** Panel subscribers under such a bus: whose panel, and the patients on it followed for them. */
  private readonly panels = new Map<FeedSubscriber, { providerId: string; patients: Set<string> }>();

  /** The root entity manager: streams fork it to read the events table. */
  readonly em: EntityManager;

  constructor(
    /** Makes the loaders each delivered event is resolved with. */
    readonly contexts: Contexts,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    /** Told of every batch read from the table for live subscribers (metrics: how late they were). */
    private readonly observer: { read(events: readonly Event[]): void } = { read: () => undefined },
  ) {
    this.em = contexts.orm.em as EntityManager;
    this.interest = new Interest(bus, logger);
  }

  start(): Promise<void> {
    return this.bus.start(
      (notice) => this.onNotice(notice),
      () => this.onResync(),
    );
  }

  stop(): Promise<void> {
    return this.bus.stop();
  }

  /** Subscribes to one patient's events; returns the unsubscribe function. */
  subscribePatient(patientId: string, subscriber: FeedSubscriber): () => void {
    let set = this.byPatient.get(patientId);
    if (!set) this.byPatient.set(patientId, (set = new Set()));
    set.add(subscriber);
    // Listening must precede the subscriber's first read of the table: if it began later, read again.
    void this.interest.add(patientId).then((late) => late && subscriber.resync());
    return once(() => {
      this.interest.remove(patientId);
      set!.delete(subscriber);
      if (set!.size === 0 && this.byPatient.get(patientId) === set) this.byPatient.delete(patientId);
      this.forget(patientId);
    });
  }

  /**
   * Subscribes to every patient's events (the subscriber filters) for the
   * panel of `providerId`: under a bus that delivers only what is followed,
   * this follows the patients on that panel (and the provider, whose joining
   * a team the bus announces), as the care-team changes delivered show it.
   */
  subscribeAll(subscriber: FeedSubscriber, providerId: string): () => void {
    this.everyPatient.add(subscriber);
    if (this.interest.selective) void this.followPanel(subscriber, providerId);
    return once(() => {
      const panel = this.panels.get(subscriber);
      this.panels.delete(subscriber);
      panel?.patients.forEach((id) => this.interest.remove(id));
      if (panel) this.interest.remove(panel.providerId);
      this.everyPatient.delete(subscriber);
      if (this.everyPatient.size === 0) [...this.lastFetched.keys()].forEach((id) => this.forget(id));
    });
  }

  /** Number of local subscriptions (for metrics and tests). */
  get size(): number {
    let n = this.everyPatient.size;
    for (const set of this.byPatient.values()) n += set.size;
    return n;
  }

  /** Follows the provider and their panel for a panel subscriber; it reads again if listening began after its first read. */
  private async followPanel(subscriber: FeedSubscriber, providerId: string) {
    const panel = { providerId, patients: new Set<string>() };
    this.panels.set(subscriber, panel);
    const late = [this.interest.add(providerId)];
    try {
      for (const patientId of (await patientsOfMember(this.em.fork(), providerId)).keys()) {
        if (this.panels.get(subscriber) !== panel) break; // unsubscribed during the read (the loop itself does not wait)
        panel.patients.add(patientId);
        late.push(this.interest.add(patientId));
      }
    } catch (err) {
      this.logger.error(describeError(err), 'reading a panel to follow failed; its subscriber catches up from the table');
      late.push(Promise.resolve(true));
    }
    if ((await Promise.all(late)).some(Boolean)) subscriber.resync();
  }

  /** Keeps each panel's followed patients as the team read with a delivery shows it (joined: follow; left: stop). */
  private followTeam(patientId: string, members: ReadonlySet<string>) {
    for (const panel of this.panels.values()) {
      const member = members.has(panel.providerId);
      if (member === panel.patients.has(patientId)) continue;
      if (member) {
        panel.patients.add(patientId);
        // Notices that came before listening began are read now, from where the feed stands.
        void this.interest.add(patientId).then((late) => late && this.fetchSerially(patientId));
      } else {
        panel.patients.delete(patientId);
        this.interest.remove(patientId);
      }
    }
  }

  private forget(patientId: string) {
    if (!this.byPatient.has(patientId) && this.everyPatient.size === 0) this.lastFetched.delete(patientId);
  }

  private onNotice({ patientId, first }: EventNotice) {
    if (!this.byPatient.has(patientId) && this.everyPatient.size === 0) return;
    if (!this.lastFetched.has(patientId)) this.lastFetched.set(patientId, first - 1);
    this.fetchSerially(patientId);
  }

  private onResync() {
    for (const patientId of this.byPatient.keys()) this.fetchSerially(patientId);
    for (const subscriber of this.everyPatient) subscriber.resync();
    for (const set of this.byPatient.values()) set.forEach((s) => s.resync());
  }

  /** One fetch at a time per patient, so deliveries stay in sequence order. */
  private fetchSerially(patientId: string) {
    const previous = this.queues.get(patientId) ?? Promise.resolve();
    const next = previous
      .then(() => this.fetchAndDeliver(patientId))
      .catch((err) => {
        this.logger.error({ err, patientId }, 'event fan-out failed; subscribers will catch up from the table');
        this.byPatient.get(patientId)?.forEach((s) => s.resync());
        this.everyPatient.forEach((s) => s.resync());
      })
      .finally(() => {
        if (this.queues.get(patientId) === next) this.queues.delete(patientId);
      });
    this.queues.set(patientId, next);
  }

  private async fetchAndDeliver(patientId: string) {
    for (;;) {
      const after = this.lastFetched.get(patientId);
      if (after === undefined) return; // nobody listens any more
      const events = await this.em
        .fork()
        .find(Event, { patient: patientId, sequence: { $gt: after } }, { orderBy: { sequence: 'asc' }, limit: FETCH_BATCH });
      if (!events.length) return;
      this.lastFetched.set(patientId, events.at(-1)!.sequence);
      this.observer.read(events);
      // Access is re-checked for every delivery: one read of the team serves every subscriber.
      const members = await activeMemberIds(this.em.fork(), patientId);
      this.followTeam(patientId, members);
      const scope = new ResolutionScope(this.contexts);
      this.byPatient.get(patientId)?.forEach((s) => s.push(events, members, scope));
      this.everyPatient.forEach((s) => s.push(events, members, scope));
      if (events.length < FETCH_BATCH) return;
    }
  }
}

/** `fn` to run at most once: an unsubscribe may be called from a stream's end and from its `return()`. */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) fn();
    done = true;
  };
}
