import { access } from '../../auth/access';
import { byIdLoader } from '../../db/batch';
import type { Context } from '../../graphql/context';
import { notFound } from '../../graphql/errors';
import { toConnection, toPage, type PageArgs } from '../../graphql/pagination';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Provider } from '../providers/provider.entity';
import { Organization } from './organization.entity';

export function organizationLoaders(em: EntityManager) {
  return { organizationById: byIdLoader(em, Organization) };
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

  async providers(ctx: Context, organizationId: string, args: PageArgs) {
    const page = toPage(args, ['string']);
    const where = {
      organization: organizationId,
      ...(page.after ? { id: { $gt: String(page.after[0]) } } : {}),
    };
    const [rows, totalCount] = await Promise.all([
      ctx.em.find(Provider, where, { orderBy: { id: 'asc' }, limit: page.first + 1 }),
      ctx.em.count(Provider, { organization: organizationId }),
    ]);
    return toConnection(rows, page.first, totalCount, (p) => [p.id]);
  },
};
