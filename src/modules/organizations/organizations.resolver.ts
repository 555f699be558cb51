import { NonBlank } from '../../graphql/validation';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { PageArgs } from '../../graphql/pagination';
import { ProviderConnection } from '../providers/provider.types';
import { Organization } from './organization.entity';
import { organizations } from './organizations.service';

@InputType()
export class CreateOrganizationInput {
  @Field() @NonBlank(200) name!: string;
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Mutation(() => Organization, { description: 'ADMIN: registers a clinic or practice.' })
  createOrganization(@Arg('input') input: CreateOrganizationInput, @Ctx() ctx: Context) {
    return organizations.create(ctx, input);
  }

  @FieldResolver(() => ProviderConnection)
  providers(@Root() org: Organization, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return organizations.providers(ctx, org.id, args);
  }
}
