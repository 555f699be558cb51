import type { Context } from '../../core/context';
import { badInput, inField } from '../../core/errors';
import { expectedCheckIns } from '../expected-check-ins';
import { TaskPriority } from '../tasks';
import { warningSigns, type WarningSignRuleFields } from '../warning-signs';
import { PlanTemplate, PlanTemplateCheckIn, PlanTemplateGoal, PlanTemplateTask, PlanTemplateWarningSignRule } from './plan-template.entity';
import type { CreatePlanTemplateInput } from './plan-template.types';
import { checkRecurrence } from './recurrence';

/** The fields of a stored template rule, as `addWarningSignRule` takes them (to check it again when a plan gets it). */
export function ruleFields(rule: PlanTemplateWarningSignRule): WarningSignRuleFields {
  const { measureCode, ...fields } = rule;
  return { measure: measureCode, ...fields };
}

/**
 * A template's parts checked as the modules that own them check theirs
 * (goals, tasks, warning-sign rules, expected check-ins), with the field named
 * inside the input (`warningSignRules.1.threshold`); a task's recurrence with
 * the rrule library.
 */
export async function checkContent(
  ctx: Context,
  input: Pick<CreatePlanTemplateInput, 'goals' | 'tasks' | 'warningSignRules' | 'expectedCheckIns'>,
) {
  const content: Partial<Pick<PlanTemplate, 'goals' | 'tasks' | 'warningSignRules' | 'expectedCheckIns'>> = {};
  if (input.goals) {
    content.goals = input.goals.map((goal) =>
      Object.assign(new PlanTemplateGoal(), {
        description: goal.description.trim(),
        target: goal.target?.trim() || null,
        dueInDays: goal.dueInDays ?? null,
      }),
    );
  }
  if (input.tasks) {
    content.tasks = input.tasks.map((task, i) => {
      if (task.recurrence != null && task.dueInDays == null) {
        throw badInput(`tasks.${i}.dueInDays`, 'A repeating task needs dueInDays: its first due time starts the recurrence');
      }
      return Object.assign(new PlanTemplateTask(), {
        title: task.title.trim(),
        kind: task.kind,
        priority: task.priority ?? TaskPriority.ROUTINE,
        description: task.description?.trim() || null,
        assignRole: task.assignRole?.trim() || null,
        dueInDays: task.dueInDays ?? null,
        dueTime: task.dueTime ?? '17:00',
        recurrence: task.recurrence == null ? null : checkRecurrence(task.recurrence, `tasks.${i}.recurrence`),
      });
    });
  }
  if (input.warningSignRules) {
    content.warningSignRules = [];
    for (const [i, rule] of input.warningSignRules.entries()) {
      const checked = await inField(`warningSignRules.${i}`, () => warningSigns.check(ctx, rule));
      content.warningSignRules.push(
        Object.assign(new PlanTemplateWarningSignRule(), {
          measureCode: checked.measure.code,
          ...checked.fields,
          severity: checked.severity,
          instruction: checked.instruction,
          assignRole: checked.assignRole,
        }),
      );
    }
  }
  if (input.expectedCheckIns) {
    content.expectedCheckIns = [];
    for (const [i, expected] of input.expectedCheckIns.entries()) {
      const checked = await inField(`expectedCheckIns.${i}`, () => expectedCheckIns.check(ctx, expected));
      if (content.expectedCheckIns.some((e) => e.measureCode === checked.measure.code)) {
        throw badInput(
          `expectedCheckIns.${i}.measure`,
          `The template already expects ${checked.measure.name}: a plan expects a measure once`,
        );
      }
      const { measure, ...rest } = checked;
      content.expectedCheckIns.push(Object.assign(new PlanTemplateCheckIn(), { measureCode: measure.code, ...rest }));
    }
  }
  return content;
}
