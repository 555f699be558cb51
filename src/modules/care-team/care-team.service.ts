import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access, isActiveMember } from '../../auth/access';
import { groupInKeyOrder, readOnlyRows } from '../../db/batch';
import { EventType } from '../../events/event.entity';
import { writePatient } from '../../events/recorder';
import type { Context } from '../../graphql/context';
import { badInput, notFound } from '../../graphql/errors';
import { expectId } from '../../graphql/ids';
import { CarePlan, CarePlanStatus } from '../care-plans/care-plan.entity';
import { Patient } from '../patients/patient.entity';
import { Provider } from '../providers/provider.entity';
import { Task, TaskStatus, OPEN_TASK_STATUSES } from '../tasks/task.entity';
import { CareTeamMember } from './care-team-member.entity';

export function careTeamLoaders(em: EntityManager, primeProvider: (p: Provider) => void) {
  const load = (includeEnded: boolean) =>
    new DataLoader<string, CareTeamMember[]>(async (patientIds) => {
      // The provider comes in the same statement and seeds the provider loader. A scalar subquery, not a
      // join: PostgreSQL then looks each one up by key instead of hashing the whole provider table.
      const knex = em.getKnex();
      const query = knex('care_team_member as m')
        .select('m.*', knex.raw('(select to_jsonb(p) from provider p where p.id = m.provider_id) as "__provider"'))
        .whereIn('m.patient_id', [...patientIds])
        .orderBy([{ column: 'm.started_at' }, { column: 'm.id' }]);
      if (!includeEnded) query.whereNull('m.ended_at');
      const rows = await readOnlyRows(em, CareTeamMember, query, { __provider: { entity: Provider, onJoined: primeProvider } });
      return groupInKeyOrder(patientIds, rows, (m) => m.patient.id);
    });
  return { activeCareTeamByPatient: load(false), fullCareTeamByPatient: load(true) };
}

export const careTeam = {
  /** The team of a patient whose record the viewer may see (members and ADMIN). */
  async ofPatient(ctx: Context, patientId: string, includeEnded: boolean): Promise<CareTeamMember[]> {
    await access.assertCanSeePatientRecord(ctx, patientId);
    const loader = includeEnded ? ctx.loaders.fullCareTeamByPatient : ctx.loaders.activeCareTeamByPatient;
    return loader.load(patientId);
  },

  /** ADMIN puts a provider of the patient's organization on the team. */
  async add(ctx: Context, input: { patientId: string; providerId: string; role: string }): Promise<CareTeamMember> {
    access.assertAdmin(ctx);
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const providerId = expectId('Provider', input.providerId, 'providerId');
    return writePatient(ctx, patientId, async (write) => {
      const { em } = write;
      const [patient, provider] = await Promise.all([
        em.findOne(Patient, patientId),
        em.findOne(Provider, providerId),
      ]);
      if (!patient) throw notFound('Patient', patientId);
      if (!provider) throw notFound('Provider', providerId);
      if (provider.organization.id !== patient.organization.id) {
        throw badInput('providerId', 'The provider belongs to another organization');
      }
      if (await isActiveMember(em, patientId, providerId)) {
        throw badInput('providerId', 'The provider is already an active member of this care team');
      }
      const member = em.create(CareTeamMember, { patient: patientId, provider, role: input.role.trim() });
      write.event({
        type: EventType.CARE_TEAM_MEMBER_ADDED,
        summary: `${provider.name} joined the care team as ${member.role}`,
        changes: { providerId, role: member.role },
      });
      return member;
    });
  },

  /**
   * ADMIN ends a membership; history stays. A provider who still owns an open
   * care plan must hand it over first (a plan always has an active owner).
   * Their open tasks return to REQUESTED without an assignee, each with a
   * TASK_UNASSIGNED event, so the team sees what needs a new owner.
   */
  async end(ctx: Context, input: { membershipId: string }): Promise<CareTeamMember> {
    access.assertAdmin(ctx);
    const id = expectId('CareTeamMember', input.membershipId, 'membershipId');
    const found = await ctx.em.findOne(CareTeamMember, id);
    if (!found) throw notFound('Care team membership', id);
    return writePatient(ctx, found.patient.id, async (write) => {
      const { em } = write;
      const member = await em.findOneOrFail(CareTeamMember, id, { populate: ['provider'], refresh: true });
      if (member.endedAt) throw badInput('membershipId', 'This membership has already ended');
      const providerId = member.provider.id;
      const owned = await em.count(CarePlan, {
        patient: member.patient.id,
        owner: providerId,
        status: { $in: [CarePlanStatus.DRAFT, CarePlanStatus.ACTIVE, CarePlanStatus.ON_HOLD] },
      });
      if (owned) {
        throw badInput('membershipId', 'This provider owns an open care plan; transfer its ownership first');
      }
      member.endedAt = new Date();
      write.event({
        type: EventType.CARE_TEAM_MEMBER_ENDED,
        summary: `${member.provider.getEntity().name} left the care team (${member.role})`,
        changes: { providerId },
      });
      const openTasks = await em.find(Task, { patient: member.patient.id, assignee: providerId, status: { $in: OPEN_TASK_STATUSES } });
      for (const task of openTasks) {
        const from = task.status;
        task.assignee = null;
        task.status = TaskStatus.REQUESTED;
        task.statusReason = 'Assignee left the care team';
        write.event({
          type: EventType.TASK_UNASSIGNED,
          summary: `Task "${task.title}" needs a new assignee (${member.provider.getEntity().name} left the team)`,
          taskId: task.id,
          carePlanId: task.carePlan.id,
          changes: { assigneeId: { from: providerId, to: null }, status: { from, to: TaskStatus.REQUESTED } },
        });
      }
      return member;
    });
  },
};
