import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader, groupInKeyOrder, readOnlyRows } from '../../core/batch';
import { applyChanges, createdValues, describeChanges } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { defineLifecycle } from '../../core/lifecycle';
import { writePatient, type PatientWrite } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { carePlans, type CarePlan } from '../care-plans';
import { providers } from '../providers';
import { Goal, GoalStatus } from './goal.entity';
import type { AddGoalInput, GoalFields, UpdateGoalInput } from './goal.types';

/** A goal is proposed, pursued, then achieved or dropped; an achieved goal may be re-opened (relapse). */
export const goalLifecycle = defineLifecycle<GoalStatus>('Goal', {
  PROPOSED: [GoalStatus.ACTIVE, GoalStatus.CANCELLED],
  ACTIVE: [GoalStatus.ACHIEVED, GoalStatus.CANCELLED],
  ACHIEVED: [GoalStatus.ACTIVE],
  CANCELLED: [],
});

export const GoalEvent = defineEventTypes({
  GOAL_ADDED: 'A goal was added to a care plan.',
  GOAL_UPDATED: "A goal's description, target, due date or status changed.",
});

export function goalLoaders(em: EntityManager) {
  return {
    goalById: byIdLoader(em, Goal),
    goalsByPlan: new DataLoader<string, Goal[]>(async (planIds) => {
      const query = em
        .getKnex()('goal')
        .select('*')
        .whereIn('care_plan_id', [...planIds])
        .orderBy('id');
      const rows = await readOnlyRows(em, Goal, query);
      return groupInKeyOrder(planIds, rows, (goal) => goal.carePlan.id);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof goalLoaders> {}
}

export const goals = {
  async get(ctx: Context, id: string): Promise<Goal> {
    const goal = await ctx.loaders.goalById.load(expectId('Goal', id, 'id'));
    if (!goal || !(await access.isMember(ctx, goal.patient.id))) throw access.refuse(ctx, goal?.patient.id ?? null, notFound('Goal', id));
    ctx.audit.read(goal.patient.id);
    return goal;
  },

  async ofPlan(ctx: Context, planId: string, patientId: string): Promise<Goal[]> {
    await access.assertCanSeePatient(ctx, patientId);
    return ctx.loaders.goalsByPlan.load(planId);
  },

  /** The plan owner adds goals. */
  async add(ctx: Context, input: AddGoalInput): Promise<Goal> {
    const plan = await carePlans.get(ctx, expectId('CarePlan', input.carePlanId, 'carePlanId'));
    const dueDate = input.dueDate ? goals.dueDate(input.dueDate, 'dueDate') : null;
    // The plan read above is cached for this request; the write moves its version, so forget it.
    ctx.loaders.carePlanById.clear(plan.id);
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await carePlans.forChange(write, plan.id);
      access.assertPlanOwner(ctx, current.owner.id);
      return goals.insert(write, current, { description: input.description, target: input.target, dueDate });
    });
  },

  /** A goal's due date as stored (YYYY-MM-DD), within reach of a care plan: not before 2000, not past 2100 (BAD_USER_INPUT on `field`). */
  dueDate(value: Date, field: string): string {
    const date = value.toISOString().slice(0, 10);
    if (date < '2000-01-01' || date > '2100-12-31') throw badInput(field, `${field} is out of range`);
    return date;
  },

  /**
   * Inside a write that has already decided who may change the plan (`add`: its owner; a plan made from a
   * template: its creator): a goal on the open plan `plan`, read in the write, with GOAL_ADDED.
   */
  async insert(write: PatientWrite, plan: CarePlan, fields: GoalFields & { dueDate: string | null }): Promise<Goal> {
    const goal = write.em.create(Goal, {
      carePlan: plan,
      patient: plan.patient.id,
      description: fields.description.trim(),
      target: fields.target?.trim() || null,
      dueDate: fields.dueDate,
    });
    plan.updatedAt = new Date(); // goals are part of the plan: its version moves too
    const viewerId = write.actorId;
    const name = await providers.names(write.em, [viewerId]);
    write.event({
      type: GoalEvent.GOAL_ADDED,
      summary: `${name(viewerId)} added goal "${goal.description}" to care plan "${plan.title}"`,
      subjects: [plan.id, goal.id],
      changes: createdValues({ description: goal.description, target: goal.target, dueDate: goal.dueDate, status: goal.status }),
    });
    return goal;
  },

  /**
   * A goal brought in with its plan from another system (the FHIR
   * transaction), by ADMIN, inside the write that registers its patient, in
   * the status it has there.
   */
  async importGoal(
    ctx: Context,
    plan: CarePlan,
    input: { description: string; target: string | null; dueDate: Date | null; status: GoalStatus },
  ): Promise<Goal> {
    access.assertAdmin(ctx);
    const dueDate = input.dueDate ? goals.dueDate(input.dueDate, 'dueDate') : null;
    return writePatient(ctx, plan.patient.id, async (write) => {
      const goal = write.em.create(Goal, {
        carePlan: plan,
        patient: plan.patient.id,
        description: input.description.trim(),
        target: input.target?.trim() || null,
        dueDate,
        status: input.status,
      });
      write.event({
        type: GoalEvent.GOAL_ADDED,
        summary: `Goal "${goal.description}" imported into care plan "${plan.title}"`,
        subjects: [plan.id, goal.id],
        changes: createdValues({ description: goal.description, target: goal.target, dueDate: goal.dueDate, status: goal.status }),
      });
      return goal;
    });
  },

  /** The plan owner updates goals; status follows GOAL_TRANSITIONS. */
  async update(ctx: Context, input: UpdateGoalInput): Promise<Goal> {
    const found = await goals.get(ctx, input.id);
    const dueDate = input.dueDate ? goals.dueDate(input.dueDate, 'dueDate') : input.dueDate;
    ctx.loaders.carePlanById.clear(found.carePlan.id); // the write moves the plan's version
    return writePatient(ctx, found.patient.id, async (write) => {
      const plan = await carePlans.forChange(write, found.carePlan.id);
      access.assertPlanOwner(ctx, plan.owner.id);
      const goal = await write.em.findOneOrFail(Goal, found.id, { refresh: true });
      assertVersion(goal, input.expectedVersion, 'Goal');
      if (input.status != null && input.status !== goal.status) goalLifecycle.assertMove(goal.status, input.status);
      const changes = applyChanges(goal, {
        description: input.description?.trim() ?? undefined,
        target: input.target === undefined ? undefined : input.target?.trim() || null,
        dueDate,
        status: input.status ?? undefined,
      });
      if (!Object.keys(changes).length) return goal;
      plan.updatedAt = new Date(); // goals are part of the plan: its version moves too
      const name = await providers.names(write.em, [ctx.viewer.providerId]);
      write.event({
        type: GoalEvent.GOAL_UPDATED,
        summary: `${name(ctx.viewer.providerId)} updated goal "${goal.description}": ${describeChanges(changes)}`,
        subjects: [plan.id, goal.id],
        changes,
      });
      return goal;
    });
  },
};
