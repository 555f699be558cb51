import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { isActiveMember } from '../../auth/membership';
import { byIdLoader, groupInKeyOrder, readOnlyRows } from '../../core/batch';
import { applyChanges, createdValues, describeChanges } from '../../core/changes';
import type { Context, LoaderFactory } from '../../core/context';
import { assertVersion, badInput, forbidden, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { defineLifecycle } from '../../core/lifecycle';
import { withNote, writePatient, type PatientWrite } from '../../core/patient-write';
import { toConnection, toPage, type PageArgs } from '../../core/pagination';
import { changePagesLoader } from '../../events/change-pages';
import { defineEventTypes } from '../../events/event-types';
import { Provider, providers } from '../providers';
import { CarePlan, CarePlanCategory, CarePlanStatus } from './care-plan.entity';
import type { CreateCarePlanInput, TransferCarePlanOwnershipInput, UpdateCarePlanInput } from './care-plan.types';

/** DRAFT → ACTIVE ⇄ ON_HOLD → COMPLETED | REVOKED; a draft may be revoked. */
export const planLifecycle = defineLifecycle<CarePlanStatus>('Care plan', {
  DRAFT: [CarePlanStatus.ACTIVE, CarePlanStatus.REVOKED],
  ACTIVE: [CarePlanStatus.ON_HOLD, CarePlanStatus.COMPLETED, CarePlanStatus.REVOKED],
  ON_HOLD: [CarePlanStatus.ACTIVE, CarePlanStatus.COMPLETED, CarePlanStatus.REVOKED],
  COMPLETED: [],
  REVOKED: [],
});

export const CarePlanEvent = defineEventTypes({
  CARE_PLAN_CREATED: 'A care plan was started.',
  CARE_PLAN_UPDATED: "A care plan's title, description, warning signs or status changed.",
  CARE_PLAN_OWNER_CHANGED: 'The plan owner handed the plan to another team member.',
});

export const carePlanLoaders = ((em, _viewer, all) => {
  const byPatient = (onlyActive: boolean) =>
    new DataLoader<string, CarePlan[]>(async (patientIds) => {
      // The owner comes in the same statement and seeds the provider loader.
      const knex = em.getKnex();
      const owner = providers.joined(knex, 'c.owner_id', '__owner', all);
      const query = knex('care_plan as c')
        .select('c.*', owner.select)
        .whereIn('c.patient_id', [...patientIds])
        .orderBy([
          { column: 'c.created_at', order: 'desc' },
          { column: 'c.id', order: 'desc' },
        ]);
      if (onlyActive) query.where('c.status', CarePlanStatus.ACTIVE);
      const rows = await readOnlyRows(em, CarePlan, query, owner.joined);
      return groupInKeyOrder(patientIds, rows, (plan) => plan.patient.id);
    });
  return {
    carePlanById: byIdLoader(em, CarePlan),
    carePlansByPatient: byPatient(false),
    activeCarePlansByPatient: byPatient(true),
    revisionPagesByPlan: changePagesLoader(em),
  };
}) satisfies LoaderFactory;

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof carePlanLoaders> {}
}

