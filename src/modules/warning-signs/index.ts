import { defineModule } from '../../core/module';
import { WarningSignRule } from './warning-sign-rule.entity';
import { CarePlanWarningSignsResolver, EventWarningSignResolver, WarningSignRuleResolver } from './warning-signs.resolver';
import { WarningSignEvent, warningSignLoaders, warningSigns } from './warning-signs.service';

/** Warning signs of a care plan as rules the server evaluates on every check-in (the owner edits them; versioned, with events). */
export const warningSignsModule = defineModule({
  name: 'warning-signs',
  entities: [WarningSignRule],
  resolvers: [WarningSignRuleResolver, CarePlanWarningSignsResolver, EventWarningSignResolver],
  loaders: warningSignLoaders,
  nodes: { WarningSignRule: warningSigns.get },
  eventTypes: WarningSignEvent,
});

export { AlertSeverity, RuleComparison, WarningSignRule, WarningSignRuleId } from './warning-sign-rule.entity';
export { describeRule, WarningSignEvent, warningSigns, type CheckedRule, type Trigger } from './warning-signs.service';
export { WarningSignRuleFields } from './warning-signs.types';
