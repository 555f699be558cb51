import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader } from '../../db/batch';
import { typeOfId } from '../../db/ids';
import type { Context } from '../../graphql/context';
import { badInput, notFound } from '../../graphql/errors';
import { expectId } from '../../graphql/ids';
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

  /**
   * Provider directory entries are not patient data: any authenticated caller
   * may read them. Answers at once, without a promise, for a provider this
   * request already read (team members and plan owners come joined with their
   * rows), so GraphQL can complete the object that points to it right away.
   */
  get(ctx: Context, id: string): Provider | Promise<Provider> {
    return ctx.loaders.providerById.peek(id) ?? providers.load(ctx, id);
  },

  async load(ctx: Context, id: string): Promise<Provider> {
    const provider = typeOfId(id) === 'Provider' ? await ctx.loaders.providerById.load(id) : null;
    if (!provider) throw notFound('Provider', id);
    return provider;
  },

  async create(ctx: Context, input: CreateProviderInput): Promise<Provider> {
    access.assertAdmin(ctx);
    const email = input.email.trim().toLowerCase();
    const organizationId = expectId('Organization', input.organizationId, 'organizationId');
    const org = await ctx.loaders.organizationById.load(organizationId);
    if (!org) throw notFound('Organization', organizationId);
    if (await ctx.em.count(Provider, { email })) throw badInput('email', 'A provider with this email already exists');
    const provider = ctx.em.create(Provider, {
      organization: org.id, // loaded read-only: refer to it by id
      name: input.name.trim(),
      discipline: input.discipline,
      specialty: input.specialty?.trim() || null,
      email,
      phone: input.phone?.trim() || null,
    });
    try {
      await ctx.em.persistAndFlush(provider);
    } catch (err) {
      // The check above cannot see a concurrent registration of the same email; the unique index can.
      if (err instanceof UniqueConstraintViolationException) throw badInput('email', 'A provider with this email already exists');
      throw err;
    }
    return provider;
  },
};
