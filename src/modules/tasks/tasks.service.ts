import DataLoader from 'dataloader';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { isActiveMember, whereActiveMember } from '../../auth/membership';
import { byIdLoader, loadChildPages, type JoinedRelation } from '../../core/batch';
import { addChange, applyChanges } from '../../core/changes';
import type { Context, LoaderFactory } from '../../core/context';
import { assertVersion, badInput, forbidden, invalidTransition, notFound } from '../../core/errors';
import { expectId, typeOfId } from '../../core/ids';
import { toConnection, toPage, type CursorKey, type Page, type PageArgs } from '../../core/pagination';
import { withNote, writePatient, type PatientWrite } from '../../core/patient-write';
import { carePlans, type CarePlan } from '../care-plans';
import { medicationSafety } from '../medication-safety';
import { Patient } from '../patients';
import { Provider, providers } from '../providers';
import { checkAppointment, warnIfDoubleBooked } from './appointments';
import { EARLIEST_DUE, insertTask, LATEST_DUE, TaskEvent, taskLifecycle } from './task-records';
import { TaskSeries } from './task-series.entity';
import { taskSeries } from './task-series.service';
import { APPOINTMENT_KINDS, Task, TaskKind, TaskNote, TaskPriority, TaskStatus } from './task.entity';
import {
  TaskOrder,
  type AddTaskNoteInput,
  type AssignTaskInput,
  type CreateTaskInput,
  type MyTaskArgs,
  type RescheduleAppointmentInput,
  type TaskListArgs,
  type TeamTaskArgs,
  type TeamTaskFilter,
  type TransitionTaskInput,
} from './task.types';

export { TaskEvent, taskLifecycle } from './task-records';

interface PageKey {
  parentId: string;
  page: Page;
  statuses: TaskStatus[] | null;
}

/** Batches page requests of many parents; requests with the same page and filter share one statement. */
function pagesLoader<T extends { id: string }>(
  em: EntityManager,
  entity: typeof Task | typeof TaskNote,
  parentColumn: string,
  related?: () => JoinedRelation,
) {
  return new DataLoader<PageKey, { rows: T[]; totalCount: number }, string>(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.page, key.statuses]);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const results = new Map<PageKey, { rows: T[]; totalCount: number }>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const { page, statuses } = group[0];
          const pages = await loadChildPages(
            em,
            entity as never,
            parentColumn,
            group.map((k) => k.parentId),
            page,
            (qb) => {
              if (statuses) qb.whereIn('status', statuses);
            },
            related?.(),
          );
          group.forEach((key, i) => results.set(key, pages[i] as { rows: T[]; totalCount: number }));
        }),
      );
      return keys.map((key) => results.get(key)!);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.page, key.statuses]) },
  );
}

export const taskLoaders = ((em, _viewer, all) => {
  // A page's assignees and note authors come in the same statement and seed the provider loader.
  const knex = em.getKnex();
  return {
    taskById: byIdLoader(em, Task),
    taskSeriesById: byIdLoader(em, TaskSeries),
    taskPagesByPlan: pagesLoader<Task>(em, Task, 'care_plan_id', () => providers.joined(knex, 'task.assignee_id', '__assignee', all)),
    taskPagesBySeries: pagesLoader<Task>(em, Task, 'series_id', () => providers.joined(knex, 'task.assignee_id', '__assignee', all)),
    notePagesByTask: pagesLoader<TaskNote>(em, TaskNote, 'task_id', () => providers.joined(knex, 'task_note.author_id', '__author', all)),
  };
}) satisfies LoaderFactory;

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof taskLoaders> {}
}

/** A priority's place in the PRIORITY order: higher comes first. */
const PRIORITY_RANK: Record<TaskPriority, number> = { STAT: 4, ASAP: 3, URGENT: 2, ROUTINE: 1 };
const PRIORITY_RANK_SQL = `(case t.priority ${Object.entries(PRIORITY_RANK)
  .map(([priority, rank]) => `when '${priority}' then ${rank}`)
  .join(' ')} end)`;

