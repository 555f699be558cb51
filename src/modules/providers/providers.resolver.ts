import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { PageArgs } from '../../graphql/pagination';
import { Organization } from '../organizations/organization.entity';
import { organizations } from '../organizations/organizations.service';
import { PatientConnection } from '../patients/patient.types';
import { patients } from '../patients/patients.service';
import { Provider } from './provider.entity';
import { CreateProviderInput } from './provider.types';
import { providers } from './providers.service';

@Resolver(() => Provider)
export class ProviderResolver {
  @Query(() => Provider, { description: 'The provider the token belongs to.' })
  me(@Ctx() ctx: Context) {
    return providers.me(ctx);
  }

  @Mutation(() => Provider, { description: 'ADMIN: registers a provider in an organization.' })
  createProvider(@Arg('input') input: CreateProviderInput, @Ctx() ctx: Context) {
    return providers.create(ctx, input);
  }

  @FieldResolver(() => Organization)
  organization(@Root() provider: Provider, @Ctx() ctx: Context) {
    return organizations.get(ctx, provider.organization.id);
  }

  @FieldResolver(() => PatientConnection, {
    description: 'Patients on whose care team this provider is active — only those the caller may see too.',
  })
  patients(@Root() provider: Provider, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return patients.list(ctx, args, provider.id);
  }
}
