import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access, isActiveMember } from '../../auth/access';
import { byIdLoader, groupInKeyOrder, readOnlyRows } from '../../db/batch';
import { EventType } from '../../events/event.entity';
import { writePatient, type PatientWrite } from '../../events/recorder';
import type { Context } from '../../graphql/context';
import { assertVersion, badInput, forbidden, invalidTransition, notFound } from '../../graphql/errors';
import { expectId } from '../../graphql/ids';
import { Provider } from '../providers/provider.entity';
import { CarePlan, CarePlanStatus } from './care-plan.entity';
import type { CreateCarePlanInput, TransferCarePlanOwnershipInput, UpdateCarePlanInput } from './care-plan.types';

/** DRAFT → ACTIVE ⇄ ON_HOLD → COMPLETED | REVOKED; a draft may be revoked. */
const PLAN_TRANSITIONS: Record<CarePlanStatus, CarePlanStatus[]> = {
  DRAFT: [CarePlanStatus.ACTIVE, CarePlanStatus.REVOKED],
  ACTIVE: [CarePlanStatus.ON_HOLD, CarePlanStatus.COMPLETED, CarePlanStatus.REVOKED],
  ON_HOLD: [CarePlanStatus.ACTIVE, CarePlanStatus.COMPLETED, CarePlanStatus.REVOKED],
  COMPLETED: [],
  REVOKED: [],
};

export const CLOSED_PLAN_STATUSES = [CarePlanStatus.COMPLETED, CarePlanStatus.REVOKED];

