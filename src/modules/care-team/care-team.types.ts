import { NonBlank } from '../../graphql/validation';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class AddCareTeamMemberInput {
  @Field(() => ID) patientId!: string;
  @Field(() => ID) providerId!: string;
  @Field({ description: 'e.g. "primary physician", "home nurse".' }) @NonBlank(100) role!: string;
}

@InputType()
export class EndCareTeamMembershipInput {
  @Field(() => ID) membershipId!: string;
}
