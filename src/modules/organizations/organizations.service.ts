import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader } from '../../core/batch';
import type { Context } from '../../core/context';
import { notFound } from '../../core/errors';
import { Organization } from './organization.entity';

export function organizationLoaders(em: EntityManager) {
  return { organizationById: byIdLoader(em, Organization) };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof organizationLoaders> {}
}

export const organizations = {
  /** Organizations are not patient data: any authenticated caller may read them. */
  async get(ctx: Context, id: string): Promise<Organization> {
    const org = await ctx.loaders.organizationById.load(id);
    if (!org) throw notFound('Organization', id);
    return org;
  },

  async create(ctx: Context, input: { name: string }): Promise<Organization> {
    access.assertAdmin(ctx);
    const org = ctx.em.create(Organization, { name: input.name.trim() });
    await ctx.em.persistAndFlush(org);
    return org;
  },
};