export const carePlans = {
  async get(ctx: Context, id: string): Promise<CarePlan> {
    const plan = await ctx.loaders.carePlanById.load(expectId('CarePlan', id, 'id'));
    if (!plan) throw access.refuse(ctx, null, notFound('Care plan', id));
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

  /**
   * The plan's history, oldest first: every event about the plan, its goals
   * or its tasks that changed a field (creations included; notes are no
   * revision), with who, when, and each field from what to what. Seen by
   * the care team, like the plan. Batched: a page of revisions for every
   * plan of a dashboard is one statement.
   */
  async revisions(ctx: Context, plan: CarePlan, args: PageArgs) {
    await access.assertCanSeePatient(ctx, plan.patient.id);
    const page = toPage(args, ['int']);
    const { rows, totalCount } = await ctx.loaders.revisionPagesByPlan.load({ patientId: plan.patient.id, subjectId: plan.id, page });
    return toConnection(rows, page.first, totalCount, (event) => [event.sequence]);
  },

  /** Inside a write: the plan, re-read in its transaction, refusing a closed (COMPLETED, REVOKED) one. */
  async forChange(write: PatientWrite, id: string): Promise<CarePlan> {
    const plan = await write.em.findOneOrFail(CarePlan, id, { refresh: true });
    if (planLifecycle.isFinal(plan.status)) throw forbidden(`The care plan is ${plan.status} and can no longer change`);
    return plan;
  },

  /** Inside a write: how many open plans of the patient the provider owns (a plan always has an active owner). */
  async countOpenOwnedBy(write: PatientWrite, providerId: string): Promise<number> {
    return write.em.count(CarePlan, { patient: write.patientId, owner: providerId, status: { $in: [...planLifecycle.open] } });
  },

  /**
   * Does the provider own one of the patient's ACTIVE plans, as `em` sees it
   * now (inside a write: under the patient lock)? The care team lets such an
   * owner manage the team.
   */
  async ownsActive(em: EntityManager, patientId: string, providerId: string): Promise<boolean> {
    return (await em.count(CarePlan, { patient: patientId, owner: providerId, status: CarePlanStatus.ACTIVE })) > 0;
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
      const name = await providers.names(write.em, [ctx.viewer.providerId, ownerId]);
      write.event({
        type: CarePlanEvent.CARE_PLAN_CREATED,
        summary: `${name(ctx.viewer.providerId)} started care plan "${plan.title}" (${plan.category}), owned by ${name(ownerId)}`,
        subjects: [plan.id],
        changes: createdValues({
          title: plan.title,
          category: plan.category,
          status: plan.status,
          owner: ownerId,
          description: plan.description,
          warningSigns: plan.warningSigns,
        }),
      });
      return plan;
    });
  },

  /**
   * A plan brought in whole from another system (the FHIR transaction), by
   * ADMIN, inside the write that registers its patient: in the status it has
   * there, owned by an active member. CARE_PLAN_CREATED lists what it holds.
   */
  async importPlan(
    ctx: Context,
    input: {
      patientId: string;
      title: string;
      category: CarePlanCategory;
      status: CarePlanStatus;
      ownerId: string;
      description: string | null;
      warningSigns: string[];
    },
  ): Promise<CarePlan> {
    access.assertAdmin(ctx);
    return writePatient(ctx, input.patientId, async (write) => {
      if (!(await isActiveMember(write.em, input.patientId, input.ownerId))) {
        throw badInput('ownerId', 'The owner must be an active member of the care team');
      }
      if (input.status === CarePlanStatus.ACTIVE) {
        await write.em.flush();
        const other = await write.em.count(CarePlan, { patient: input.patientId, category: input.category, status: CarePlanStatus.ACTIVE });
        if (other) throw badInput('status', `The patient already has an ACTIVE ${input.category} plan`);
      }
      const plan = write.em.create(CarePlan, {
        patient: input.patientId,
        title: input.title.trim(),
        category: input.category,
        status: input.status,
        owner: input.ownerId,
        description: input.description,
        warningSigns: input.warningSigns,
      });
      const name = await providers.names(write.em, [ctx.viewer.providerId, input.ownerId]);
      write.event({
        type: CarePlanEvent.CARE_PLAN_CREATED,
        summary: `${name(ctx.viewer.providerId)} imported care plan "${plan.title}" (${plan.category}, ${plan.status}), owned by ${name(input.ownerId)}`,
        subjects: [plan.id],
        changes: createdValues({
          title: plan.title,
          category: plan.category,
          status: plan.status,
          owner: input.ownerId,
          description: plan.description,
          warningSigns: plan.warningSigns,
        }),
      });
      return plan;
    });
  },

  /** The owner edits the plan; status follows planLifecycle. */
  async update(ctx: Context, input: UpdateCarePlanInput): Promise<CarePlan> {
    const plan = await carePlans.get(ctx, input.id);
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await write.em.findOneOrFail(CarePlan, plan.id, { refresh: true });
      access.assertPlanOwner(ctx, current.owner.id);
      assertVersion(current, input.expectedVersion, 'Care plan');
      const moves = input.status != null && input.status !== current.status;
      if (planLifecycle.isFinal(current.status)) {
        // Leaving a final status is a lifecycle error like any other; other edits of a closed plan are refused.
        if (moves) planLifecycle.assertMove(current.status, input.status!);
        throw forbidden(`The care plan is ${current.status} and can no longer change`);
      }
      if (moves) {
        planLifecycle.assertMove(current.status, input.status!);
        if (input.status === CarePlanStatus.ACTIVE) {
          const other = await write.em.count(CarePlan, {
            patient: current.patient.id,
            category: current.category,
            status: CarePlanStatus.ACTIVE,
            id: { $ne: current.id },
          });
          if (other) throw badInput('status', `The patient already has an ACTIVE ${current.category} plan`);
        }
      }
      const changes = applyChanges(current, {
        title: input.title?.trim() ?? undefined,
        description: input.description === undefined ? undefined : (input.description ?? null),
        warningSigns: input.warningSigns ?? undefined,
        status: input.status ?? undefined,
      });
      if (!Object.keys(changes).length) return current;
      const name = await providers.names(write.em, [ctx.viewer.providerId]);
      write.event({
        type: CarePlanEvent.CARE_PLAN_UPDATED,
        summary: `${name(ctx.viewer.providerId)} updated care plan "${current.title}": ${describeChanges(changes)}`,
        subjects: [current.id],
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
      const current = await carePlans.forChange(write, plan.id);
      access.assertPlanOwner(ctx, current.owner.id);
      assertVersion(current, input.expectedVersion, 'Care plan');
      if (newOwnerId === current.owner.id) throw badInput('newOwnerId', 'This provider already owns the plan');
      if (!(await isActiveMember(write.em, current.patient.id, newOwnerId))) {
        throw badInput('newOwnerId', 'The new owner must be an active member of the care team');
      }
      const from = current.owner.id;
      current.owner = write.em.getReference(Provider, newOwnerId, { wrapped: true });
      const name = await providers.names(write.em, [from, newOwnerId]);
      write.event({
        type: CarePlanEvent.CARE_PLAN_OWNER_CHANGED,
        // Only the owner hands a plan over, so the actor is the previous owner.
        summary: withNote(`${name(from)} handed care plan "${current.title}" to ${name(newOwnerId)}`, input.note),
        subjects: [current.id],
        changes: { owner: { from, to: newOwnerId } },
        note: input.note,
      });
      return current;
    });
  },
};
