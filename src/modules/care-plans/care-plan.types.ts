import { NonBlank } from '../../core/validation';
import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { CarePlanCategory, CarePlanStatus } from './care-plan.entity';

@InputType({ description: 'A new care plan; it starts as DRAFT.' })
export class CreateCarePlanInput {
  @Field(() => ID, { description: 'The patient the plan is for; the caller must be an active member of their care team.' })
  patientId!: string;
  @Field({ description: 'Short title, 1–200 characters.' }) @NonBlank(200) title!: string;
  @Field(() => CarePlanCategory, { description: 'What the plan is for; cannot be changed later.' }) category!: CarePlanCategory;
  @Field(() => ID, { description: 'The accountable owner: an active member of the care team (BAD_USER_INPUT on `ownerId` otherwise).' })
  ownerId!: string;
  @Field(() => String, { nullable: true, description: 'Longer description, up to 10,000 characters.' }) @MaxLength(10000) description?:
    string | null;
  @Field(() => [String], { nullable: true, description: 'Warning signs, up to 50 of up to 500 characters each.' })
  @ArrayMaxSize(50)
  @MaxLength(500, { each: true })
  warningSigns?: string[] | null;
}

@InputType({ description: 'Changes to a care plan; fields left out stay as they are.' })
export class UpdateCarePlanInput {
  @Field(() => ID, { description: 'The plan to change.' }) id!: string;
  @Field(() => Int, { description: 'The plan `version` the change is based on; a stale one is CONFLICT and changes nothing.' })
  expectedVersion!: number;
  @Field(() => String, { nullable: true, description: 'New title, 1–200 characters.' }) @NonBlank(200) title?: string | null;
  @Field(() => String, { nullable: true, description: 'New description, up to 10,000 characters; null clears it.' })
  @MaxLength(10000)
  description?: string | null;
  @Field(() => CarePlanStatus, {
    nullable: true,
    description:
      'Move the plan along its lifecycle (INVALID_TRANSITION otherwise); ACTIVE is BAD_USER_INPUT while another plan of the category is ACTIVE.',
  })
  status?: CarePlanStatus | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the warning signs: up to 50 of up to 500 characters each.' })
  @ArrayMaxSize(50)
  @MaxLength(500, { each: true })
  warningSigns?: string[] | null;
}

@InputType({ description: 'Who takes over a care plan.' })
export class TransferCarePlanOwnershipInput {
  @Field(() => ID, { description: 'The plan to hand over.' }) id!: string;
  @Field(() => Int, { description: 'The plan `version` the handover is based on; a stale one is CONFLICT.' }) expectedVersion!: number;
  @Field(() => ID, { description: 'The new owner: another active member of the care team (BAD_USER_INPUT on `newOwnerId` otherwise).' })
  newOwnerId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      "Why the plan changes hands, or the hand-over itself (e.g. SBAR: situation, background, assessment, recommendation), up to 4,000 characters; kept whole as the event's `note`, quoted in its summary. Blank is BAD_USER_INPUT.",
  })
  @IsOptional()
  @NonBlank(4000)
  note?: string | null;
}
