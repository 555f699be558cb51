import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { isActiveMember } from '../../auth/membership';
import { addChange, applyChanges, createdValues } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, badInput, forbidden, invalidTransition, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { writePatient, type PatientWrite } from '../../core/patient-write';
import { CarePlan, carePlans, CarePlanStatus } from '../care-plans';
import { providers } from '../providers';
import type { Appointment } from './appointments';
import { localTime, Occurrences, parseRecurrence } from './recurrence';
import { insertTask, TaskEvent } from './task-records';
import { TaskSeries, TaskSeriesStatus } from './task-series.entity';
import { Task, TaskKind, TaskPriority, TaskStatus } from './task.entity';

/** The job that creates a series' next occurrences when they enter its horizon (src/app/jobs.ts). */
export const MATERIALIZE_TASK_SERIES_JOB = 'materialize_task_series';

/** Days ahead occurrences exist as tasks unless the series says otherwise. */
export const DEFAULT_HORIZON_DAYS = 14;
/** Most occurrences one run creates; the job runs again at once for the rest. */
const MAX_PER_RUN = 100;
/** How far in the past a new series may start (today's 09:00 set up at 10:00). */
const LATEST_PAST_START_MS = 86_400_000;
const DAY = 86_400_000;

/** How a task recurs, as createTask takes it (the first occurrence is the task's startAt, else its dueAt). */
export interface TaskRecurrence {
  rule: string;
  timeZone: string;
  horizonDays?: number | null;
}

const jobKey = (seriesId: string) => `task-series:${seriesId}`;

/** (Re)schedules the series' one job for `at`, in `em`'s transaction: it commits with the change or not at all. */
async function scheduleJob(em: EntityManager, seriesId: string, at: Date): Promise<void> {
  await em.execute(
    `select graphile_worker.add_job(?, json_build_object('seriesId', ?::text), run_at := ?::timestamptz, job_key := ?, job_key_mode := 'replace', max_attempts := 10)`,
    [MATERIALIZE_TASK_SERIES_JOB, seriesId, at.toISOString(), jobKey(seriesId)],
  );
}

async function removeJob(em: EntityManager, seriesId: string): Promise<void> {
  await em.execute('select graphile_worker.remove_job(?)', [jobKey(seriesId)]);
}

/** The series has nothing more to create: COMPLETED, with its event, and its job gone. */
async function complete(write: PatientWrite, series: TaskSeries, plan: CarePlan, why: string): Promise<void> {
  const changes = applyChanges(series, { status: TaskSeriesStatus.COMPLETED });
  write.event({
    type: TaskEvent.TASK_SERIES_COMPLETED,
    summary: `Recurring task "${series.title}" on care plan "${plan.title}" has no more occurrences: ${why}`,
    subjects: [plan.id, series.id],
    changes,
  });
  await removeJob(write.em, series.id);
}

/**
 * Creates, inside `write`, every occurrence of the series up to its horizon
 * (now + horizonDays) that does not exist yet, and always the next one; each
 * is an ordinary task with its TASK_CREATED event. Then schedules the job for
 * when the following occurrence enters the horizon, or completes the series
 * when the rule has no more. Idempotent: under the patient lock, an
 * occurrence already created (by another instance's run) is skipped, and
 * `task_series_occurrence_unique` backs that up in the database.
 */
