import { getOperationAST, Kind, type DocumentNode } from 'graphql';
import { access } from '../auth/access';
import { changesMembership, membershipSpans, patientsOfMember, type MembershipSpan } from '../auth/membership';
import { releaseScope, type Context } from '../core/context';
import { badInput } from '../core/errors';
import { decodeCareCursor, encodeCareCursor, type CarePositions } from './care-cursor';
import type { EventFeed } from './feed';
import { abortable, Inbox, leavingOnFailure, readFromTable, type Delivery, type LiveEvent } from './live';
import type { ResolutionScope } from './resolution-scope';

/** A `careEvents` delivery before it is resolved: the event, its scope, and the cursor to resume after it. */
export interface CareItem extends LiveEvent {
  cursor: string;
}

/** A patient this stream follows: the last sequence considered, and the caller's membership spans on it. */
interface Followed {
  position: number;
  spans: MembershipSpan[];
}

/** Was the caller on the team at this event (from the event that added them through the one that ended it)? */
const covers = (spans: readonly MembershipSpan[], sequence: number) =>
  spans.some((span) => span.from <= sequence && (span.to === null || sequence <= span.to));

/** Could a later event of the patient still be the caller's (a span still open, or ending later)? */
const reachesBeyond = (spans: readonly MembershipSpan[], sequence: number) => spans.some((span) => span.to === null || span.to > sequence);

/** The caller's spans on a patient, read once per delivered batch for every subscriber it reaches. */
async function spansIn(scope: ResolutionScope, patientId: string, providerId: string): Promise<MembershipSpan[]> {
  const all = await scope.memo(`membership-spans:${patientId}`, () => membershipSpans(scope.em.fork(), [patientId]));
  return all.get(patientId)?.get(providerId) ?? [];
}

/**
 * The caller's panel now, each patient with where to start: its last
 * sequence (live only), the cursor's position, or, for a patient the cursor
 * does not name, just before the event that began the caller's membership.
 * Patients the cursor names that are no longer on the panel are dropped.
 */
async function startingPoints(feed: EventFeed, viewer: string, resumeFrom: CarePositions | null): Promise<Map<string, Followed>> {
  const panel = await patientsOfMember(feed.em.fork(), viewer);
  const followed = new Map<string, Followed>();
  if (!resumeFrom) {
    // A member now, until an event of the team says otherwise (the spans are read then).
    for (const [patientId, last] of panel) followed.set(patientId, { position: last, spans: [{ from: 0, to: null }] });
    return followed;
  }
  const spans = await membershipSpans(feed.em.fork(), [...panel.keys()], viewer);
  for (const [patientId, last] of panel) {
    const own = spans.get(patientId)?.get(viewer) ?? [];
    const open = own.find((span) => span.to === null);
    if (!open) continue; // the membership ended between the two reads
    const given = resumeFrom.get(patientId);
    if (given !== undefined && given > last) throw badInput('afterCursor', 'afterCursor is ahead of the events of a patient on your panel');
    followed.set(patientId, { position: given ?? open.from - 1, spans: own });
  }
  return followed;
}

/**
 * `careEvents(afterCursor)`: every event of every patient whose care team
 * the caller is on at the time of the event, in one stream, each patient's
 * in sequence order, each event once; with each, the cursor to resume after
 * it (events/care-cursor.ts).
 *
 * - Without `afterCursor`: live events from now on. With it: first what the
 *   cursor's positions have not had yet, patient by patient, then live.
 * - A patient joins the stream with the event that adds the caller to its
 *   team (catching up from that event when it is noticed later, as on
 *   resuming) and leaves it after the event that ends the membership; what
 *   happened between two memberships is not delivered.
 * - A resumed cursor yields nothing of a patient the caller is no longer a
 *   member of: that patient is dropped.
 *
 * Listening starts before the starting points are read, each patient's events
 * are taken by sequence (gaps filled from the table), so nothing is missed or
 * repeated at the switch-over, after a slow consumer's overflow, or across a
 * reconnect with the last cursor. Every delivered event is audited as a read
 * of its patient.
 */