/**
 * One sort key of a worklist order: its SQL over `task as t`, its direction
 * (nullable keys sort nulls last, ascending only), and how the task gives its
 * value. A cursor holds the values, times as ISO 8601 and a missing deadline
 * as "".
 */
interface SortKey {
  sql: string;
  desc?: boolean;
  nullable?: boolean;
  kind: 'time' | 'rank' | 'id';
  value: (task: Task) => Date | number | string | null;
}

const DUE: SortKey = { sql: 't.due_at', nullable: true, kind: 'time', value: (t) => t.dueAt };
const ID_ASC: SortKey = { sql: 't.id', kind: 'id', value: (t) => t.id };

/**
 * The worklist orders, each a unique keyset ending with the id. `tag` starts
 * the cursor, so a cursor of one order is refused by another; the creation
 * order (myTasks without orderBy) keeps its untagged cursors of one id.
 */
const ORDERS: Record<TaskOrder | 'CREATED', { tag: string | null; keys: SortKey[] }> = {
  CREATED: { tag: null, keys: [ID_ASC] },
  [TaskOrder.DUE_AT]: { tag: 'due', keys: [DUE, ID_ASC] },
  [TaskOrder.PRIORITY]: {
    tag: 'priority',
    keys: [{ sql: PRIORITY_RANK_SQL, desc: true, kind: 'rank', value: (t) => PRIORITY_RANK[t.priority] }, DUE, ID_ASC],
  },
  [TaskOrder.UPDATED_AT]: {
    tag: 'updated',
    keys: [
      { sql: 't.updated_at', desc: true, kind: 'time', value: (t) => t.updatedAt },
      { sql: 't.id', desc: true, kind: 'id', value: (t) => t.id },
    ],
  },
};
type Order = (typeof ORDERS)[keyof typeof ORDERS];

const CURSOR_KEY: Record<SortKey['kind'], CursorKey> = { time: 'string', rank: 'int', id: 'string' };

/** `toPage` for a worklist order: the cursor's tag, times and id checked, decoded into the keys' values. */
function toOrderPage(args: PageArgs, order: Order): { page: Page; after: (Date | number | string | null)[] | null } {
  const page = toPage(args, [...(order.tag ? ['string' as const] : []), ...order.keys.map((k) => CURSOR_KEY[k.kind])]);
  if (!page.after) return { page, after: null };
  const refused = () => badInput('after', 'after is not a cursor returned by this connection in this order');
  const [tag, ...values] = order.tag ? page.after : [null, ...page.after];
  if (tag !== order.tag) throw refused();
  const after = order.keys.map((key, i) => {
    const value = values[i];
    if (key.kind === 'id') {
      if (typeOfId(value as string) !== 'Task') throw refused();
      return value as string;
    }
    if (key.kind === 'rank') {
      if (!Object.values(PRIORITY_RANK).includes(value as number)) throw refused();
      return value as number;
    }
    if (value === '' && key.nullable) return null;
    const at = new Date(value as string);
    if (Number.isNaN(at.getTime()) || at.toISOString() !== value) throw refused();
    return at;
  });
  return { page, after };
}

function cursorOf(order: Order, task: Task): unknown[] {
  const values = order.keys.map((key) => {
    const value = key.value(task);
    return value instanceof Date ? value.toISOString() : (value ?? '');
  });
  return order.tag ? [order.tag, ...values] : values;
}

/** The rows after `values` in `keys` order: (k1 past v1) or (k1 = v1 and (k2 past v2 or ...)). */
function afterKeys(knex: Knex, keys: SortKey[], values: (Date | number | string | null)[]): Knex.Raw {
  const [key, ...rest] = keys;
  const [value, ...restValues] = values;
  const past =
    value === null
      ? knex.raw('false') // nothing sorts after a null deadline but other null deadlines, compared by the next key
      : key.nullable
        ? knex.raw(`(${key.sql} > ? or ${key.sql} is null)`, [value])
        : knex.raw(`${key.sql} ${key.desc ? '<' : '>'} ?`, [value]);
  if (!rest.length) return past;
  const equal = value === null ? knex.raw(`${key.sql} is null`) : knex.raw(`${key.sql} = ?`, [value]);
  return knex.raw('(? or (? and ?))', [past, equal, afterKeys(knex, rest, restValues)]);
}

