import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Patient, patients } from '../patients';
import { Provider, providers } from '../providers';
import { CareTeamMember } from './care-team-member.entity';
import { AddCareTeamMemberInput, EndCareTeamMembershipInput } from './care-team.types';
import { careTeam } from './care-team.service';

@Resolver(() => CareTeamMember)
export class CareTeamResolver {
  @Mutation(() => CareTeamMember, {
    description:
      "Puts a provider of the patient's organization on its care team; they see the patient at once. ADMIN, a COORDINATOR of that " +
      "patient's team or the owner of one of its ACTIVE plans may (FORBIDDEN for anyone else). Records CARE_TEAM_MEMBER_ADDED.",
  })
  addCareTeamMember(
    @Arg('input', { description: 'The patient, the provider and the role.' }) input: AddCareTeamMemberInput,
    @Ctx() ctx: Context,
  ) {
    return careTeam.add(ctx, input);
  }

  @Mutation(() => CareTeamMember, {
    description:
      "Ends a membership (history is kept) and the provider's access with it, live subscriptions included: ADMIN, a COORDINATOR of " +
      "that patient's team or the owner of one of its ACTIVE plans (FORBIDDEN for anyone else). " +
      'Their open tasks return to REQUESTED, unassigned. BAD_USER_INPUT on `membershipId` while they own an open care plan: transfer it first.',
  })
  endCareTeamMembership(@Arg('input', { description: 'The membership to end.' }) input: EndCareTeamMembershipInput, @Ctx() ctx: Context) {
    return careTeam.end(ctx, input);
  }

  @FieldResolver(() => Provider, { description: 'The member.' })
  provider(@Root() member: CareTeamMember, @Ctx() ctx: Context) {
    return providers.get(ctx, member.provider.id);
  }

  @FieldResolver(() => Patient, { description: 'The patient whose team this is.' })
  patient(@Root() member: CareTeamMember, @Ctx() ctx: Context) {
    return patients.get(ctx, member.patient.id);
  }
}

/** `Patient.careTeam`. */
@Resolver(() => Patient)
export class PatientCareTeamResolver {
  @FieldResolver(() => [CareTeamMember], {
    description: 'Active members in the order they joined, or the whole history with includeEnded.',
  })
  careTeam(
    @Root() patient: Patient,
    @Arg('includeEnded', { defaultValue: false, description: 'Also list ended memberships (endedAt set).' }) includeEnded: boolean,
    @Ctx() ctx: Context,
  ) {
    return careTeam.ofPatient(ctx, patient.id, includeEnded);
  }
}
