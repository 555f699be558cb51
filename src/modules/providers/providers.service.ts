import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader, type JoinedRelation } from '../../core/batch';
import type { Context, Loaders } from '../../core/context';
import { badInput, notFound } from '../../core/errors';
import { expectId, typeOfId } from '../../core/ids';
import { keysetPage, toPage, type PageArgs } from '../../core/pagination';
import { organizations } from '../organizations';
import { Provider } from './provider.entity';
import type { CreateProviderInput } from './provider.types';

export function providerLoaders(em: EntityManager) {
  return { providerById: byIdLoader(em, Provider) };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof providerLoaders> {}
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
    const org = await organizations.get(ctx, expectId('Organization', input.organizationId, 'organizationId'));
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

  /**
   * Brings the provider a row points to into the same statement: a column
   * `as` holding the provider as JSON, for `readOnlyRows`' `joined`, which
   * seeds the request's provider loader with it. A scalar subquery by key,
   * not a join: PostgreSQL then looks each one up by its primary key instead
   * of hashing the whole provider table (1 ms against 12 ms per dashboard at
   * 100k patients).
   */
  joined(knex: Knex, column: string, as: string, loaders: () => Loaders): JoinedRelation {
    return {
      select: knex.raw(`(select to_jsonb(p) from provider p where p.id = ??) as ??`, [column, as]),
      joined: { [as]: { entity: Provider, onJoined: (p: Provider) => loaders().providerById.prime(p.id, p) } },
    };
  },

  /**
   * Providers' names for event summaries ("Dr. A handed the plan to Dr. B"),
   * read in one statement through `em` (a write's transaction). The answer
   * names a provider by id; a null id is the operator (an ADMIN token that
   * is no provider) who made a change.
   */
  async names(em: EntityManager, ids: readonly (string | null | undefined)[]): Promise<(id: string | null | undefined) => string> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    const rows = wanted.length
      ? await em.execute<{ id: string; name: string }[]>(em.getKnex()('provider').select('id', 'name').whereIn('id', wanted))
      : [];
    const byId = new Map(rows.map((row) => [row.id, row.name]));
    return (id) => (id ? (byId.get(id) ?? 'A former provider') : 'An operator');
  },

  /** The providers of an organization with these emails (compared lower-cased), for matching another system's clinicians to ours. */
  async inOrganizationByEmail(ctx: Context, organizationId: string, emails: readonly string[]): Promise<Provider[]> {
    const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
    return wanted.length ? ctx.em.find(Provider, { organization: organizationId, email: { $in: wanted } }) : [];
  },

  /** An organization's providers, in id order. */
  ofOrganization(ctx: Context, organizationId: string, args: PageArgs) {
    return keysetPage(ctx.em, Provider, { organization: organizationId }, toPage(args, ['string']), 'id');
  },
};
