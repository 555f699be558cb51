import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/pagination';
import { Event } from '../../events/event.entity';
import { Organization, organizations } from '../organizations';
import { Provider } from './provider.entity';
import { CreateProviderInput, ProviderConnection } from './provider.types';
import { providers } from './providers.service';

@Resolver(() => Provider)
export class ProviderResolver {
  @Query(() => Provider, {
    description: 'The provider the token belongs to (its `sub`). NOT_FOUND for an operator token that is no provider.',
  })
  me(@Ctx() ctx: Context) {
    return providers.me(ctx);
  }

  @Mutation(() => Provider, {
    description: 'ADMIN: registers a provider in an organization (FORBIDDEN for others). Issue their token with their id as `sub`.',
  })
  createProvider(
    @Arg('input', { description: "The provider's organization, name, discipline and contact." }) input: CreateProviderInput,
    @Ctx() ctx: Context,
  ) {
    return providers.create(ctx, input);
  }

  @FieldResolver(() => Organization, { description: 'The organization the provider works for.' })
  organization(@Root() provider: Provider, @Ctx() ctx: Context) {
    return organizations.get(ctx, provider.organization.id);
  }
}

/** `Organization.providers`: the organization's directory. */
@Resolver(() => Organization)
export class OrganizationProvidersResolver {
  @FieldResolver(() => ProviderConnection, {
    description: "The organization's providers, oldest registration first; any signed-in caller may read the directory.",
  })
  providers(@Root() org: Organization, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return providers.ofOrganization(ctx, org.id, args);
  }
}

/** `Event.actor`: who made the change. */
@Resolver(() => Event)
export class EventActorResolver {
  @FieldResolver(() => Provider, {
    nullable: true,
    description: 'Who made the change; null when an operator (an ADMIN token that is no provider) made it.',
  })
  actor(@Root() event: Event, @Ctx() ctx: Context) {
    return event.actor ? providers.get(ctx, event.actor.id) : null;
  }
}
