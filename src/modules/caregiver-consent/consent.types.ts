import { ArrayMaxSize, ArrayMinSize, IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { NonBlank } from '../../core/validation';
import { ConsentScope } from './consent.entity';

@InputType({ description: "A consent for a caregiver of the patient's support network, or new scopes for the one in force." })
export class GrantCaregiverConsentInput {
  @Field(() => ID, { description: 'The patient: the caller themself, or (ADMIN) the patient on whose behalf they act.' })
  patientId!: string;
  @Field(() => ID, { description: "The SupportContact on the patient's `supportNetwork` (BAD_USER_INPUT on `contactId` otherwise)." })
  contactId!: string;
  @Field(() => [ConsentScope], { description: 'The scopes, at least one; they replace those of a consent already in force.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  scopes!: ConsentScope[];
  @Field(() => String, {
    nullable: true,
    description:
      "Required when ADMIN acts on the patient's behalf (1–2,000 characters; BAD_USER_INPUT on `reason` otherwise); the patient gives none.",
  })
  @IsOptional()
  @NonBlank(2000)
  reason?: string | null;
}

@InputType({ description: "Ends a caregiver's consent." })
export class RevokeCaregiverConsentInput {
  @Field(() => ID, { description: 'The patient: the caller themself, or (ADMIN) the patient on whose behalf they act.' })
  patientId!: string;
  @Field(() => ID, { description: 'The SupportContact whose consent ends (NOT_FOUND when none is in force).' }) contactId!: string;
  @Field(() => String, {
    nullable: true,
    description: "Required when ADMIN acts on the patient's behalf (1–2,000 characters); the patient gives none.",
  })
  @IsOptional()
  @NonBlank(2000)
  reason?: string | null;
}
