import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Event, subjectOf } from '../../events/event.entity';
import { CarePlan, carePlans } from '../care-plans';
import { Measure, measures } from '../measures';
import { WarningSignRule } from './warning-sign-rule.entity';
import { describeRule, warningSigns } from './warning-signs.service';
import { AddWarningSignRuleInput, RemoveWarningSignRuleInput, UpdateWarningSignRuleInput } from './warning-signs.types';

@Resolver(() => WarningSignRule)
export class WarningSignRuleResolver {
  @Mutation(() => WarningSignRule, {
    description:
      "The plan owner adds a warning sign the server evaluates on every check-in (FORBIDDEN for other members); the plan's version moves too. " +
      'BAD_USER_INPUT when the rule does not fit its measure. Records WARNING_SIGN_RULE_ADDED.',
  })
  addWarningSignRule(@Arg('input', { description: 'The plan and the rule.' }) input: AddWarningSignRuleInput, @Ctx() ctx: Context) {
    return warningSigns.add(ctx, input);
  }

  @Mutation(() => WarningSignRule, {
    description: 'The plan owner changes a rule (FORBIDDEN for other members). Records WARNING_SIGN_RULE_UPDATED with what changed.',
  })
  updateWarningSignRule(
    @Arg('input', { description: 'The rule, its expected version and the fields to change.' }) input: UpdateWarningSignRuleInput,
    @Ctx() ctx: Context,
  ) {
    return warningSigns.update(ctx, input);
  }

  @Mutation(() => WarningSignRule, {
    description:
      'The plan owner removes a rule (FORBIDDEN for other members): it raises no more alerts; alerts it raised stay until resolved. Records WARNING_SIGN_RULE_REMOVED.',
  })
  removeWarningSignRule(
    @Arg('input', { description: 'The rule and its expected version.' }) input: RemoveWarningSignRuleInput,
    @Ctx() ctx: Context,
  ) {
    return warningSigns.remove(ctx, input);
  }

  @FieldResolver(() => Measure, { description: 'The measure it watches.' })
  measure(@Root() rule: WarningSignRule, @Ctx() ctx: Context) {
    return measures.get(ctx, rule.measureCode, 'measure');
  }

  @FieldResolver(() => String, { description: 'The rule in words, e.g. "Body weight rose by more than 2 kg within 3 days".' })
  async description(@Root() rule: WarningSignRule, @Ctx() ctx: Context) {
    return describeRule(rule, await measures.get(ctx, rule.measureCode, 'measure'));
  }

  @FieldResolver(() => CarePlan, { description: 'The plan it belongs to.' })
  carePlan(@Root() rule: WarningSignRule, @Ctx() ctx: Context) {
    return carePlans.get(ctx, rule.carePlan.id);
  }
}

/** `CarePlan.warningSignRules`. */
@Resolver(() => CarePlan)
export class CarePlanWarningSignsResolver {
  @FieldResolver(() => [WarningSignRule], {
    description: "The plan's warning signs the server evaluates, in the order they were added (free-text ones are `warningSigns`).",
  })
  warningSignRules(
    @Root() plan: CarePlan,
    @Arg('includeRemoved', { defaultValue: false, description: 'Also list removed rules (active: false).' }) includeRemoved: boolean,
    @Ctx() ctx: Context,
  ) {
    return warningSigns.ofPlan(ctx, plan.id, plan.patient.id, includeRemoved);
  }
}

/** `Event.warningSignRule`. */
@Resolver(() => Event)
export class EventWarningSignResolver {
  @FieldResolver(() => WarningSignRule, { nullable: true, description: 'The warning-sign rule the event concerns; null for other events.' })
  warningSignRule(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'WarningSignRule');
    return id ? warningSigns.get(ctx, id) : null;
  }
}
