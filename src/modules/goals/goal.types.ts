import { NonBlank } from '../../core/validation';
import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { GoalStatus } from './goal.entity';

/**
 * What a goal says, and its limits: of `addGoal`, and of a plan template's goals. Without @InputType()
 * type-graphql does not pass the fields on to the subclasses; the base itself is never used, so never printed.
 */
@InputType()
export abstract class GoalFields {
  @Field({ description: 'What the goal is, 1–1,000 characters.' }) @NonBlank(1000) description!: string;
  @Field(() => String, { nullable: true, description: 'How to tell it is met, up to 500 characters.' }) @MaxLength(500) target?:
    string | null;
}

@InputType({ description: 'A new goal on a care plan; it starts as PROPOSED.' })
export class AddGoalInput extends GoalFields {
  @Field(() => ID, { description: 'The care plan; the caller must be its owner and it must not be COMPLETED or REVOKED.' })
  carePlanId!: string;
  @Field(() => DateResolver, { nullable: true, description: 'When it should be met, YYYY-MM-DD between 2000-01-01 and 2100-12-31.' })
  dueDate?: Date | null;
}

@InputType({ description: 'Changes to a goal; fields left out stay as they are.' })
export class UpdateGoalInput {
  @Field(() => ID, { description: 'The goal to change.' }) id!: string;
  @Field(() => Int, {
    nullable: true,
    description:
      'The goal `version` the change is based on; a stale one fails with CONFLICT. Send it: without it the last write wins. ' +
      'Optional only because the published contract has `updateGoal` without it and clients call it so (docs/contract.md).',
  })
  expectedVersion?: number | null;
  @Field(() => GoalStatus, { nullable: true, description: 'Move the goal along its lifecycle (INVALID_TRANSITION otherwise).' })
  status?: GoalStatus | null;
  @Field(() => String, { nullable: true, description: 'New description, 1–1,000 characters.' }) @NonBlank(1000) description?: string | null;
  @Field(() => String, { nullable: true, description: 'New target, up to 500 characters; null or blank clears it.' })
  @MaxLength(500)
  target?: string | null;
  @Field(() => DateResolver, { nullable: true, description: 'New due date, YYYY-MM-DD between 2000-01-01 and 2100-12-31; null clears it.' })
  dueDate?: Date | null;
}
