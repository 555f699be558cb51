import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access, isActiveMember } from '../../auth/access';
import { byIdLoader, loadChildPages } from '../../db/batch';
import { EventType } from '../../events/event.entity';
import { writePatient, type PatientWrite } from '../../events/recorder';
import type { Context } from '../../graphql/context';
import { assertVersion, badInput, forbidden, invalidTransition, notFound } from '../../graphql/errors';
import { expectId } from '../../graphql/ids';
import { toConnection, toPage, type Page, type PageArgs } from '../../graphql/pagination';
import { carePlans, planForChange } from '../care-plans/care-plans.service';
import { Provider } from '../providers/provider.entity';
import { OPEN_TASK_STATUSES, Task, TaskNote, TaskPriority, TaskStatus } from './task.entity';
import type { AddTaskNoteInput, AssignTaskInput, CreateTaskInput, TaskListArgs, TransitionTaskInput } from './task.types';

/** The FHIR Task lifecycle (DESIGN.md), enforced here and nowhere else. */
export const TASK_TRANSITIONS: Record<TaskStatus, TaskStatus[]> = {
  REQUESTED: [TaskStatus.ACCEPTED, TaskStatus.REJECTED, TaskStatus.CANCELLED],
  ACCEPTED: [TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED],
  IN_PROGRESS: [TaskStatus.ON_HOLD, TaskStatus.COMPLETED, TaskStatus.FAILED],
  ON_HOLD: [TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED],
  REJECTED: [],
  CANCELLED: [],
  COMPLETED: [],
  FAILED: [],
};

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
) {
  return new DataLoader<PageKey, { rows: T[]; totalCount: number }, string>(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.page, key.statuses]);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const results = new Map<PageKey, { rows: T[]; totalCount: number }>();
      await Promise.all([...groups.values()].map(async (group) => {
        const { page, statuses } = group[0];
        const pages = await loadChildPages(em, entity as never, parentColumn, group.map((k) => k.parentId), page, (qb) => {
          if (statuses) qb.whereIn('status', statuses);
        });
        group.forEach((key, i) => results.set(key, pages[i] as { rows: T[]; totalCount: number }));
      }));
      return keys.map((key) => results.get(key)!);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.page, key.statuses]) },
  );
}

export function taskLoaders(em: EntityManager) {
  return {
    taskById: byIdLoader(em, Task),
    taskPagesByPlan: pagesLoader<Task>(em, Task, 'care_plan_id'),
    notePagesByTask: pagesLoader<TaskNote>(em, TaskNote, 'task_id'),
  };
}

function statusFilter(args: TaskListArgs): TaskStatus[] | null {
  return args.status?.length ? [...new Set(args.status)].sort() : null;
}

/** Loads a task for change inside a write, with its (still open) plan. */
async function taskForChange(write: PatientWrite, id: string, expectedVersion: number) {
  const task = await write.em.findOneOrFail(Task, id, { refresh: true });
  const plan = await planForChange(write, task.carePlan.id);
  return { task, plan, checkVersion: () => assertVersion(task, expectedVersion, 'Task') };
}

/** Due times outside this window are typing mistakes, not plans. */
const EARLIEST_DUE = new Date('2000-01-01T00:00:00Z');
const LATEST_DUE = new Date('2101-01-01T00:00:00Z');