const listOrNull = <T extends string>(list: T[] | null | undefined): T[] | null => (list?.length ? [...new Set(list)].sort() : null);

/** Restricts a worklist query (`task as t`) to the filter: every condition given must hold. */
function applyFilter(knex: Knex, query: Knex.QueryBuilder, filter: TeamTaskFilter): void {
  const patientIds = listOrNull(filter.patientIds?.map((id) => expectId('Patient', id, 'patientIds')));
  const assigneeIds = listOrNull(filter.assigneeIds?.map((id) => expectId('Provider', id, 'assigneeIds')));
  if (patientIds) query.whereIn('t.patient_id', patientIds);
  if (filter.unassigned === true) {
    query.where((q) => {
      q.whereNull('t.assignee_id');
      if (assigneeIds) q.orWhereIn('t.assignee_id', assigneeIds);
    });
  } else if (assigneeIds) {
    query.whereIn('t.assignee_id', assigneeIds);
  } else if (filter.unassigned === false) {
    query.whereNotNull('t.assignee_id');
  }
  if (filter.overdue === true) {
    query.where('t.due_at', '<', knex.fn.now()).whereIn('t.status', [...taskLifecycle.open]);
  } else if (filter.overdue === false) {
    query.where((q) =>
      q
        .whereNull('t.due_at')
        .orWhere('t.due_at', '>=', knex.fn.now())
        .orWhereNotIn('t.status', [...taskLifecycle.open]),
    );
  }
  if (filter.dueBefore) query.where('t.due_at', '<', filter.dueBefore);
  const statuses = listOrNull(filter.status);
  const priorities = listOrNull(filter.priority);
  const kinds = listOrNull(filter.kind);
  if (statuses) query.whereIn('t.status', statuses);
  if (priorities) query.whereIn('t.priority', priorities);
  if (kinds) query.whereIn('t.kind', kinds);
}

/**
 * A page of the tasks of the caller's patients (an active membership, the one
 * rule) that match `filter`, in `order`: one statement for the page, one for
 * totalCount. Each patient shown is audited as read.
 */
async function worklist(ctx: Context, providerId: string, filter: TeamTaskFilter, order: Order, args: PageArgs) {
  const { page, after } = toOrderPage(args, order);
  const knex = ctx.em.getKnex();
  const filtered = whereActiveMember(knex, knex('task as t'), 't.patient_id', providerId);
  applyFilter(knex, filtered, filter);
  const pageQuery = filtered
    .clone()
    .select('t.*')
    .limit(page.first + 1);
  for (const key of order.keys) pageQuery.orderByRaw(`${key.sql} ${key.desc ? 'desc' : 'asc'}${key.nullable ? ' nulls last' : ''}`);
  if (after) pageQuery.where(afterKeys(knex, order.keys, after));
  const [rows, [{ n }]] = await Promise.all([
    ctx.em.execute<Record<string, unknown>[]>(pageQuery),
    ctx.em.execute<{ n: number }[]>(filtered.clone().count({ n: '*' })),
  ]);
  const list = rows.map((row) => ctx.em.map(Task, row));
  list.forEach((task) => {
    ctx.loaders.viewerIsMember.prime(task.patient.id, true);
    ctx.audit.read(task.patient.id);
  });
  return toConnection(list, page.first, Number(n), (t) => cursorOf(order, t));
}

/** Loads a task for change inside a write, with its (still open) plan. */
async function taskForChange(write: PatientWrite, id: string, expectedVersion: number) {
  const task = await write.em.findOneOrFail(Task, id, { refresh: true });
  const plan = await carePlans.forChange(write, task.carePlan.id);
  return { task, plan, checkVersion: () => assertVersion(task, expectedVersion, 'Task') };
}

