import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { activeMemberships, isActiveMember, whereMembershipActive } from '../../auth/membership';
import { groupInKeyOrder, readOnlyRows } from '../../core/batch';
import { addChange, createdValues } from '../../core/changes';
import type { Context, LoaderFactory } from '../../core/context';
import { badInput, forbidden, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { writePatient } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { carePlans } from '../care-plans';
import { Patient } from '../patients';
import { Provider, providers } from '../providers';
import { tasks } from '../tasks';
import { CareTeamMember, CareTeamRoleKind } from './care-team-member.entity';

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
  /**
   * Whether the caller coordinates care in their organization: an active
   * member of some care team with the role COORDINATOR (organization-wide
   * work such as the plan templates is theirs, with ADMIN).
   */
  async isCoordinator(ctx: Context): Promise<boolean> {
    return ctx.viewer.providerId != null && coordinatesAnyTeam(ctx.em, ctx.viewer.providerId);
  },

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

  /**
   * Puts a provider of the patient's organization on the team: ADMIN, or a
   * provider who manages this team (`assertManagesTeam`).
   */
  async add(
    ctx: Context,
    input: { patientId: string; providerId: string; role: string; roleKind?: CareTeamRoleKind | null },
  ): Promise<CareTeamMember> {
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const providerId = expectId('Provider', input.providerId, 'providerId');
    await assertManagesTeam(ctx, ctx.em, patientId);
    return writePatient(ctx, patientId, async (write) => {
      const { em } = write;
      await assertManagesTeam(ctx, em, patientId); // again under the patient lock: a role or plan may have changed meanwhile
      const [patient, provider] = await Promise.all([em.findOne(Patient, patientId), em.findOne(Provider, providerId)]);
      if (!patient) throw notFound('Patient', patientId);
      if (!provider) throw notFound('Provider', providerId);
      if (provider.organization.id !== patient.organization.id) {
        throw badInput('providerId', 'The provider belongs to another organization');
      }
      if (await isActiveMember(em, patientId, providerId)) {
        throw badInput('providerId', 'The provider is already an active member of this care team');
      }
      const roleKind = input.roleKind ?? CareTeamRoleKind.OTHER;
      const member = em.create(CareTeamMember, { patient: patientId, provider, role: input.role.trim(), roleKind });
      const name = await providers.names(em, [ctx.viewer.providerId]);
      write.event({
        type: CareTeamEvent.CARE_TEAM_MEMBER_ADDED,
        summary: `${name(ctx.viewer.providerId)} added ${provider.name} to the care team as ${describeRole(member)}`,
        subjects: [member.id],
        // OTHER is the default, what a member without a kind has: like an unset field, it is not listed.
        changes: createdValues({
          provider: providerId,
          role: member.role,
          roleKind: roleKind === CareTeamRoleKind.OTHER ? null : roleKind,
          startedAt: member.startedAt,
        }),
      });
      return member;
    });
  },

  /**
   * Ends a membership (ADMIN, or a provider who manages this team); history
   * stays. A provider who still owns an open care plan must hand it over
   * first (a plan always has an active owner). Their open tasks return to
   * REQUESTED without an assignee — the tasks module does that, inside this
   * same write — so the team sees what needs a new owner.
   */
  async end(ctx: Context, input: { membershipId: string }): Promise<CareTeamMember> {
    const id = expectId('CareTeamMember', input.membershipId, 'membershipId');
    const found = await ctx.em.findOne(CareTeamMember, id);
    await assertManagesTeam(ctx, ctx.em, found?.patient.id ?? null);
    if (!found) throw access.refuse(ctx, null, notFound('Care team membership', id));
    return writePatient(ctx, found.patient.id, async (write) => {
      const { em } = write;
      await assertManagesTeam(ctx, em, write.patientId);
      const member = await em.findOneOrFail(CareTeamMember, id, { populate: ['provider'], refresh: true });
      if (member.endedAt) throw badInput('membershipId', 'This membership has already ended');
      const providerId = member.provider.id;
      if (await carePlans.countOpenOwnedBy(write, providerId)) {
        throw badInput('membershipId', 'This provider owns an open care plan; transfer its ownership first');
      }
      member.endedAt = new Date();
      const leaver = member.provider.getEntity().name;
      const actorId = ctx.viewer.providerId;
      const name = await providers.names(em, [actorId]);
      write.event({
        type: CareTeamEvent.CARE_TEAM_MEMBER_ENDED,
        summary:
          actorId === providerId
            ? `${leaver} left the care team (${member.role})`
            : `${name(actorId)} ended ${leaver}'s membership of the care team (${member.role})`,
        subjects: [member.id],
        changes: addChange({}, 'endedAt', null, member.endedAt),
      });
      await tasks.unassignAllOf(await write.context(), write.patientId, providerId, {
        statusReason: 'Assignee left the care team',
        summary: `${leaver} left the care team`,
      });
      return member;
    });
  },
};

/** "home nurse", or "care coordinator (COORDINATOR)" when the role has a kind: how a summary names the role. */
function describeRole(member: CareTeamMember): string {
  return member.roleKind === CareTeamRoleKind.OTHER ? member.role : `${member.role} (${member.roleKind})`;
}

/**
 * Who manages a patient's care team — adds and ends its members — stated
 * once (docs/contract.md, "Who may do what"): ADMIN; or, without an
 * operator account, a provider who is an active member of THAT patient's
 * team with the role COORDINATOR, or who owns one of the patient's ACTIVE
 * care plans (an owner is always an active member). Members belong to the
 * patient's organization (`add` checks every newcomer), so they manage
 * within their own organization. Anyone else — another member, the
 * coordinator of another patient, a former member, another organization —
 * gets FORBIDDEN, as before coordinators existed, whether or not the
 * patient or membership (`patientId` null) exists.
 *
 * Asked with the request's `em` before the write, and again with the
 * write's under the patient lock, where a membership ended or a plan handed
 * over meanwhile is seen.
 */
async function assertManagesTeam(ctx: Context, em: EntityManager, patientId: string | null): Promise<void> {
  if (ctx.viewer.isAdmin) return;
  const providerId = ctx.viewer.providerId;
  if (providerId && patientId && (await managesTeam(em, patientId, providerId))) return;
  throw access.refuse(
    ctx,
    patientId,
    forbidden("Only ADMIN, a COORDINATOR of this patient's care team or the owner of its active care plan may change the team"),
  );
}

/** Whether the provider is an active COORDINATOR of at least one care team (all of their organization's). */
async function coordinatesAnyTeam(em: EntityManager, providerId: string): Promise<boolean> {
  const knex = em.getKnex();
  const rows = await em.execute(
    activeMemberships(knex).select(knex.raw('1')).where({ provider_id: providerId, role_kind: CareTeamRoleKind.COORDINATOR }).limit(1),
  );
  return rows.length > 0;
}

async function managesTeam(em: EntityManager, patientId: string, providerId: string): Promise<boolean> {
  const knex = em.getKnex();
  const coordinator = await em.execute(
    activeMemberships(knex)
      .select(knex.raw('1'))
      .where({ patient_id: patientId, provider_id: providerId, role_kind: CareTeamRoleKind.COORDINATOR })
      .limit(1),
  );
  return coordinator.length > 0 || carePlans.ownsActive(em, patientId, providerId);
}