export function carePlanLoaders(em: EntityManager, primeProvider: (p: Provider) => void) {
  const byPatient = (onlyActive: boolean) =>
    new DataLoader<string, CarePlan[]>(async (patientIds) => {
      // The owner comes in the same statement and seeds the provider loader (looked up by key, as for the team).
      const knex = em.getKnex();
      const query = knex('care_plan as c')
        .select('c.*', knex.raw('(select to_jsonb(o) from provider o where o.id = c.owner_id) as "__owner"'))
        .whereIn('c.patient_id', [...patientIds])
        .orderBy([{ column: 'c.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]);
      if (onlyActive) query.where('c.status', CarePlanStatus.ACTIVE);
      const rows = await readOnlyRows(em, CarePlan, query, { __owner: { entity: Provider, onJoined: primeProvider } });
      return groupInKeyOrder(patientIds, rows, (plan) => plan.patient.id);
    });
  return {
    carePlanById: byIdLoader(em, CarePlan),
    carePlansByPatient: byPatient(false),
    activeCarePlansByPatient: byPatient(true),
  };
}

/** Loads a plan for change inside a write, checking it is still open. */
export async function planForChange(write: PatientWrite, id: string): Promise<CarePlan> {
  const plan = await write.em.findOneOrFail(CarePlan, id, { refresh: true });
  if (CLOSED_PLAN_STATUSES.includes(plan.status)) {
    throw forbidden(`The care plan is ${plan.status} and can no longer change`);
  }
  return plan;
}

export const carePlans = {
  async get(ctx: Context, id: string): Promise<CarePlan> {
    const plan = await ctx.loaders.carePlanById.load(expectId('CarePlan', id, 'id'));
    if (!plan) throw notFound('Care plan', id);
    await access.assertCanSeePatient(ctx, plan.patient.id).catch(() => {
      throw notFound('Care plan', id);
    });
    return plan;
  },

  async ofPatient(ctx: Context, patientId: string): Promise<CarePlan[]> {
    await access.assertClinical(ctx, patientId);
    return ctx.loaders.carePlansByPatient.load(patientId);
  },

  /** The patient's ACTIVE plan (the most recent one when several categories are active). */
  async activeOfPatient(ctx: Context, patientId: string): Promise<CarePlan | null> {
    await access.assertClinical(ctx, patientId);
    const [latest] = await ctx.loaders.activeCarePlansByPatient.load(patientId);
    return latest ?? null;
  },

  /** Any active team member may start a plan and name its owner (an active member). */
  async create(ctx: Context, input: CreateCarePlanInput): Promise<CarePlan> {
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const ownerId = expectId('Provider', input.ownerId, 'ownerId');
    await access.assertMember(ctx, patientId);
    return writePatient(ctx, patientId, async (write) => {
      if (!(await isActiveMember(write.em, patientId, ownerId))) {
        throw badInput('ownerId', 'The owner must be an active member of the care team');
      }
      const plan = write.em.create(CarePlan, {
        patient: patientId,
        title: input.title.trim(),
        category: input.category,
        owner: ownerId,
        description: input.description ?? null,
        warningSigns: input.warningSigns ?? [],
      });
      write.event({
        type: EventType.CARE_PLAN_CREATED,
        summary: `Care plan "${plan.title}" (${plan.category}) created`,
        carePlanId: plan.id,
        changes: { ownerId, category: plan.category },
      });
      return plan;
    });
  },

  /** The owner edits the plan; status follows PLAN_TRANSITIONS. */
  async update(ctx: Context, input: UpdateCarePlanInput): Promise<CarePlan> {
    const plan = await carePlans.get(ctx, input.id);
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await write.em.findOneOrFail(CarePlan, plan.id, { refresh: true });
      access.assertPlanOwner(ctx, current.owner.id);
      assertVersion(current, input.expectedVersion, 'Care plan');
      if (CLOSED_PLAN_STATUSES.includes(current.status)) {
        // Leaving a final status is a lifecycle error like any other; other edits of a closed plan are refused.
        if (input.status != null && input.status !== current.status) throw invalidTransition('Care plan', current.status, input.status);
        throw forbidden(`The care plan is ${current.status} and can no longer change`);
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const set = <K extends 'title' | 'description' | 'warningSigns' | 'status'>(key: K, value: CarePlan[K]) => {
        if (JSON.stringify(current[key]) !== JSON.stringify(value)) {
          changes[key] = { from: current[key], to: value };
          current[key] = value;
        }
      };
      if (input.title != null) set('title', input.title.trim());
      if (input.description !== undefined) set('description', input.description ?? null);
      if (input.warningSigns != null) set('warningSigns', input.warningSigns);
      if (input.status != null && input.status !== current.status) {
        if (!PLAN_TRANSITIONS[current.status].includes(input.status)) {
          throw invalidTransition('Care plan', current.status, input.status);
        }
        if (input.status === CarePlanStatus.ACTIVE) {
          const other = await write.em.count(CarePlan, {
            patient: current.patient.id, category: current.category, status: CarePlanStatus.ACTIVE, id: { $ne: current.id },
          });
          if (other) throw badInput('status', `The patient already has an ACTIVE ${current.category} plan`);
        }
        set('status', input.status);
      }
      if (!Object.keys(changes).length) return current;
      write.event({
        type: EventType.CARE_PLAN_UPDATED,
        summary: `Care plan "${current.title}" updated: ${Object.keys(changes).join(', ')}`
          + (changes.status ? ` (${changes.status.from} → ${changes.status.to})` : ''),
        carePlanId: current.id,
        changes,
      });
      return current;
    });
  },

  /** The owner hands the plan to another active team member. */
  async transferOwnership(ctx: Context, input: TransferCarePlanOwnershipInput): Promise<CarePlan> {
    const plan = await carePlans.get(ctx, input.id);
    const newOwnerId = expectId('Provider', input.newOwnerId, 'newOwnerId');
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await planForChange(write, plan.id);
      access.assertPlanOwner(ctx, current.owner.id);
      assertVersion(current, input.expectedVersion, 'Care plan');
      if (newOwnerId === current.owner.id) throw badInput('newOwnerId', 'This provider already owns the plan');
      if (!(await isActiveMember(write.em, current.patient.id, newOwnerId))) {
        throw badInput('newOwnerId', 'The new owner must be an active member of the care team');
      }
      const from = current.owner.id;
      current.owner = write.em.getReference(Provider, newOwnerId, { wrapped: true });
      write.event({
        type: EventType.CARE_PLAN_OWNER_CHANGED,
        summary: `Ownership of care plan "${current.title}" transferred`,
        carePlanId: current.id,
        changes: { ownerId: { from, to: newOwnerId } },
      });
      return current;
    });
  },
};