export async function careEventStream(ctx: Context, feed: EventFeed, afterCursor: string | null): Promise<AsyncGenerator<CareItem>> {
  const viewer = access.requireProvider(ctx);
  const resumeFrom = afterCursor == null ? null : decodeCareCursor(viewer, afterCursor);
  const inbox = new Inbox();
  const unsubscribe = feed.subscribeAll(inbox, viewer);
  const followed = await leavingOnFailure(unsubscribe, () => startingPoints(feed, viewer, resumeFrom));
  releaseScope(ctx); // each event brings its own

  const cursor = () => encodeCareCursor(viewer, new Map([...followed].map(([patientId, { position }]) => [patientId, position])));
  let audited: { scope: ResolutionScope; patientId: string } | null = null;

  /** Starts following a patient that the caller may have joined: from the start of the membership that covers or follows `event`. */
  async function follow({ event, members, scope }: Delivery, rightAfterGap: boolean): Promise<Followed | null> {
    // The common case, another team's event, costs no read.
    if (!changesMembership(event) && !members.has(viewer)) return null;
    const spans = await spansIn(scope, event.patient.id, viewer);
    const next = spans.find((span) => span.to === null || span.to >= event.sequence);
    if (!next) return null;
    const state = { position: (rightAfterGap ? event.sequence : Math.min(next.from, event.sequence)) - 1, spans };
    followed.set(event.patient.id, state);
    return state;
  }

  async function* consider(delivery: Delivery, rightAfterGap = false): AsyncGenerator<CareItem> {
    const { event, scope } = delivery;
    const patientId = event.patient.id;
    const state = followed.get(patientId) ?? (await follow(delivery, rightAfterGap));
    if (!state || event.sequence <= state.position) return;
    if (event.sequence > state.position + 1) {
      // The table holds every event before a committed one (sequences are gap-free in commit order): not twice.
      if (rightAfterGap) throw new Error('events missing from the table before a delivered one');
      for await (const missed of readFromTable(feed, patientId, state.position, event.sequence)) yield* consider(missed);
      yield* consider(delivery, true); // every earlier event has been considered now
      return;
    }
    if (changesMembership(event)) state.spans = await spansIn(scope, patientId, viewer);
    state.position = event.sequence;
    const visible = covers(state.spans, event.sequence);
    if (!reachesBeyond(state.spans, event.sequence)) followed.delete(patientId); // left the panel with this event
    if (!visible) return;
    if (audited?.scope !== scope || audited.patientId !== patientId) {
      ctx.audit.read(patientId);
      await ctx.audit.flushReads(feed.em.fork());
      audited = { scope, patientId };
    }
    yield { event, scope, cursor: cursor() };
  }

  /** Everything after each followed patient's position, and patients joined meanwhile from their start, from the table. */
  async function* catchUp(): AsyncGenerator<CareItem> {
    const panel = await patientsOfMember(feed.em.fork(), viewer);
    const joined = [...panel.keys()].filter((patientId) => !followed.has(patientId));
    const spans = await membershipSpans(feed.em.fork(), joined, viewer);
    for (const patientId of joined) {
      const own = spans.get(patientId)?.get(viewer) ?? [];
      const open = own.find((span) => span.to === null);
      if (open) followed.set(patientId, { position: open.from - 1, spans: own });
    }
    for (const [patientId, { position }] of [...followed]) {
      for await (const delivery of readFromTable(feed, patientId, position)) yield* consider(delivery);
    }
  }

  return abortable(async function* stream(signal) {
    try {
      if (resumeFrom) {
        for (const [patientId, { position }] of [...followed]) {
          for await (const delivery of readFromTable(feed, patientId, position)) yield* consider(delivery);
        }
      }
      while (!signal.aborted) {
        const { deliveries, overflow } = await inbox.take(signal);
        if (overflow) yield* catchUp();
        for (const delivery of deliveries) yield* consider(delivery);
      }
    } finally {
      unsubscribe();
    }
  }, unsubscribe);
}

/** Cursors read ahead of their operation's execution (`readCareEventsCursorFirst`), by operation context. */
const readAhead = new WeakMap<Context, Promise<string>>();

/**
 * `careEventsCursor`: the caller's position now, every patient on their panel
 * at its last sequence. Each patient it names is audited as read. Read before
 * the operation's other fields when the server called
 * `readCareEventsCursorFirst`, so the panel the page loads with it is never
 * older than the cursor.
 */
export function careEventsCursor(ctx: Context): Promise<string> {
  return readAhead.get(ctx) ?? readCursor(ctx);
}

async function readCursor(ctx: Context): Promise<string> {
  const viewer = access.requireProvider(ctx);
  const panel = await patientsOfMember(ctx.em, viewer);
  for (const patientId of panel.keys()) ctx.audit.read(patientId);
  return encodeCareCursor(viewer, panel);
}

/**
 * Called by the server before it executes a query: if the operation asks
 * for `careEventsCursor` at its root, reads the cursor now, before any field
 * runs. Root fields run concurrently, so otherwise the panel's fields might
 * read the database before the cursor does, and a change committed in
 * between would be in neither the panel nor the feed. A refusal (an operator
 * account) is the field's error when it resolves, not the request's.
 */
export async function readCareEventsCursorFirst(ctx: Context, document: DocumentNode, operationName?: string | null): Promise<void> {
  const operation = getOperationAST(document, operationName);
  const asks =
    operation?.operation === 'query' &&
    operation.selectionSet.selections.some(
      (selection) =>
        // Under @skip or @include it is read as it resolves, if it does.
        selection.kind === Kind.FIELD && selection.name.value === 'careEventsCursor' && !selection.directives?.length,
    );
  if (!asks) return;
  const cursor = readCursor(ctx);
  readAhead.set(ctx, cursor);
  await cursor.catch(() => undefined);
}