export const tasks = {
  async get(ctx: Context, id: string): Promise<Task> {
    const task = await ctx.loaders.taskById.load(expectId('Task', id, 'id'));
    if (!task || !(await access.isMember(ctx, task.patient.id))) throw notFound('Task', id);
    ctx.audit.read(task.patient.id);
    return task;
  },

  async ofPlan(ctx: Context, planId: string, patientId: string, args: TaskListArgs) {
    await access.assertCanSeePatient(ctx, patientId);
    const page = toPage(args, ['string']);
    const { rows, totalCount } = await ctx.loaders.taskPagesByPlan.load({ parentId: planId, page, statuses: statusFilter(args) });
    return toConnection(rows, page.first, totalCount, (t) => [t.id]);
  },

  async notes(ctx: Context, task: Task, args: PageArgs) {
    await access.assertCanSeePatient(ctx, task.patient.id);
    const page = toPage(args, ['string']);
    const { rows, totalCount } = await ctx.loaders.notePagesByTask.load({ parentId: task.id, page, statuses: null });
    return toConnection(rows, page.first, totalCount, (n) => [n.id]);
  },

  /** Tasks assigned to the caller, on patients whose team the caller is still on. */
  async mine(ctx: Context, args: TaskListArgs) {
    const providerId = access.requireProvider(ctx);
    const page = toPage(args, ['string']);
    const knex = ctx.em.getKnex();
    const filtered = knex('task as t')
      .join('care_team_member as m', (j) => j.on('m.patient_id', 't.patient_id').andOnVal('m.provider_id', providerId).andOnNull('m.ended_at'))
      .where('t.assignee_id', providerId);
    const statuses = statusFilter(args);
    if (statuses) filtered.whereIn('t.status', statuses);
    const pageQuery = filtered.clone().select('t.*').orderBy('t.id').limit(page.first + 1);
    if (page.after) pageQuery.where('t.id', '>', String(page.after[0]));
    const [rows, [{ n }]] = await Promise.all([
      ctx.em.execute<Record<string, unknown>[]>(pageQuery),
      ctx.em.execute<{ n: number }[]>(filtered.clone().count({ n: '*' })),
    ]);
    const list = rows.map((row) => ctx.em.map(Task, row));
    list.forEach((task) => {
      ctx.loaders.viewerIsMember.prime(task.patient.id, true);
      ctx.audit.read(task.patient.id);
    });
    return toConnection(list, page.first, Number(n), (t) => [t.id]);
  },

  /** Any active team member may create a task on an open plan; the assignee must be on the team. */
  async create(ctx: Context, input: CreateTaskInput): Promise<Task> {
    const plan = await carePlans.get(ctx, expectId('CarePlan', input.carePlanId, 'carePlanId'));
    const assigneeId = input.assigneeId ? expectId('Provider', input.assigneeId, 'assigneeId') : null;
    const requesterId = await access.assertMember(ctx, plan.patient.id);
    if (input.dueAt && !(input.dueAt >= EARLIEST_DUE && input.dueAt < LATEST_DUE)) {
      throw badInput('dueAt', 'dueAt must be a time between 2000 and 2100');
    }
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await planForChange(write, plan.id);
      if (assigneeId && !(await isActiveMember(write.em, current.patient.id, assigneeId))) {
        throw badInput('assigneeId', 'The assignee must be an active member of the care team');
      }
      const task = write.em.create(Task, {
        carePlan: current,
        patient: current.patient.id,
        title: input.title.trim(),
        description: input.description ?? null,
        kind: input.kind,
        priority: input.priority ?? TaskPriority.ROUTINE,
        assignee: assigneeId,
        requester: requesterId,
        dueAt: input.dueAt ?? null,
      });
      write.event({
        type: EventType.TASK_CREATED,
        summary: `Task "${task.title}" (${task.kind}, ${task.priority}) created`,
        carePlanId: current.id,
        taskId: task.id,
        changes: { assigneeId, status: task.status },
      });
      return task;
    });
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
    return writePatient(ctx, found.patient.id, async (write) => {
      const { task, plan, checkVersion } = await taskForChange(write, found.id, input.expectedVersion);
      const claimsUnassigned = task.assignee === null && assigneeId === viewerId;
      if (plan.owner.id !== viewerId && task.requester.id !== viewerId && !claimsUnassigned) {
        throw forbidden('Only the plan owner or the requester may assign this task');
      }
      checkVersion();
      if (!OPEN_TASK_STATUSES.includes(task.status)) throw invalidTransition('Task', task.status, 'REASSIGNED');
      if (task.assignee?.id === assigneeId) throw badInput('assigneeId', 'The task is already assigned to this provider');
      if (!(await isActiveMember(write.em, task.patient.id, assigneeId))) {
        throw badInput('assigneeId', 'The assignee must be an active member of the care team');
      }
      const from = { assigneeId: task.assignee?.id ?? null, status: task.status };
      task.assignee = write.em.getReference(Provider, assigneeId, { wrapped: true });
      task.status = TaskStatus.REQUESTED;
      write.event({
        type: EventType.TASK_ASSIGNED,
        summary: `Task "${task.title}" assigned`,
        carePlanId: plan.id,
        taskId: task.id,
        changes: { assigneeId: { from: from.assigneeId, to: assigneeId }, status: { from: from.status, to: task.status } },
      });
      return task;
    });
  },

  /**
   * Moves a task along TASK_TRANSITIONS. The assignee accepts or rejects and
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
        input.to === TaskStatus.ACCEPTED || input.to === TaskStatus.REJECTED ? isAssignee
        : input.to === TaskStatus.CANCELLED ? isOwner || task.requester.id === viewerId || isAssignee
        : isAssignee || isOwner;
      if (!allowed) throw forbidden(`You may not move this task to ${input.to}`);
      checkVersion();
      if (!TASK_TRANSITIONS[task.status].includes(input.to)) throw invalidTransition('Task', task.status, input.to);
      const from = task.status;
      task.status = input.to;
      const note = input.note?.trim();
      if (note) {
        task.statusReason = note;
        write.em.create(TaskNote, { task, patient: task.patient.id, author: viewerId, text: note });
      }
      write.event({
        type: EventType.TASK_STATUS_CHANGED,
        summary: `Task "${task.title}" moved from ${from} to ${input.to}`,
        carePlanId: plan.id,
        taskId: task.id,
        changes: { status: { from, to: input.to }, ...(note ? { note } : {}) },
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
      write.event({
        type: EventType.TASK_NOTE_ADDED,
        summary: `Note added to task "${found.title}"`,
        carePlanId: found.carePlan.id,
        taskId: found.id,
      });
      return note;
    });
  },
};
