import DataLoader from 'dataloader';
import { access } from '../../auth/access';
import { isActiveMember, whereMembershipActive } from '../../auth/membership';
import { groupInKeyOrder, readOnlyRows } from '../../core/batch';
import { addChange, createdValues } from '../../core/changes';
import type { Context, LoaderFactory } from '../../core/context';
import { badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { writePatient } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { carePlans } from '../care-plans';
import { Patient } from '../patients';
import { Provider, providers } from '../providers';
import { tasks } from '../tasks';
import { CareTeamMember } from './care-team-member.entity';

export const CareTeamEvent = defineEventTypes({
  CARE_TEAM_MEMBER_ADDED: "A provider joined the patient's care team.",
  CARE_TEAM_MEMBER_ENDED: "A provider's care-team membership ended (history is kept).",
});

export const careTeamLoaders = ((em, _viewer, all) => {
  const load = (includeEnded: boolean) =>
    new DataLoader<string, CareTeamMember[]>(async (patientIds) => {
      // Each member's provider comes in the same statement and seeds the provider loader.
      const knex = em.getKnex();
      const provider = providers.joined(knex, 'm.provider_id', '__provider', all);
      const query = knex('care_team_member as m')
        .select('m.*', provider.select)
        .whereIn('m.patient_id', [...patientIds])
        .orderBy([{ column: 'm.started_at' }, { column: 'm.id' }]);
      if (!includeEnded) whereMembershipActive(query, 'm');
      const rows = await readOnlyRows(em, CareTeamMember, query, provider.joined);
      return groupInKeyOrder(patientIds, rows, (m) => m.patient.id);
    });
  return { activeCareTeamByPatient: load(false), fullCareTeamByPatient: load(true) };
}) satisfies LoaderFactory;

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof careTeamLoaders> {}
}

export const careTeam = {
  /** The team of a patient whose record the viewer may see (members and ADMIN). */
  async ofPatient(ctx: Context, patientId: string, includeEnded: boolean): Promise<CareTeamMember[]> {
    await access.assertCanSeePatientRecord(ctx, patientId);
    const loader = includeEnded ? ctx.loaders.fullCareTeamByPatient : ctx.loaders.activeCareTeamByPatient;
    return loader.load(patientId);
  },

  /** One membership, for `node(id:)`: part of the administrative record (members and ADMIN). */
  async get(ctx: Context, id: string): Promise<CareTeamMember | null> {
    const member = await ctx.em.findOne(CareTeamMember, expectId('CareTeamMember', id, 'id'));
    if (!member) return null;
    await access.assertCanSeePatientRecord(ctx, member.patient.id);
    return member;
  },

  /** ADMIN puts a provider of the patient's organization on the team. */
  async add(ctx: Context, input: { patientId: string; providerId: string; role: string }): Promise<CareTeamMember> {
    access.assertAdmin(ctx);
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const providerId = expectId('Provider', input.providerId, 'providerId');
    return writePatient(ctx, patientId, async (write) => {
      const { em } = write;
      const [patient, provider] = await Promise.all([em.findOne(Patient, patientId), em.findOne(Provider, providerId)]);
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
        type: CareTeamEvent.CARE_TEAM_MEMBER_ADDED,
        summary: `${provider.name} joined the care team as ${member.role}`,
        subjects: [member.id],
        changes: createdValues({ provider: providerId, role: member.role, startedAt: member.startedAt }),
      });
      return member;
    });
  },

  /**
   * ADMIN ends a membership; history stays. A provider who still owns an open
   * care plan must hand it over first (a plan always has an active owner).
   * Their open tasks return to REQUESTED without an assignee — the tasks
   * module does that, inside this same write — so the team sees what needs a
   * new owner.
   */
  async end(ctx: Context, input: { membershipId: string }): Promise<CareTeamMember> {
    access.assertAdmin(ctx);
    const id = expectId('CareTeamMember', input.membershipId, 'membershipId');
    const found = await ctx.em.findOne(CareTeamMember, id);
    if (!found) throw access.refuse(ctx, null, notFound('Care team membership', id));
    return writePatient(ctx, found.patient.id, async (write) => {
      const { em } = write;
      const member = await em.findOneOrFail(CareTeamMember, id, { populate: ['provider'], refresh: true });
      if (member.endedAt) throw badInput('membershipId', 'This membership has already ended');
      const providerId = member.provider.id;
      if (await carePlans.countOpenOwnedBy(write, providerId)) {
        throw badInput('membershipId', 'This provider owns an open care plan; transfer its ownership first');
      }
      member.endedAt = new Date();
      const name = member.provider.getEntity().name;
      write.event({
        type: CareTeamEvent.CARE_TEAM_MEMBER_ENDED,
        summary: `${name} left the care team (${member.role})`,
        subjects: [member.id],
        changes: addChange({}, 'endedAt', null, member.endedAt),
      });
      await tasks.unassignAllOf(await write.context(), write.patientId, providerId, {
        statusReason: 'Assignee left the care team',
        summary: `${name} left the care team`,
      });
      return member;
    });
  },
};