async function materialize(write: PatientWrite, series: TaskSeries, plan: CarePlan, now = new Date()): Promise<Task[]> {
  const occurrences = new Occurrences(series);
  const from = series.materializedThrough ?? new Date(series.start.getTime() - 1);
  const horizon = new Date(now.getTime() + series.horizonDays * DAY);
  let due = occurrences.between(from, horizon, MAX_PER_RUN);
  const capped = due.length === MAX_PER_RUN;
  let through = capped ? due[due.length - 1] : new Date(Math.max(horizon.getTime(), from.getTime()));
  // The next occurrence always exists as a task, even beyond the horizon (a monthly review stays on the worklist).
  if (!capped && !due.some((at) => at > now) && !(await write.em.count(Task, { series: series.id, occurrenceAt: { $gt: now } }))) {
    const next = occurrences.after(through);
    if (next) [due, through] = [[...due, next], next];
  }
  const existing = new Set(
    (await write.em.find(Task, { series: series.id, occurrenceAt: { $in: due } }, { fields: ['occurrenceAt'] })).map((t) =>
      t.occurrenceAt!.getTime(),
    ),
  );
  // An assignee who left the team meanwhile gets no new occurrences: they wait unassigned, as their open tasks do.
  const assigneeId = series.assignee && (await isActiveMember(write.em, write.patientId, series.assignee.id)) ? series.assignee.id : null;
  const created: Task[] = [];
  for (const at of due) {
    if (existing.has(at.getTime())) continue;
    const appointment: Appointment | null = series.durationMinutes
      ? {
          startAt: at,
          endAt: new Date(at.getTime() + series.durationMinutes * 60_000),
          location: series.location,
          telehealthUrl: series.telehealthUrl,
        }
      : series.location || series.telehealthUrl
        ? { startAt: null, endAt: null, location: series.location, telehealthUrl: series.telehealthUrl }
        : null;
    created.push(
      await insertTask(write, plan, {
        title: series.title,
        description: series.description,
        kind: series.kind,
        priority: series.priority,
        assigneeId,
        requesterId: series.requester.id,
        dueAt: at,
        appointment,
        occurrence: { seriesId: series.id, at, local: localTime(at, series.timeZone) },
      }),
    );
  }
  series.materializedThrough = through;
  const following = occurrences.after(through);
  if (!following) {
    await write.em.flush();
    await complete(write, series, plan, 'all its occurrences are scheduled');
  } else {
    const runAt = capped ? now : new Date(Math.max(now.getTime(), following.getTime() - series.horizonDays * DAY));
    await scheduleJob(write.em, series.id, runAt);
  }
  return created;
}

