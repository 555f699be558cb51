import type { EntityManager } from '@mikro-orm/postgresql';
import { CareTeamMember } from '../modules/care-team/care-team-member.entity';
import type { Context } from '../graphql/context';
import { forbidden, notFound } from '../graphql/errors';

/**
 * The one place that decides who may see and do what (DESIGN.md, "Who may do
 * what"). Services call it first; loaders and subscription filters call it
 * too, so every path to patient data passes the same rule:
 *
 * - a provider sees a patient only while an active member of its care team;
 *   to anyone else it does not exist (NOT_FOUND / null / left out);
 * - ADMIN manages organizations, providers, patients and care teams, and sees
 *   a patient's administrative record (name, MRN, team), but clinical content
 *   only as a team member does.
 */
export const access = {
  /** Is the viewer an active member of the patient's care team? Batched and cached per request. */
  async isMember(ctx: Context, patientId: string): Promise<boolean> {
    if (!ctx.viewer.providerId) return false;
    return ctx.loaders.viewerIsMember.load(patientId);
  },

  /** Clinical access: active care-team membership. Anyone else gets NOT_FOUND. */
  async assertCanSeePatient(ctx: Context, patientId: string): Promise<void> {
    if (!(await access.isMember(ctx, patientId))) throw notFound('Patient', patientId);
    ctx.audit.read(patientId);
  },

  /** Keeps the patient ids the viewer may see clinically, in order. */
  async filterVisiblePatients(ctx: Context, patientIds: readonly string[]): Promise<string[]> {
    const members = await Promise.all(patientIds.map((id) => access.isMember(ctx, id)));
    return patientIds.filter((_, i) => members[i]);
  },

  /** The administrative record (name, MRN, care team): members, and ADMIN. */
  async assertCanSeePatientRecord(ctx: Context, patientId: string): Promise<void> {
    if (!ctx.viewer.isAdmin && !(await access.isMember(ctx, patientId))) throw notFound('Patient', patientId);
    ctx.audit.read(patientId);
  },

  /**
   * Clinical fields of a patient record already shown to the viewer: members
   * see them; an ADMIN who is not on the team is told FORBIDDEN (they know the
   * patient exists, they manage it).
   */
  async assertClinical(ctx: Context, patientId: string): Promise<void> {
    if (await access.isMember(ctx, patientId)) {
      ctx.audit.read(patientId);
      return;
    }
    throw ctx.viewer.isAdmin ? forbidden('Clinical content is visible to care-team members only') : notFound('Patient', patientId);
  },

  assertAdmin(ctx: Context): void {
    if (!ctx.viewer.isAdmin) throw forbidden('This operation needs the ADMIN role');
  },

  /** The acting provider: clinical writes are made by a provider, never by an operator account. */
  requireProvider(ctx: Context): string {
    if (!ctx.viewer.providerId) throw forbidden('This operation must be performed by a provider');
    return ctx.viewer.providerId;
  },

  /** Clinical writes: an active team member, acting as a provider. Returns the provider id. */
  async assertMember(ctx: Context, patientId: string): Promise<string> {
    if (!(await access.isMember(ctx, patientId))) {
      throw ctx.viewer.isAdmin
        ? forbidden('Clinical changes are made by care-team members only')
        : notFound('Patient', patientId);
    }
    return access.requireProvider(ctx);
  },

  /**
   * Inside a write's transaction, with the patient row locked: is the writer
   * still an active member? Closes the window between the check made before
   * the transaction and the commit, during which an ADMIN may end the
   * membership (ending it takes the same lock). ADMIN's own writes are
   * administrative and need no membership.
   */
  async assertStillMember(em: EntityManager, ctx: Context, patientId: string): Promise<void> {
    if (ctx.viewer.isAdmin) return;
    if (!ctx.viewer.providerId || !(await isActiveMember(em, patientId, ctx.viewer.providerId))) throw notFound('Patient', patientId);
  },

  /** Edits of a plan, its goals and its tasks: the plan owner. */
  assertPlanOwner(ctx: Context, ownerId: string): void {
    if (ctx.viewer.providerId !== ownerId) throw forbidden('Only the care plan owner may do this');
  },
};

/**
 * Is the provider an active member of the patient's care team, as `em` sees
 * it now? Inside a write, read in its transaction (after the patient lock):
 * for owners, assignees and the writer themself.
 */
export async function isActiveMember(em: EntityManager, patientId: string, providerId: string): Promise<boolean> {
  return (await em.count(CareTeamMember, { patient: patientId, provider: providerId, endedAt: null })) > 0;
}
