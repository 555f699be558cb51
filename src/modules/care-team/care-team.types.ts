import { NonBlank } from '../../core/validation';
import { Field, ID, InputType } from 'type-graphql';
import { CareTeamRoleKind } from './care-team-member.entity';

@InputType({
  description:
    "Who joins which patient's care team, and in what role. ADMIN, a COORDINATOR of that team or the owner of one of the patient's ACTIVE plans adds members.",
})
export class AddCareTeamMemberInput {
  @Field(() => ID, { description: 'The patient whose team the provider joins.' }) patientId!: string;
  @Field(() => ID, {
    description:
      "The provider who joins; must belong to the patient's organization and not be an active member already (BAD_USER_INPUT on `providerId`).",
  })
  providerId!: string;
  @Field({ description: 'The role on this team, 1–100 characters, e.g. "primary physician", "home nurse".' }) @NonBlank(100) role!: string;
  @Field(() => CareTeamRoleKind, {
    nullable: true,
    description:
      'The role from the vocabulary; OTHER when left out (the free text is not interpreted). COORDINATOR gives the member the right to manage this team.',
  })
  roleKind?: CareTeamRoleKind | null;
}

@InputType({ description: 'The membership to end.' })
export class EndCareTeamMembershipInput {
  @Field(() => ID, { description: "The CareTeamMember id (not the provider's id); an ended one is BAD_USER_INPUT." }) membershipId!: string;
}