export const taskSeries = {
  async get(ctx: Context, id: string): Promise<TaskSeries> {
    const series = await ctx.loaders.taskSeriesById.load(expectId('TaskSeries', id, 'id'));
    if (!series || !(await access.isMember(ctx, series.patient.id))) {
      throw access.refuse(ctx, series?.patient.id ?? null, notFound('TaskSeries', id));
    }
    ctx.audit.read(series.patient.id);
    return series;
  },

  /** The next `first` occurrences per the rule after now (whether or not they exist as tasks yet). */
  async upcoming(ctx: Context, series: TaskSeries, first: number): Promise<Date[]> {
    await access.assertCanSeePatient(ctx, series.patient.id);
    if (series.status !== TaskSeriesStatus.ACTIVE) return [];
    if (!(first >= 1 && first <= 100)) throw badInput('first', 'first must be between 1 and 100');
    const now = new Date();
    return new Occurrences(series).between(now, new Date(now.getTime() + 200 * 366 * DAY), first);
  },

  /**
   * Inside a createTask write that carries a recurrence: checks the rule
   * (BAD_USER_INPUT naming `recurrence.rule`, `recurrence.timeZone`, …),
   * records the series with TASK_SERIES_CREATED, creates its occurrences up to
   * the horizon and schedules the job. Returns the first occurrence.
   */
  async start(
    write: PatientWrite,
    plan: CarePlan,
    fields: {
      title: string;
      description: string | null;
      kind: TaskKind;
      priority: TaskPriority;
      assigneeId: string | null;
      requesterId: string;
      dueAt: Date | null;
      appointment: Appointment | null;
      recurrence: TaskRecurrence;
    },
  ): Promise<Task> {
    const { appointment, recurrence } = fields;
    const start = appointment?.startAt ?? fields.dueAt;
    if (!start) throw badInput('recurrence', 'A recurring task starts at its first occurrence: give startAt (an appointment) or dueAt');
    if (start.getTime() < Date.now() - LATEST_PAST_START_MS) {
      throw badInput(appointment?.startAt ? 'startAt' : 'dueAt', 'A recurring task starts today or later');
    }
    const horizonDays = recurrence.horizonDays ?? DEFAULT_HORIZON_DAYS;
    if (!(Number.isInteger(horizonDays) && horizonDays >= 1 && horizonDays <= 366)) {
      throw badInput('recurrence.horizonDays', 'recurrence.horizonDays must be a whole number from 1 to 366');
    }
    const checked = parseRecurrence({ rule: recurrence.rule, start, timeZone: recurrence.timeZone });
    const series = write.em.create(TaskSeries, {
      carePlan: plan,
      patient: plan.patient.id,
      rule: checked.rule,
      start,
      timeZone: checked.timeZone,
      horizonDays,
      title: fields.title,
      description: fields.description,
      kind: fields.kind,
      priority: fields.priority,
      assignee: fields.assigneeId,
      requester: fields.requesterId,
      durationMinutes: appointment?.startAt && appointment.endAt ? (appointment.endAt.getTime() - start.getTime()) / 60_000 : null,
      location: appointment?.location ?? null,
      telehealthUrl: appointment?.telehealthUrl ?? null,
    });
    const name = await providers.names(write.em, [fields.requesterId]);
    write.event({
      type: TaskEvent.TASK_SERIES_CREATED,
      summary: `${name(fields.requesterId)} set up recurring task "${series.title}" (${series.rule}, from ${localTime(start, series.timeZone)}) on care plan "${plan.title}"`,
      subjects: [plan.id, series.id],
      changes: createdValues({
        rule: series.rule,
        start: series.start,
        timeZone: series.timeZone,
        horizonDays: series.horizonDays,
        title: series.title,
        kind: series.kind,
        priority: series.priority,
        assignee: fields.assigneeId,
        status: series.status,
      }),
    });
    await write.em.flush();
    const [first] = await materialize(write, series, plan);
    return first;
  },

  /**
   * The job: the series' next occurrences entered its horizon. Runs once
   * across the hub's instances (one job per series, by job key); running it
   * again creates nothing twice. A series whose plan was closed completes.
   */
  async materializeJob(ctx: Context, payload: unknown): Promise<void> {
    const id = (payload as { seriesId?: unknown } | null)?.seriesId;
    if (typeof id !== 'string') return;
    const found = await ctx.em.findOne(TaskSeries, id);
    if (found?.status !== TaskSeriesStatus.ACTIVE) return;
    await writePatient(ctx, found.patient.id, async (write) => {
      const series = await write.em.findOneOrFail(TaskSeries, id, { refresh: true });
      if (series.status !== TaskSeriesStatus.ACTIVE) return;
      const plan = await write.em.findOneOrFail(CarePlan, series.carePlan.id, { refresh: true });
      if (plan.status === CarePlanStatus.COMPLETED || plan.status === CarePlanStatus.REVOKED) {
        return complete(write, series, plan, `the care plan is ${plan.status}`);
      }
      await materialize(write, series, plan);
    });
  },

  /**
   * The plan owner or the series' requester stops a recurring task (ACTIVE,
   * or COMPLETED with occurrences still ahead): no further occurrences, and (unless `cancelUpcoming` is false) its future
   * occurrences nobody has started (REQUESTED, ACCEPTED) are CANCELLED, each
   * with TASK_STATUS_CHANGED. Records TASK_SERIES_CANCELLED.
   */
  async cancel(ctx: Context, input: { id: string; expectedVersion: number; cancelUpcoming?: boolean | null }): Promise<TaskSeries> {
    const found = await taskSeries.get(ctx, input.id);
    const viewerId = access.requireProvider(ctx);
    return writePatient(ctx, found.patient.id, async (write) => {
      const series = await write.em.findOneOrFail(TaskSeries, found.id, { refresh: true });
      const plan = await carePlans.forChange(write, series.carePlan.id);
      if (plan.owner.id !== viewerId && series.requester.id !== viewerId) {
        throw forbidden('Only the plan owner or the requester may cancel this recurring task');
      }
      assertVersion(series, input.expectedVersion, 'TaskSeries');
      if (series.status === TaskSeriesStatus.CANCELLED) throw invalidTransition('TaskSeries', series.status, TaskSeriesStatus.CANCELLED);
      const name = await providers.names(write.em, [viewerId]);
      write.event({
        type: TaskEvent.TASK_SERIES_CANCELLED,
        summary: `${name(viewerId)} cancelled recurring task "${series.title}" on care plan "${plan.title}"`,
        subjects: [plan.id, series.id],
        changes: applyChanges(series, { status: TaskSeriesStatus.CANCELLED }),
      });
      await removeJob(write.em, series.id);
      if (input.cancelUpcoming === false) return series;
      const upcoming = await write.em.find(
        Task,
        { series: series.id, occurrenceAt: { $gt: new Date() }, status: { $in: [TaskStatus.REQUESTED, TaskStatus.ACCEPTED] } },
        { orderBy: { occurrenceAt: 'asc' } },
      );
      const reason = 'The recurring task was cancelled';
      for (const task of upcoming) {
        const changes = addChange({}, 'status', task.status, TaskStatus.CANCELLED);
        addChange(changes, 'statusReason', task.statusReason, reason);
        task.status = TaskStatus.CANCELLED;
        task.statusReason = reason;
        write.event({
          type: TaskEvent.TASK_STATUS_CHANGED,
          summary: `${name(viewerId)} cancelled "${task.title}" due ${localTime(task.occurrenceAt!, series.timeZone)}: ${reason.toLowerCase()}`,
          subjects: [plan.id, series.id, task.id],
          changes,
        });
      }
      return series;
    });
  },
};
