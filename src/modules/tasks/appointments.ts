import { access } from '../../auth/access';
import { whereActiveMember } from '../../auth/membership';
import type { Context } from '../../core/context';
import { badInput } from '../../core/errors';
import { expectId } from '../../core/ids';
import { WarningCode } from '../../core/warnings';
import { providers } from '../providers';
import { APPOINTMENT_KINDS, Task, TaskKind, TaskStatus } from './task.entity';
import { EARLIEST_DUE, LATEST_DUE } from './task-records';

/**
 * Appointments: tasks of the kinds in APPOINTMENT_KINDS that carry a start,
 * an end, a location or a telehealth link; the `schedule` query; and the
 * DOUBLE_BOOKED warning when one overlaps another of the same assignee
 * (docs/contract.md, "Appointments").
 */

/** An appointment's time, place and link as stored on its task. */
export interface Appointment {
  startAt: Date | null;
  endAt: Date | null;
  location: string | null;
  telehealthUrl: string | null;
}

/** The longest appointment: a home visit or a session, not a stay. */
const MAX_LENGTH_MS = 24 * 3_600_000;
/** The longest window `schedule` lists at once. */
export const MAX_SCHEDULE_DAYS = 92;
/** Most appointments `schedule` returns. */
export const MAX_SCHEDULE_ROWS = 1000;

/** Appointments that no longer take place: left out of the schedule and of double-booking. */
const NOT_TAKING_PLACE = [TaskStatus.CANCELLED, TaskStatus.REJECTED, TaskStatus.FAILED];

/** The link checked: an absolute https URL with a host, no credentials. BAD_USER_INPUT on `telehealthUrl` otherwise. */
function checkTelehealthUrl(value: string): string {
  const refuse = () => badInput('telehealthUrl', 'telehealthUrl must be an https URL such as https://meet.example.org/room');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw refuse();
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password) throw refuse();
  return url.toString();
}

/**
 * Checks what a create or an edit says about an appointment, merged over
 * what the task has (`current`): only appointment kinds carry these fields;
 * start and end go together, the end after the start, within a day; the link
 * is https. Returns null when the task is no appointment and none was given.
 */
export function checkAppointment(
  kind: TaskKind,
  input: { startAt?: Date | null; endAt?: Date | null; location?: string | null; telehealthUrl?: string | null },
  current: Appointment | null = null,
): Appointment | null {
  const given = (['startAt', 'endAt', 'location', 'telehealthUrl'] as const).filter((key) => input[key] != null);
  if (!APPOINTMENT_KINDS.has(kind)) {
    if (given.length) throw badInput(given[0], `Only an appointment (${[...APPOINTMENT_KINDS].join(', ')}) has ${given[0]}`);
    return null;
  }
  const pick = <K extends keyof Appointment>(key: K): Appointment[K] =>
    (input[key] === undefined ? (current?.[key] ?? null) : input[key]) as Appointment[K];
  const location = pick('location')?.trim() || null;
  if (input.location != null && !location) throw badInput('location', 'location must not be blank');
  const link = pick('telehealthUrl');
  const appointment: Appointment = {
    startAt: pick('startAt'),
    endAt: pick('endAt'),
    location,
    telehealthUrl: link == null ? null : checkTelehealthUrl(link),
  };
  const { startAt, endAt } = appointment;
  if ((startAt === null) !== (endAt === null)) {
    throw badInput(startAt ? 'endAt' : 'startAt', 'startAt and endAt are given together');
  }
  if (startAt && endAt) {
    if (!(startAt >= EARLIEST_DUE && startAt < LATEST_DUE)) throw badInput('startAt', 'startAt must be a time between 2000 and 2100');
    if (!(endAt > startAt)) throw badInput('endAt', 'endAt must be after startAt');
    if (endAt.getTime() - startAt.getTime() > MAX_LENGTH_MS) throw badInput('endAt', 'An appointment lasts at most 24 hours');
  }
  return startAt || location || appointment.telehealthUrl ? appointment : null;
}

/**
 * After an appointment was booked or moved: when its assignee has another
 * appointment that overlaps it (on any patient, not cancelled, rejected or
 * failed), a DOUBLE_BOOKED warning for the response. It names the other
 * appointments the caller may see and only counts the others: a provider's
 * calendar of another team's patient is not the caller's to read.
 */
export async function warnIfDoubleBooked(ctx: Context, task: Task): Promise<void> {
  if (!task.assignee || !task.startAt || !task.endAt) return;
  const knex = ctx.em.getKnex();
  const rows = await ctx.em.execute<{ id: string; patient_id: string; start_at: Date; end_at: Date }[]>(
    knex('task')
      .select('id', 'patient_id', 'start_at', 'end_at')
      .where('assignee_id', task.assignee.id)
      .whereNot('id', task.id)
      .whereNotIn('status', NOT_TAKING_PLACE)
      .where('start_at', '<', task.endAt)
      .where('end_at', '>', task.startAt)
      .orderBy(['start_at', 'id'])
      .limit(50),
  );
  if (!rows.length) return;
  // One statement for all of them: the membership loader batches.
  const seen = await Promise.all(rows.map((row) => access.isMember(ctx, row.patient_id)));
  const visible = rows.filter((_, i) => seen[i]).map((row) => row.id);
  const name = await providers.names(ctx.em, [task.assignee.id]);
  ctx.warnings.add({
    code: WarningCode.DOUBLE_BOOKED,
    field: 'startAt',
    message: `${name(task.assignee.id)} has ${rows.length === 1 ? 'another appointment' : `${rows.length} other appointments`} at that time`,
    providerId: task.assignee.id,
    taskId: task.id,
    overlapping: rows.length,
    overlappingTaskIds: visible,
  });
}

/**
 * The appointments of the caller's patients (an active membership, the one
 * rule) that overlap [`from`, `to`), optionally only those assigned to
 * `providerIds`, ordered by start (then id). Cancelled, rejected and failed
 * ones are left out. Each patient shown is audited as read.
 */
export async function schedule(ctx: Context, args: { from: Date; to: Date; providerIds?: string[] | null }): Promise<Task[]> {
  const providerId = access.requireProvider(ctx);
  if (!(args.to > args.from)) throw badInput('to', 'to must be after from');
  if (args.to.getTime() - args.from.getTime() > MAX_SCHEDULE_DAYS * 86_400_000) {
    throw badInput('to', `A schedule spans at most ${MAX_SCHEDULE_DAYS} days`);
  }
  const providerIds = args.providerIds?.map((id) => expectId('Provider', id, 'providerIds'));
  const knex = ctx.em.getKnex();
  const query = whereActiveMember(knex, knex('task as t'), 't.patient_id', providerId)
    .select('t.*')
    .whereNotNull('t.start_at')
    .where('t.start_at', '<', args.to)
    .where('t.end_at', '>', args.from)
    .whereNotIn('t.status', NOT_TAKING_PLACE)
    .orderBy([
      { column: 't.start_at', order: 'asc' },
      { column: 't.id', order: 'asc' },
    ])
    .limit(MAX_SCHEDULE_ROWS);
  if (providerIds) query.whereIn('t.assignee_id', providerIds.length ? providerIds : ['']);
  const rows = await ctx.em.execute<Record<string, unknown>[]>(query);
  const list = rows.map((row) => ctx.em.map(Task, row));
  for (const task of list) {
    ctx.loaders.viewerIsMember.prime(task.patient.id, true);
    ctx.audit.read(task.patient.id);
  }
  return list;
}
