import { Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { NonBlank } from '../../core/validation';
import { AlertSeverity } from '../warning-signs';

/**
 * What makes an expected check-in, and its limits: of `expectCheckIn`, and of a plan template (the
 * plan-templates module stores them and adds them to the plans it creates). Without @InputType() type-graphql
 * does not pass the fields on to the subclasses; the base itself is never used, so never printed.
 */
@InputType()
export abstract class ExpectedCheckInFields {
  @Field({ description: 'The code of the measure expected (BAD_USER_INPUT when unknown); one expectation per measure and plan.' })
  @MaxLength(64)
  measure!: string;
  @Field(() => Int, { description: 'At least every this many days, 1–365.' }) @Min(1) @Max(365) everyDays!: number;
  @Field(() => Int, { nullable: true, description: 'Hours of slack after the due time, 0–72 (default 6).' })
  @Min(0)
  @Max(72)
  graceHours?: number | null;
  @Field(() => AlertSeverity, { nullable: true, description: "The missed-check-in alert's severity (default MODERATE)." })
  severity?: AlertSeverity | null;
  @Field(() => String, {
    nullable: true,
    description: 'What to do when it is missed, up to 1,000 characters (default: contact the patient).',
  })
  @NonBlank(1000)
  instruction?: string | null;
}

@InputType({ description: 'A check-in the plan expects regularly.' })
export class ExpectCheckInInput extends ExpectedCheckInFields {
  @Field(() => ID, { description: 'The plan; the caller must own it.' }) carePlanId!: string;
}

@InputType({ description: 'An expectation to stop.' })
export class StopExpectingCheckInInput {
  @Field(() => ID, { description: 'The expectation.' }) id!: string;
  @Field(() => Int, { nullable: true, description: 'When given, a stale version fails with CONFLICT.' }) expectedVersion?: number | null;
}
