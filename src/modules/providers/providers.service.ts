import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader } from '../../db/batch';
import { typeOfId } from '../../db/ids';
import type { Context } from '../../graphql/context';
import { badInput, notFound } from '../../graphql/errors';
import { Provider } from './provider.entity';
import type { CreateProviderInput } from './provider.types';

export function providerLoaders(em: EntityManager) {
  return { providerById: byIdLoader(em, Provider) };
}

export const providers = {
  /** The calling provider. Operator (ADMIN) tokens without a provider have no `me`. */
  async me(ctx: Context): Promise<Provider> {
    const id = ctx.viewer.providerId;
    const me = id ? await ctx.loaders.providerById.load(id) : null;
    if (!me) throw notFound('Provider for this token');
    return me;
  },

  /** Provider directory entries are not patient data: any authenticated caller may read them. */
  async get(ctx: Context, id: string): Promise<Provider> {
    const provider = typeOfId(id) === 'Provider' ? await ctx.loaders.providerById.load(id) : null;
    if (!provider) throw notFound('Provider', id);
    return provider;
  },

  async create(ctx: Context, input: CreateProviderInput): Promise<Provider> {
    access.assertAdmin(ctx);
    const email = input.email.trim().toLowerCase();
    const org = await ctx.loaders.organizationById.load(input.organizationId);
    if (!org) throw badInput('organizationId', 'No such organization');
    if (await ctx.em.count(Provider, { email })) throw badInput('email', 'A provider with this email already exists');
    const provider = ctx.em.create(Provider, {
      organization: org.id, // loaded read-only: refer to it by id
      name: input.name.trim(),
      discipline: input.discipline,
      specialty: input.specialty?.trim() || null,
      email,
      phone: input.phone?.trim() || null,
    });
    await ctx.em.persistAndFlush(provider);
    return provider;
  },
};
