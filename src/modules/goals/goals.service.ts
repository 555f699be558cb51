import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader, groupInKeyOrder, readOnlyRows } from '../../db/batch';
import { EventType } from '../../events/event.entity';
import { writePatient } from '../../events/recorder';
import type { Context } from '../../graphql/context';
import { assertVersion, badInput, invalidTransition, notFound } from '../../graphql/errors';
import { expectId } from '../../graphql/ids';
import { carePlans, planForChange } from '../care-plans/care-plans.service';
import { Goal, GoalStatus } from './goal.entity';
import type { AddGoalInput, UpdateGoalInput } from './goal.types';

/** A goal is proposed, pursued, then achieved or dropped; an achieved goal may be re-opened (relapse). */
const GOAL_TRANSITIONS: Record<GoalStatus, GoalStatus[]> = {
  PROPOSED: [GoalStatus.ACTIVE, GoalStatus.CANCELLED],
  ACTIVE: [GoalStatus.ACHIEVED, GoalStatus.CANCELLED],
  ACHIEVED: [GoalStatus.ACTIVE],
  CANCELLED: [],
};

export function goalLoaders(em: EntityManager) {
  return {
    goalById: byIdLoader(em, Goal),
    goalsByPlan: new DataLoader<string, Goal[]>(async (planIds) => {
      const query = em.getKnex()('goal').select('*').whereIn('care_plan_id', [...planIds]).orderBy('id');
      const rows = await readOnlyRows(em, Goal, query);
      return groupInKeyOrder(planIds, rows, (goal) => goal.carePlan.id);
    }),
  };
}

/** A due date within reach of a care plan: not before 2000, not past 2100. */
function toDueDate(value: Date, field: string): string {
  const date = value.toISOString().slice(0, 10);
  if (date < '2000-01-01' || date > '2100-12-31') throw badInput(field, `${field} is out of range`);
  return date;
}

export const goals = {
  async get(ctx: Context, id: string): Promise<Goal> {
    const goal = await ctx.loaders.goalById.load(expectId('Goal', id, 'id'));
    if (!goal || !(await access.isMember(ctx, goal.patient.id))) throw notFound('Goal', id);
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
    const dueDate = input.dueDate ? toDueDate(input.dueDate, 'dueDate') : null;
    // The plan read above is cached for this request; the write moves its version, so forget it.
    ctx.loaders.carePlanById.clear(plan.id);
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await planForChange(write, plan.id);
      access.assertPlanOwner(ctx, current.owner.id);
      const goal = write.em.create(Goal, {
        carePlan: current,
        patient: current.patient.id,
        description: input.description.trim(),
        target: input.target?.trim() || null,
        dueDate,
      });
      current.updatedAt = new Date(); // goals are part of the plan: its version moves too
      write.event({
        type: EventType.GOAL_ADDED,
        summary: `Goal added to "${current.title}": ${goal.description}`,
        carePlanId: current.id,
        goalId: goal.id,
      });
      return goal;
    });
  },

  /** The plan owner updates goals; status follows GOAL_TRANSITIONS. */
  async update(ctx: Context, input: UpdateGoalInput): Promise<Goal> {
    const found = await goals.get(ctx, input.id);
    const dueDate = input.dueDate ? toDueDate(input.dueDate, 'dueDate') : input.dueDate;
    ctx.loaders.carePlanById.clear(found.carePlan.id); // the write moves the plan's version
    return writePatient(ctx, found.patient.id, async (write) => {
      const plan = await planForChange(write, found.carePlan.id);
      access.assertPlanOwner(ctx, plan.owner.id);
      const goal = await write.em.findOneOrFail(Goal, found.id, { refresh: true });
      assertVersion(goal, input.expectedVersion, 'Goal');
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const set = <K extends 'description' | 'target' | 'dueDate' | 'status'>(key: K, value: Goal[K]) => {
        if (goal[key] !== value) {
          changes[key] = { from: goal[key], to: value };
          goal[key] = value;
        }
      };
      if (input.description != null) set('description', input.description.trim());
      if (input.target !== undefined) set('target', input.target?.trim() || null);
      if (dueDate !== undefined) set('dueDate', dueDate);
      if (input.status != null && input.status !== goal.status) {
        if (!GOAL_TRANSITIONS[goal.status].includes(input.status)) {
          throw invalidTransition('Goal', goal.status, input.status);
        }
        set('status', input.status);
      }
      if (!Object.keys(changes).length) return goal;
      plan.updatedAt = new Date(); // goals are part of the plan: its version moves too
      write.event({
        type: EventType.GOAL_UPDATED,
        summary: `Goal "${goal.description}" updated: ${Object.keys(changes).join(', ')}`
          + (changes.status ? ` (${changes.status.from} → ${changes.status.to})` : ''),
        carePlanId: plan.id,
        goalId: goal.id,
        changes,
      });
      return goal;
    });
  },
};
