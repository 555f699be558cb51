import { defineModule } from '../../core/module';
import { PlanTemplate, PlanTemplateCheckIn, PlanTemplateGoal, PlanTemplateTask, PlanTemplateWarningSignRule } from './plan-template.entity';
import { PlanTemplateCheckInResolver, PlanTemplateResolver, PlanTemplateRuleResolver } from './plan-templates.resolver';
import { planTemplateLoaders, planTemplates } from './plan-templates.service';

/**
 * Plan templates: an organization's ready-made care plans, and
 * `createCarePlanFromTemplate`, which sets one up for a patient in one write
 * through the care-plans, goals, tasks, warning-signs and expected-check-ins
 * services.
 */
export const planTemplatesModule = defineModule({
  name: 'plan-templates',
  entities: [PlanTemplate, PlanTemplateGoal, PlanTemplateTask, PlanTemplateWarningSignRule, PlanTemplateCheckIn],
  resolvers: [PlanTemplateResolver, PlanTemplateRuleResolver, PlanTemplateCheckInResolver],
  loaders: planTemplateLoaders,
  nodes: { PlanTemplate: planTemplates.get },
});

export { PlanTemplate, PlanTemplateId } from './plan-template.entity';
export { planTemplates } from './plan-templates.service';