export const tasks = {
  async get(ctx: Context, id: string): Promise<Task> {
    const task = await ctx.loaders.taskById.load(expectId('Task', id, 'id'));
    if (!task || !(await access.isMember(ctx, task.patient.id))) throw access.refuse(ctx, task?.patient.id ?? null, notFound('Task', id));
    ctx.audit.read(task.patient.id);
    return task;
  },

  /** A task note, for `node(id:)`: visible to its patient's care team. */
  async getNote(ctx: Context, id: string): Promise<TaskNote | null> {
    const note = await ctx.em.findOne(TaskNote, expectId('TaskNote', id, 'id'));
    if (!note) return null;
    await access.assertCanSeePatient(ctx, note.patient.id);
    return note;
  },

  async ofPlan(ctx: Context, planId: string, patientId: string, args: TaskListArgs) {
    await access.assertCanSeePatient(ctx, patientId);
    const page = toPage(args, ['string']);
    const { rows, totalCount } = await ctx.loaders.taskPagesByPlan.load({ parentId: planId, page, statuses: listOrNull(args.status) });
    return toConnection(rows, page.first, totalCount, (t) => [t.id]);
  },

  async notes(ctx: Context, task: Task, args: PageArgs) {
    await access.assertCanSeePatient(ctx, task.patient.id);
    const page = toPage(args, ['string']);
    const { rows, totalCount } = await ctx.loaders.notePagesByTask.load({ parentId: task.id, page, statuses: null });
    return toConnection(rows, page.first, totalCount, (n) => [n.id]);
  },

  /** Tasks assigned to the caller, on patients whose team the caller is still on; creation order unless `orderBy` says otherwise. */
  async mine(ctx: Context, args: MyTaskArgs) {
    const providerId = access.requireProvider(ctx);
    const filter = { assigneeIds: [providerId], status: args.status, overdue: args.overdue };
    return worklist(ctx, providerId, filter, ORDERS[args.orderBy ?? 'CREATED'], args);
  },

  /** The worklist of the caller's patients: every task of a patient whose team the caller is on, filtered and sorted. */
  async team(ctx: Context, args: TeamTaskArgs) {
    const providerId = access.requireProvider(ctx);
    return worklist(ctx, providerId, args.filter ?? {}, ORDERS[args.orderBy ?? TaskOrder.DUE_AT], args);
  },

  /**
   * Inside another module's write, which has already decided who may cause it
   * (alerts: a warning sign met): a task on an open plan, assigned to an
   * active member, recorded with TASK_CREATED after that write's own events.
   */
  async raise(
    write: PatientWrite,
    input: {
      carePlanId: string;
      title: string;
      description: string;
      kind: TaskKind;
      priority: TaskPriority;
      assigneeId: string;
      requesterId: string;
    },
  ): Promise<Task> {
    const plan = await carePlans.forChange(write, input.carePlanId);
    return insertTask(write, plan, {
      title: input.title,
      description: input.description,
      kind: input.kind,
      priority: input.priority,
      assigneeId: input.assigneeId,
      requesterId: input.requesterId,
      dueAt: null,
    });
  },

  /**
   * A task brought in with its plan from another system (the FHIR
   * transaction), by ADMIN, inside the write that registers its patient: in
   * the status it has there, assigned to an active member, requested by a
   * provider of the patient's organization, with its notes. A MEDICATION
   * task's drug passes the allergy check (SAFETY_CONFLICT, no override).
   */
  async importTask(
    ctx: Context,
    plan: CarePlan,
    input: {
      title: string;
      description: string | null;
      kind: TaskKind;
      medication: string | null;
      priority: TaskPriority;
      status: TaskStatus;
      statusReason: string | null;
      assigneeId: string | null;
      requesterId: string;
      dueAt: Date | null;
      notes: { authorId: string; text: string; at: Date | null }[];
    },
  ): Promise<Task> {
    access.assertAdmin(ctx);
    if (input.dueAt && !(input.dueAt >= EARLIEST_DUE && input.dueAt < LATEST_DUE)) {
      throw badInput('dueAt', 'dueAt must be a time between 2000 and 2100');
    }
    if (input.medication && input.kind !== TaskKind.MEDICATION) throw badInput('medication', 'Only a MEDICATION task names a medication');
    return writePatient(ctx, plan.patient.id, async (write) => {
      if (input.assigneeId && !(await isActiveMember(write.em, plan.patient.id, input.assigneeId))) {
        throw badInput('assigneeId', 'The assignee must be an active member of the care team');
      }
      const patient = await write.em.findOneOrFail(Patient, plan.patient.id);
      const requester = await write.em.findOne(Provider, input.requesterId);
      if (requester?.organization.id !== patient.organization.id) {
        throw badInput('requesterId', "The requester must be a provider of the patient's organization");
      }
      if (input.medication) {
        medicationSafety.guard(write, { allergies: patient.allergies, medications: [{ name: input.medication, field: 'medication' }] });
      }
      const task = await insertTask(write, plan, { ...input, medication: input.medication });
      for (const note of input.notes) {
        write.em.create(TaskNote, {
          task,
          patient: plan.patient.id,
          author: note.authorId,
          text: note.text.trim(),
          createdAt: note.at ?? new Date(),
        });
        write.event({
          type: TaskEvent.TASK_NOTE_ADDED,
          summary: `A note was imported onto "${task.title}"`,
          subjects: [plan.id, task.id],
        });
      }
      return task;
    });
  },

  /**
   * Any active team member may create a task on an open plan; the assignee
   * must be on the team. A MEDICATION task may name its drug, which is checked
   * against the patient's allergies (SAFETY_CONFLICT unless overridden).
   */
  async create(ctx: Context, input: CreateTaskInput): Promise<Task> {
    const plan = await carePlans.get(ctx, expectId('CarePlan', input.carePlanId, 'carePlanId'));
    const assigneeId = input.assigneeId ? expectId('Provider', input.assigneeId, 'assigneeId') : null;
    const requesterId = await access.assertMember(ctx, plan.patient.id);
    if (input.dueAt && !(input.dueAt >= EARLIEST_DUE && input.dueAt < LATEST_DUE)) {
      throw badInput('dueAt', 'dueAt must be a time between 2000 and 2100');
    }
    const medication = input.medication?.trim() || null;
    if (input.medication != null && !medication) throw badInput('medication', 'medication must not be blank');
    if (medication && input.kind !== TaskKind.MEDICATION) throw badInput('medication', 'Only a MEDICATION task names a medication');
    if (medication && input.recurrence) throw badInput('recurrence', 'A task that names a medication does not recur');
    const appointment = checkAppointment(input.kind, input);
    const task = await writePatient(ctx, plan.patient.id, async (write) => {
      const current = await carePlans.forChange(write, plan.id);
      if (assigneeId && !(await isActiveMember(write.em, current.patient.id, assigneeId))) {
        throw badInput('assigneeId', 'The assignee must be an active member of the care team');
      }
      const fields = {
        title: input.title.trim(),
        description: input.description ?? null,
        kind: input.kind,
        priority: input.priority ?? TaskPriority.ROUTINE,
        assigneeId,
        requesterId,
        dueAt: input.dueAt ?? appointment?.startAt ?? null,
        appointment,
      };
      if (input.recurrence) return taskSeries.start(write, current, { ...fields, recurrence: input.recurrence });
      // The allergies as they are under the patient lock: a concurrent record update cannot slip in between.
      const override = medication
        ? medicationSafety.guard(write, {
            allergies: (await write.em.findOneOrFail(Patient, current.patient.id, { refresh: true })).allergies,
            medications: [{ name: medication, field: 'medication' }],
            overrideReason: input.overrideReason,
          })
        : null;
      return insertTask(write, current, { ...fields, override, medication });
    });
    await warnIfDoubleBooked(ctx, task);
    return task;
  },

  /**
   * Moves an appointment or changes its place or link. The plan owner, the
   * requester or the assignee may (FORBIDDEN otherwise); a closed task is
   * INVALID_TRANSITION. A deadline that was the old start moves with it.
   * Records TASK_RESCHEDULED; an overlap with another appointment of the
   * assignee is a DOUBLE_BOOKED warning.
   */
  async reschedule(ctx: Context, input: RescheduleAppointmentInput): Promise<Task> {
    const found = await tasks.get(ctx, input.id);
    const viewerId = access.requireProvider(ctx);
    const task = await writePatient(ctx, found.patient.id, async (write) => {
      const { task, plan, checkVersion } = await taskForChange(write, found.id, input.expectedVersion);
      if (plan.owner.id !== viewerId && task.requester.id !== viewerId && task.assignee?.id !== viewerId) {
        throw forbidden('Only the plan owner, the requester or the assignee may reschedule this appointment');
      }
      checkVersion();
      if (!APPOINTMENT_KINDS.has(task.kind)) throw badInput('id', `A ${task.kind} task is no appointment`);
      if (taskLifecycle.isFinal(task.status)) throw invalidTransition('Task', task.status, 'RESCHEDULED');
      const appointment = checkAppointment(task.kind, input, task);
      const moved = appointment?.startAt ?? null;
      const changes = applyChanges(task, {
        startAt: moved,
        endAt: appointment?.endAt ?? null,
        location: appointment?.location ?? null,
        telehealthUrl: appointment?.telehealthUrl ?? null,
        ...(task.startAt && task.dueAt?.getTime() === task.startAt.getTime() && moved ? { dueAt: moved } : {}),
      });
      if (!Object.keys(changes).length) return task;
      const name = await providers.names(write.em, [viewerId]);
      write.event({
        type: TaskEvent.TASK_RESCHEDULED,
        summary:
          `${name(viewerId)} rescheduled "${task.title}"` +
          (task.startAt ? ` to ${task.startAt.toISOString()}–${task.endAt!.toISOString()}` : '') +
          (task.location ? ` at ${task.location}` : ''),
        subjects: [plan.id, task.series?.id, task.id],
        changes,
      });
      return task;
    });
    await warnIfDoubleBooked(ctx, task);
    return task;
  },

  /** The tasks of a recurring task, in creation order (occurrence order). */
  async ofSeries(ctx: Context, seriesId: string, patientId: string, args: TaskListArgs) {
    await access.assertCanSeePatient(ctx, patientId);
    const page = toPage(args, ['string']);
    const { rows, totalCount } = await ctx.loaders.taskPagesBySeries.load({ parentId: seriesId, page, statuses: listOrNull(args.status) });
    return toConnection(rows, page.first, totalCount, (t) => [t.id]);
  },

  /**
   * The plan owner or the requester (re)assigns an open task; a team member
   * may also claim an unassigned one. A new assignee must accept it again, so
   * the task returns to REQUESTED.
   */
  async assign(ctx: Context, input: AssignTaskInput): Promise<Task> {
    const found = await tasks.get(ctx, input.id);
    const assigneeId = expectId('Provider', input.assigneeId, 'assigneeId');
    const viewerId = access.requireProvider(ctx);
    const task = await writePatient(ctx, found.patient.id, async (write) => {
      const { task, plan, checkVersion } = await taskForChange(write, found.id, input.expectedVersion);
      const claimsUnassigned = task.assignee === null && assigneeId === viewerId;
      if (plan.owner.id !== viewerId && task.requester.id !== viewerId && !claimsUnassigned) {
        throw forbidden('Only the plan owner or the requester may assign this task');
      }
      checkVersion();
      if (taskLifecycle.isFinal(task.status)) throw invalidTransition('Task', task.status, 'REASSIGNED');
      if (task.assignee?.id === assigneeId) throw badInput('assigneeId', 'The task is already assigned to this provider');
      if (!(await isActiveMember(write.em, task.patient.id, assigneeId))) {
        throw badInput('assigneeId', 'The assignee must be an active member of the care team');
      }
      const previous = task.assignee?.id ?? null;
      const changes = addChange({}, 'assignee', previous, assigneeId);
      addChange(changes, 'status', task.status, TaskStatus.REQUESTED);
      task.assignee = write.em.getReference(Provider, assigneeId, { wrapped: true });
      task.status = TaskStatus.REQUESTED;
      const name = await providers.names(write.em, [viewerId, previous, assigneeId]);
      write.event({
        type: TaskEvent.TASK_ASSIGNED,
        summary: withNote(
          claimsUnassigned
            ? `${name(viewerId)} took on "${task.title}"`
            : previous
              ? `${name(viewerId)} reassigned "${task.title}" from ${name(previous)} to ${name(assigneeId)}`
              : `${name(viewerId)} assigned "${task.title}" to ${name(assigneeId)}`,
          input.note,
        ),
        subjects: [plan.id, task.id],
        changes,
        note: input.note,
      });
      return task;
    });
    await warnIfDoubleBooked(ctx, task); // an appointment handed to someone already booked then
    return task;
  },

  /**
   * Moves a task along taskLifecycle. The assignee accepts or rejects and
   * works the task; the plan owner may also start, pause, finish or cancel it;
   * the requester may cancel it.
   */
  async transition(ctx: Context, input: TransitionTaskInput): Promise<Task> {
    const found = await tasks.get(ctx, input.id);
    const viewerId = access.requireProvider(ctx);
    return writePatient(ctx, found.patient.id, async (write) => {
      const { task, plan, checkVersion } = await taskForChange(write, found.id, input.expectedVersion);
      const isAssignee = task.assignee?.id === viewerId;
      const isOwner = plan.owner.id === viewerId;
      const allowed =
        input.to === TaskStatus.ACCEPTED || input.to === TaskStatus.REJECTED
          ? isAssignee
          : input.to === TaskStatus.CANCELLED
            ? isOwner || task.requester.id === viewerId || isAssignee
            : isAssignee || isOwner;
      if (!allowed) throw forbidden(`You may not move this task to ${input.to}`);
      checkVersion();
      taskLifecycle.assertMove(task.status, input.to);
      const from = task.status;
      const changes = addChange({}, 'status', from, input.to);
      task.status = input.to;
      const note = input.note?.trim();
      if (note) {
        addChange(changes, 'statusReason', task.statusReason, note);
        task.statusReason = note;
        write.em.create(TaskNote, { task, patient: task.patient.id, author: viewerId, text: note });
      }
      const name = await providers.names(write.em, [viewerId]);
      write.event({
        type: TaskEvent.TASK_STATUS_CHANGED,
        summary: `${name(viewerId)} moved "${task.title}" from ${from} to ${input.to}`,
        subjects: [plan.id, task.id],
        changes,
      });
      return task;
    });
  },

  /** Any active team member may add a note, on open and closed tasks alike. */
  async addNote(ctx: Context, input: AddTaskNoteInput): Promise<TaskNote> {
    const found = await tasks.get(ctx, expectId('Task', input.taskId, 'taskId'));
    const authorId = await access.assertMember(ctx, found.patient.id);
    return writePatient(ctx, found.patient.id, async (write) => {
      const note = write.em.create(TaskNote, { task: found.id, patient: found.patient.id, author: authorId, text: input.text.trim() });
      const name = await providers.names(write.em, [authorId]);
      write.event({
        type: TaskEvent.TASK_NOTE_ADDED,
        summary: `${name(authorId)} added a note to "${found.title}"`,
        subjects: [found.carePlan.id, found.id],
      });
      return note;
    });
  },

  /**
   * Returns the patient's open tasks of a provider to REQUESTED without an
   * assignee, each with a TASK_UNASSIGNED event, so the team sees what needs
   * a new owner. Part of a larger write (the care-team module calls it when a
   * membership ends, inside its own write); ADMIN's, like that write.
   */
  async unassignAllOf(ctx: Context, patientId: string, providerId: string, reason: { statusReason: string; summary: string }) {
    return writePatient(ctx, patientId, async (write) => {
      const open = await write.em.find(Task, { patient: patientId, assignee: providerId, status: { $in: [...taskLifecycle.open] } });
      for (const task of open) {
        const changes = addChange({}, 'assignee', providerId, null);
        addChange(changes, 'status', task.status, TaskStatus.REQUESTED);
        addChange(changes, 'statusReason', task.statusReason, reason.statusReason);
        task.assignee = null;
        task.status = TaskStatus.REQUESTED;
        task.statusReason = reason.statusReason;
        write.event({
          type: TaskEvent.TASK_UNASSIGNED,
          summary: `"${task.title}" needs a new assignee: ${reason.summary}`,
          subjects: [task.carePlan.id, task.id],
          changes,
        });
      }
      return open.length;
    });
  },
};
