import { ArrayMaxSize, MaxLength } from 'class-validator';
import { NonBlank } from '../../graphql/validation';
import { Field, ID, InputType, Int } from 'type-graphql';
import { CarePlanCategory, CarePlanStatus } from './care-plan.entity';

@InputType()
export class CreateCarePlanInput {
  @Field(() => ID) patientId!: string;
  @Field() @NonBlank(200) title!: string;
  @Field(() => CarePlanCategory) category!: CarePlanCategory;
  @Field(() => ID, { description: 'The accountable owner: an active member of the care team.' }) ownerId!: string;
  @Field(() => String, { nullable: true }) @MaxLength(10000) description?: string | null;
  @Field(() => [String], { nullable: true }) @ArrayMaxSize(50) @MaxLength(500, { each: true }) warningSigns?: string[] | null;
}

@InputType()
export class UpdateCarePlanInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => String, { nullable: true }) @NonBlank(200) title?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(10000) description?: string | null;
  @Field(() => CarePlanStatus, { nullable: true }) status?: CarePlanStatus | null;
  @Field(() => [String], { nullable: true }) @ArrayMaxSize(50) @MaxLength(500, { each: true }) warningSigns?: string[] | null;
}

@InputType()
export class TransferCarePlanOwnershipInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => ID) newOwnerId!: string;
}
