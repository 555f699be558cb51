import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { CarePlan } from '../care-plans';
import { Measure, measures } from '../measures';
import { Organization, organizations } from '../organizations';
import { describeRule } from '../warning-signs';
import { PlanTemplate, PlanTemplateCheckIn, PlanTemplateWarningSignRule } from './plan-template.entity';
import {
  ArchivePlanTemplateInput,
  CreateCarePlanFromTemplateInput,
  CreatePlanTemplateInput,
  PlanTemplateConnection,
  PlanTemplatesArgs,
  UpdatePlanTemplateInput,
} from './plan-template.types';
import { planTemplates } from './plan-templates.service';

@Resolver(() => PlanTemplate)
export class PlanTemplateResolver {
  @Query(() => PlanTemplateConnection, {
    description:
      "An organization's plan templates (the caller's own by default), oldest first; archived ones only with `includeArchived`. " +
      'Any provider of the organization, and ADMIN; FORBIDDEN for a provider of another organization.',
  })
  planTemplates(@Args() args: PlanTemplatesArgs, @Ctx() ctx: Context) {
    return planTemplates.list(ctx, args);
  }

  @Query(() => PlanTemplate, {
    nullable: true,
    description: "A plan template of the caller's organization (ADMIN: any); NOT_FOUND for anyone else.",
  })
  planTemplate(@Arg('id', () => ID, { description: 'A PlanTemplate id ("ptm_…").' }) id: string, @Ctx() ctx: Context) {
    return planTemplates.get(ctx, id);
  }

  @Mutation(() => PlanTemplate, {
    description:
      "ADMIN, or a COORDINATOR of one of the organization's care teams: adds a plan template to the organization (FORBIDDEN for others). Its goals, tasks, warning-sign rules and expected check-ins are checked as when they are added to a plan.",
  })
  createPlanTemplate(
    @Arg('input', { description: 'The organization, title, category and parts of the template.' }) input: CreatePlanTemplateInput,
    @Ctx() ctx: Context,
  ) {
    return planTemplates.create(ctx, input);
  }

  @Mutation(() => PlanTemplate, {
    description:
      "ADMIN, or a COORDINATOR of one of its organization's care teams: changes a plan template (FORBIDDEN for others; FORBIDDEN once archived); `version` +1. Plans already made from it do not change.",
  })
  updatePlanTemplate(
    @Arg('input', { description: 'The template, its expected version and what to change.' }) input: UpdatePlanTemplateInput,
    @Ctx() ctx: Context,
  ) {
    return planTemplates.update(ctx, input);
  }

  @Mutation(() => PlanTemplate, {
    description:
      "ADMIN, or a COORDINATOR of one of its organization's care teams: archives a plan template (FORBIDDEN for others): no plan is made from it any more. Archiving it again changes nothing.",
  })
  archivePlanTemplate(
    @Arg('input', { description: 'The template and its expected version.' }) input: ArchivePlanTemplateInput,
    @Ctx() ctx: Context,
  ) {
    return planTemplates.archive(ctx, input);
  }

  @Mutation(() => CarePlan, {
    description:
      'A team member sets up a whole care plan (DRAFT) from a template in one change: the plan, its goals, tasks (assigned by role), ' +
      'warning-sign rules and expected check-ins, with their events in that order (CARE_PLAN_CREATED, GOAL_ADDED…, TASK_CREATED…, ' +
      'WARNING_SIGN_RULE_ADDED…, CHECK_IN_EXPECTED…). Access and checks as createCarePlan; anything refused writes nothing.',
  })
  createCarePlanFromTemplate(
    @Arg('input', { description: 'The patient, the template, the owner, the start date and who takes which role.' })
    input: CreateCarePlanFromTemplateInput,
    @Ctx() ctx: Context,
  ) {
    return planTemplates.instantiate(ctx, input);
  }

  @FieldResolver(() => Organization, { description: 'The organization whose template it is.' })
  organization(@Root() template: PlanTemplate, @Ctx() ctx: Context) {
    return organizations.get(ctx, template.organization.id);
  }
}

/** `PlanTemplateWarningSignRule.measure` and `.description`. */
@Resolver(() => PlanTemplateWarningSignRule)
export class PlanTemplateRuleResolver {
  @FieldResolver(() => Measure, { description: 'The measure it watches.' })
  measure(@Root() rule: PlanTemplateWarningSignRule, @Ctx() ctx: Context) {
    return measures.get(ctx, rule.measureCode, 'measure');
  }

  @FieldResolver(() => String, { description: 'The rule in words, e.g. "Body weight rose by more than 2 kg within 3 days".' })
  async description(@Root() rule: PlanTemplateWarningSignRule, @Ctx() ctx: Context) {
    return describeRule(rule, await measures.get(ctx, rule.measureCode, 'measure'));
  }
}

/** `PlanTemplateCheckIn.measure`. */
@Resolver(() => PlanTemplateCheckIn)
export class PlanTemplateCheckInResolver {
  @FieldResolver(() => Measure, { description: 'The measure expected.' })
  measure(@Root() expected: PlanTemplateCheckIn, @Ctx() ctx: Context) {
    return measures.get(ctx, expected.measureCode, 'measure');
  }
}
