import { ArrayMaxSize, MaxLength, Max, Min } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { NonBlank } from '../../core/validation';
import { AlertSeverity, RuleComparison } from './warning-sign-rule.entity';

/**
 * What makes a warning-sign rule, and its limits: the rule of `addWarningSignRule`, and of a plan template
 * (the plan-templates module stores such rules and adds them to the plans it creates). Without @InputType()
 * type-graphql does not pass the fields on to the subclasses; the base itself is never used, so never printed.
 */
@InputType()
export abstract class WarningSignRuleFields {
  @Field({ description: 'The code of the measure to watch, e.g. "29463-7" (BAD_USER_INPUT when unknown).' })
  @MaxLength(64)
  measure!: string;
  @Field(() => RuleComparison, { description: 'How a new value is compared (IS_ONE_OF only, and only it, for CODED measures).' })
  comparison!: RuleComparison;
  @Field(() => Float, {
    nullable: true,
    description: 'The threshold, or for RISES/FALLS_BY_MORE_THAN the change (above 0); required except for IS_ONE_OF.',
  })
  threshold?: number | null;
  @Field(() => Int, { nullable: true, description: 'RISES/FALLS_BY_MORE_THAN only, and required there: the look-back window, 1–90 days.' })
  withinDays?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Check-ins in a row that must meet it, 1–10 (default 1); not for RISES/FALLS_BY_MORE_THAN.',
  })
  @Min(1)
  @Max(10)
  consecutive?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: "Questionnaire measures only: compare this item's answer (1 = first item) instead of the total.",
  })
  item?: number | null;
  @Field(() => [String], { nullable: true, description: "IS_ONE_OF only, and required there: 1–20 of the measure's answer codes." })
  @ArrayMaxSize(20)
  codes?: string[] | null;
  @Field(() => AlertSeverity, { description: "The alert's severity, which sets its task's priority." }) severity!: AlertSeverity;
  @Field({ description: 'What the team must do when it fires, 1–1,000 characters.' }) @NonBlank(1000) instruction!: string;
  @Field(() => String, {
    nullable: true,
    description: "The care-team role whose member gets the alert's task, up to 100 characters; default the plan owner.",
  })
  @MaxLength(100)
  assignRole?: string | null;
}

@InputType({ description: 'A warning sign as a rule, on an open care plan.' })
export class AddWarningSignRuleInput extends WarningSignRuleFields {
  @Field(() => ID, { description: 'The plan; the caller must own it.' }) carePlanId!: string;
}

@InputType({ description: 'Changes to a warning-sign rule; fields left out stay as they are. The whole rule is checked again.' })
export class UpdateWarningSignRuleInput {
  @Field(() => ID, { description: 'The rule.' }) id!: string;
  @Field(() => Int, { nullable: true, description: 'When given, a stale version fails with CONFLICT.' }) expectedVersion?: number | null;
  @Field(() => RuleComparison, { nullable: true, description: 'New comparison.' }) comparison?: RuleComparison | null;
  @Field(() => Float, { nullable: true, description: 'New threshold.' }) threshold?: number | null;
  @Field(() => Int, { nullable: true, description: 'New look-back window, 1–90 days.' }) withinDays?: number | null;
  @Field(() => Int, { nullable: true, description: 'New count of check-ins in a row, 1–10.' }) @Min(1) @Max(10) consecutive?: number | null;
  @Field(() => [String], { nullable: true, description: 'New answer codes of an IS_ONE_OF rule.' }) @ArrayMaxSize(20) codes?:
    string[] | null;
  @Field(() => AlertSeverity, { nullable: true, description: 'New severity.' }) severity?: AlertSeverity | null;
  @Field(() => String, { nullable: true, description: 'New instruction, 1–1,000 characters.' }) @NonBlank(1000) instruction?: string | null;
  @Field(() => String, { nullable: true, description: 'New role for the task, up to 100 characters; blank: the plan owner.' })
  @MaxLength(100)
  assignRole?: string | null;
}

@InputType({ description: 'A rule to remove: it stops raising alerts; its history stays.' })
export class RemoveWarningSignRuleInput {
  @Field(() => ID, { description: 'The rule.' }) id!: string;
  @Field(() => Int, { nullable: true, description: 'When given, a stale version fails with CONFLICT.' }) expectedVersion?: number | null;
}
