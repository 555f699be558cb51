import { Arg, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { NonBlank } from '../../core/validation';
import { Organization } from './organization.entity';
import { organizations } from './organizations.service';

@InputType({ description: 'A new clinic or practice.' })
export class CreateOrganizationInput {
  @Field({ description: 'Display name, 1–200 characters.' }) @NonBlank(200) name!: string;
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Mutation(() => Organization, { description: 'ADMIN: registers a clinic or practice (FORBIDDEN for others).' })
  createOrganization(@Arg('input', { description: "The organization's name." }) input: CreateOrganizationInput, @Ctx() ctx: Context) {
    return organizations.create(ctx, input);
  }
}
