import { MaxLength } from 'class-validator';
import { NonBlank } from '../../graphql/validation';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { GoalStatus } from './goal.entity';

@InputType()
export class AddGoalInput {
  @Field(() => ID) carePlanId!: string;
  @Field() @NonBlank(1000) description!: string;
  @Field(() => String, { nullable: true }) @MaxLength(500) target?: string | null;
  @Field(() => DateResolver, { nullable: true }) dueDate?: Date | null;
}

@InputType()
export class UpdateGoalInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true, description: 'When given, a stale version fails with CONFLICT.' })
  expectedVersion?: number | null;
  @Field(() => GoalStatus, { nullable: true }) status?: GoalStatus | null;
  @Field(() => String, { nullable: true }) @NonBlank(1000) description?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(500) target?: string | null;
  @Field(() => DateResolver, { nullable: true }) dueDate?: Date | null;
}
