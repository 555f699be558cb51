import DataLoader from 'dataloader';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/**
 * The one membership rule, stated once: a provider is on a patient's care
 * team while a `care_team_member` row for the pair has no `ended_at`. Ending a
 * membership sets `ended_at` and keeps the row as history.
 *
 * Everything that asks "may this provider see this patient?" builds on
 * `activeMemberships`: the access checks and their per-request loader, the
 * patient list, `myTasks`, the write's re-check under the patient lock, the
 * event feed and live subscriptions. The partial indexes
 * `care_team_member_active_by_provider` and `care_team_member_active_unique`
 * (see the care-team module's entity) serve exactly this predicate.
 */
export function activeMemberships(knex: Knex): Knex.QueryBuilder {
  return whereMembershipActive(knex('care_team_member'), 'care_team_member');
}

/** The rule itself, on a query of `care_team_member` rows under the alias `table` (the team listing uses it too). */
export function whereMembershipActive(query: Knex.QueryBuilder, table: string): Knex.QueryBuilder {
  return query.whereNull(`${table}.ended_at`);
}

/**
 * Restricts a query on patients (or on rows carrying a patient id) to those
 * on whose team `providerId` is active: `patientColumn` names the column
 * that holds the patient id, e.g. `p.id` or `t.patient_id`; `alias` names
 * the joined memberships (distinct when a query joins twice). A join (at
 * most one active membership per pair, so no row is repeated), which
 * PostgreSQL plans like a plain join on the partial index.
 */
export function whereActiveMember(
  knex: Knex,
  query: Knex.QueryBuilder,
  patientColumn: string,
  providerId: string,
  alias = 'm',
): Knex.QueryBuilder {
  return query.join(
    activeMemberships(knex).select('patient_id').where('provider_id', providerId).as(alias),
    `${alias}.patient_id`,
    patientColumn,
  );
}

/**
 * Is the provider an active member of the patient's care team, as `em` sees
 * it now? Inside a write, read in its transaction after the patient lock:
 * for owners, assignees and the writer themself.
 */
export async function isActiveMember(em: EntityManager, patientId: string, providerId: string): Promise<boolean> {
  const rows = await em.execute(
    activeMemberships(em.getKnex()).select(em.getKnex().raw('1')).where({ patient_id: patientId, provider_id: providerId }).limit(1),
  );
  return rows.length > 0;
}

/** Provider ids of the patient's active care-team members, fresh from the database. */
export async function activeMemberIds(em: EntityManager, patientId: string): Promise<Set<string>> {
  const rows = await em.execute<{ provider_id: string }[]>(
    activeMemberships(em.getKnex()).select('provider_id').where('patient_id', patientId),
  );
  return new Set(rows.map((r) => r.provider_id));
}

/** The patients on whose team the provider is active, each with its last event sequence. */
export async function patientsOfMember(em: EntityManager, providerId: string): Promise<Map<string, number>> {
  const knex = em.getKnex();
  const rows = await em.execute<{ id: string; last_event_sequence: number }[]>(
    whereActiveMember(knex, knex('patient as p').select('p.id', 'p.last_event_sequence'), 'p.id', providerId),
  );
  return new Map(rows.map((r) => [r.id, Number(r.last_event_sequence)]));
}

/**
 * patientId → is the viewer an active member of its care team: batched, one
 * statement per tick, and cached for the request (or the event being
 * delivered). The heart of every access check.
 */
export function membershipLoader(em: EntityManager, providerId: string | null): DataLoader<string, boolean> {
  return new DataLoader<string, boolean>(async (patientIds) => {
    if (!providerId) return patientIds.map(() => false);
    const rows = await em.execute<{ patient_id: string }[]>(
      activeMemberships(em.getKnex())
        .select('patient_id')
        .where('provider_id', providerId)
        .whereIn('patient_id', [...patientIds]),
    );
    const members = new Set(rows.map((r) => r.patient_id));
    return patientIds.map((id) => members.has(id));
  });
}

/**
 * A stretch of a patient's event sequence during which a provider was on its
 * care team: from the event that added them (`from`, CARE_TEAM_MEMBER_ADDED)
 * through the event that ended that membership (`to`, CARE_TEAM_MEMBER_ENDED),
 * or still open (`to` null). The care-team module records those two events in
 * the write that starts or ends the membership, naming the membership among
 * their subjects; this is the membership rule in sequence terms, for the
 * feed that follows a caller's panel across patients (events/care-events.ts).
 */
export interface MembershipSpan {
  from: number;
  to: number | null;
}

/** The care-team module's event types that start and end a membership (text: the kernel imports no module). */
const MEMBERSHIP_STARTED = 'CARE_TEAM_MEMBER_ADDED';
const MEMBERSHIP_ENDED = 'CARE_TEAM_MEMBER_ENDED';

/** Does this event start or end a care-team membership (so the team, in sequence terms, changes with it)? */
export function changesMembership(event: { type: string }): boolean {
  return event.type === MEMBERSHIP_STARTED || event.type === MEMBERSHIP_ENDED;
}

/**
 * patientId → providerId → that provider's membership spans on the patient,
 * oldest first, for the given patients (and only `providerId`'s when given),
 * as committed now. One statement; the partial index `event_membership_idx`
 * holds exactly the events it reads.
 */
export async function membershipSpans(
  em: EntityManager,
  patientIds: readonly string[],
  providerId?: string,
): Promise<Map<string, Map<string, MembershipSpan[]>>> {
  const spans = new Map<string, Map<string, MembershipSpan[]>>();
  if (!patientIds.length) return spans;
  const knex = em.getKnex();
  const query = knex('event as e')
    .join('care_team_member as m', function () {
      this.on(knex.raw('m.id = any(e.subject_ids)')).andOn('m.patient_id', 'e.patient_id');
    })
    .select('e.patient_id', 'm.provider_id', 'e.type', 'e.sequence')
    .whereIn('e.patient_id', [...patientIds])
    .whereIn('e.type', [MEMBERSHIP_STARTED, MEMBERSHIP_ENDED])
    .orderBy([{ column: 'e.patient_id' }, { column: 'e.sequence' }]);
  if (providerId) query.where('m.provider_id', providerId);
  const rows = await em.execute<{ patient_id: string; provider_id: string; type: string; sequence: number }[]>(query);
  for (const row of rows) {
    let byProvider = spans.get(row.patient_id);
    if (!byProvider) spans.set(row.patient_id, (byProvider = new Map()));
    let list = byProvider.get(row.provider_id);
    if (!list) byProvider.set(row.provider_id, (list = []));
    const sequence = Number(row.sequence);
    if (row.type === MEMBERSHIP_STARTED) list.push({ from: sequence, to: null });
    else if (list.length && list.at(-1)!.to === null) list.at(-1)!.to = sequence;
  }
  return spans;
}
