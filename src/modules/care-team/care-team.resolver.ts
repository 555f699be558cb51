import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Patient } from '../patients/patient.entity';
import { patients } from '../patients/patients.service';
import { Provider } from '../providers/provider.entity';
import { providers } from '../providers/providers.service';
import { CareTeamMember } from './care-team-member.entity';
import { AddCareTeamMemberInput, EndCareTeamMembershipInput } from './care-team.types';
import { careTeam } from './care-team.service';

@Resolver(() => CareTeamMember)
export class CareTeamResolver {
  @Mutation(() => CareTeamMember, { description: 'ADMIN: puts a provider on a patient\'s care team.' })
  addCareTeamMember(@Arg('input') input: AddCareTeamMemberInput, @Ctx() ctx: Context) {
    return careTeam.add(ctx, input);
  }

  @Mutation(() => CareTeamMember, {
    description: 'ADMIN: ends a membership (history is kept). Their open tasks return to REQUESTED, unassigned.',
  })
  endCareTeamMembership(@Arg('input') input: EndCareTeamMembershipInput, @Ctx() ctx: Context) {
    return careTeam.end(ctx, input);
  }

  @FieldResolver(() => Provider)
  provider(@Root() member: CareTeamMember, @Ctx() ctx: Context) {
    return providers.get(ctx, member.provider.id);
  }

  @FieldResolver(() => Patient)
  patient(@Root() member: CareTeamMember, @Ctx() ctx: Context) {
    return patients.get(ctx, member.patient.id);
  }
}
