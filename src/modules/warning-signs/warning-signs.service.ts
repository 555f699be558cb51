import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader, groupInKeyOrder, readOnlyRows } from '../../core/batch';
import { applyChanges, createdValues, describeChanges } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { writePatient, type PatientWrite } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { carePlans, CarePlanStatus, type CarePlan } from '../care-plans';
import { checkIns, type Observation } from '../check-ins';
import { measures, MeasureValueType, QUESTIONNAIRES, type Measure } from '../measures';
import { AlertSeverity, RuleComparison, WarningSignRule } from './warning-sign-rule.entity';
import type {
  AddWarningSignRuleInput,
  RemoveWarningSignRuleInput,
  UpdateWarningSignRuleInput,
  WarningSignRuleFields,
} from './warning-signs.types';

export const WarningSignEvent = defineEventTypes({
  WARNING_SIGN_RULE_ADDED: 'A warning-sign rule was added to a care plan.',
  WARNING_SIGN_RULE_UPDATED: 'A warning-sign rule changed.',
  WARNING_SIGN_RULE_REMOVED: 'A warning-sign rule was removed; it raises nothing any more.',
});

export function warningSignLoaders(em: EntityManager) {
  return {
    warningSignRuleById: byIdLoader(em, WarningSignRule),
    warningSignRulesByPlan: new DataLoader<string, WarningSignRule[]>(async (planIds) => {
      const query = em
        .getKnex()('warning_sign_rule')
        .select('*')
        .whereIn('care_plan_id', [...planIds])
        .orderBy('id');
      return groupInKeyOrder(planIds, await readOnlyRows(em, WarningSignRule, query), (r) => r.carePlan.id);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof warningSignLoaders> {}
}

/** The fields that make a rule, checked together against its measure. */
type RuleFields = Pick<WarningSignRule, 'comparison' | 'threshold' | 'withinDays' | 'consecutive' | 'item' | 'codes'>;

/** A rule checked against its measure (`warningSigns.check`), ready to add to a plan (`warningSigns.insert`). */
export interface CheckedRule {
  measure: Measure;
  fields: RuleFields;
  severity: AlertSeverity;
  instruction: string;
  assignRole: string | null;
}

const THRESHOLD = new Set([RuleComparison.ABOVE, RuleComparison.AT_LEAST, RuleComparison.BELOW, RuleComparison.AT_MOST]);
const CHANGE = new Set([RuleComparison.RISES_BY_MORE_THAN, RuleComparison.FALLS_BY_MORE_THAN]);

/** A rule that can be evaluated, in canonical form (fields that do not apply are null / 1 / empty), or BAD_USER_INPUT. */
function checkRule(measure: Measure, fields: RuleFields): RuleFields {
  const { comparison } = fields;
  if (measure.valueType === MeasureValueType.CODED) {
    if (comparison !== RuleComparison.IS_ONE_OF) throw badInput('comparison', `${measure.name} is coded: compare it with IS_ONE_OF`);
    const codes = [...new Set(fields.codes)];
    if (!codes.length) throw badInput('codes', 'IS_ONE_OF needs at least one answer code');
    const unknown = codes.find((code) => !measure.options.some((o) => o.code === code));
    if (unknown !== undefined) throw badInput('codes', `${measure.name} has no answer "${unknown.slice(0, 64)}"`);
    return { comparison, threshold: null, withinDays: null, consecutive: fields.consecutive ?? 1, item: null, codes };
  }
  if (comparison === RuleComparison.IS_ONE_OF) throw badInput('comparison', `${measure.name} is a number: IS_ONE_OF is for coded measures`);
  const threshold = fields.threshold;
  if (threshold == null || !Number.isFinite(threshold)) throw badInput('threshold', `${comparison} needs a threshold`);
  let item: number | null = null;
  if (fields.item != null) {
    const questionnaire = QUESTIONNAIRES.get(measure.code);
    if (!questionnaire) throw badInput('item', `${measure.name} has no items`);
    if (!(Number.isInteger(fields.item) && fields.item >= 1 && fields.item <= questionnaire.items.length)) {
      throw badInput('item', `${questionnaire.title} has items 1 to ${questionnaire.items.length}`);
    }
    if (!THRESHOLD.has(comparison)) throw badInput('item', 'An item is compared with ABOVE, AT_LEAST, BELOW or AT_MOST');
    item = fields.item;
  }
  if (CHANGE.has(comparison)) {
    if (!(threshold > 0)) throw badInput('threshold', 'The change must be above 0');
    if (!(Number.isInteger(fields.withinDays) && fields.withinDays! >= 1 && fields.withinDays! <= 90)) {
      throw badInput('withinDays', `${comparison} needs withinDays, 1–90`);
    }
    if ((fields.consecutive ?? 1) !== 1) throw badInput('consecutive', `${comparison} looks at the window, not at check-ins in a row`);
    return { comparison, threshold, withinDays: fields.withinDays, consecutive: 1, item: null, codes: [] };
  }
  return { comparison, threshold, withinDays: null, consecutive: fields.consecutive ?? 1, item, codes: [] };
}

/** What met a rule: the values, and a line for the alert. */
export interface Trigger {
  observations: Observation[];
  description: string;
}

const COMPARED: Record<string, (v: number, t: number) => boolean> = {
  ABOVE: (v, t) => v > t,
  AT_LEAST: (v, t) => v >= t,
  BELOW: (v, t) => v < t,
  AT_MOST: (v, t) => v <= t,
};
const WORDS: Record<RuleComparison, string> = {
  ABOVE: 'above',
  AT_LEAST: 'at least',
  BELOW: 'below',
  AT_MOST: 'at most',
  RISES_BY_MORE_THAN: 'rose by more than',
  FALLS_BY_MORE_THAN: 'fell by more than',
  IS_ONE_OF: 'one of',
};

/** How a rule reads: "Body weight rose by more than 2 kg within 3 days". */
export function describeRule(rule: RuleFields & { measureCode: string }, measure: Measure): string {
  const unit = measures.unitAfterNumber(measure);
  const what = rule.item != null ? `${QUESTIONNAIRES.get(measure.code)?.title ?? measure.name} item ${rule.item}` : measure.name;
  if (rule.comparison === RuleComparison.IS_ONE_OF) return `${what} is one of ${rule.codes.join(', ')}`;
  if (CHANGE.has(rule.comparison)) return `${what} ${WORDS[rule.comparison]} ${rule.threshold}${unit} within ${rule.withinDays} days`;
  const inARow = rule.consecutive > 1 ? ` on ${rule.consecutive} check-ins in a row` : '';
  return `${what} ${WORDS[rule.comparison]} ${rule.threshold}${unit}${inARow}`;
}

export const warningSigns = {
  async get(ctx: Context, id: string): Promise<WarningSignRule> {
    const rule = await ctx.loaders.warningSignRuleById.load(expectId('WarningSignRule', id, 'id'));
    if (!rule || !(await access.isMember(ctx, rule.patient.id))) {
      throw access.refuse(ctx, rule?.patient.id ?? null, notFound('WarningSignRule', id));
    }
    ctx.audit.read(rule.patient.id);
    return rule;
  },

  async ofPlan(ctx: Context, planId: string, patientId: string, includeRemoved: boolean): Promise<WarningSignRule[]> {
    await access.assertCanSeePatient(ctx, patientId);
    const rules = await ctx.loaders.warningSignRulesByPlan.load(planId);
    return includeRemoved ? rules : rules.filter((r) => r.active);
  },

  /**
   * Checks a rule against its measure: BAD_USER_INPUT naming the field (`measure`, `threshold` …) otherwise.
   * The rule in canonical form, ready for `insert`; a plan template checks its rules here too.
   */
  async check(ctx: Context, input: WarningSignRuleFields): Promise<CheckedRule> {
    const measure = await measures.get(ctx, input.measure, 'measure');
    const fields = checkRule(measure, {
      comparison: input.comparison,
      threshold: input.threshold ?? null,
      withinDays: input.withinDays ?? null,
      consecutive: input.consecutive ?? 1,
      item: input.item ?? null,
      codes: input.codes ?? [],
    });
    return {
      measure,
      fields,
      severity: input.severity,
      instruction: input.instruction.trim(),
      assignRole: input.assignRole?.trim() || null,
    };
  },

  /** The plan owner turns a warning sign into a rule. */
  async add(ctx: Context, input: AddWarningSignRuleInput): Promise<WarningSignRule> {
    const plan = await carePlans.get(ctx, expectId('CarePlan', input.carePlanId, 'carePlanId'));
    const checked = await warningSigns.check(ctx, input);
    ctx.loaders.carePlanById.clear(plan.id);
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await carePlans.forChange(write, plan.id);
      access.assertPlanOwner(ctx, current.owner.id);
      return warningSigns.insert(write, current, checked);
    });
  },

  /**
   * Inside a write that has already decided who may change the plan (`add`: its owner; a plan made from a
   * template: its creator): the checked rule on the open plan `plan`, read in the write, with WARNING_SIGN_RULE_ADDED.
   */
  insert(write: PatientWrite, plan: CarePlan, checked: CheckedRule): WarningSignRule {
    const { measure, fields } = checked;
    const rule = write.em.create(WarningSignRule, {
      carePlan: plan,
      patient: plan.patient.id,
      measureCode: measure.code,
      ...fields,
      severity: checked.severity,
      instruction: checked.instruction,
      assignRole: checked.assignRole,
    });
    plan.updatedAt = new Date(); // rules are part of the plan: its version moves too
    write.event({
      type: WarningSignEvent.WARNING_SIGN_RULE_ADDED,
      summary: `Warning sign added to "${plan.title}": ${describeRule(rule, measure)} (${rule.severity})`,
      subjects: [plan.id, rule.id],
      changes: createdValues({
        measureCode: rule.measureCode,
        comparison: rule.comparison,
        threshold: rule.threshold,
        withinDays: rule.withinDays,
        consecutive: rule.consecutive,
        item: rule.item,
        codes: rule.codes,
        severity: rule.severity,
        instruction: rule.instruction,
        assignRole: rule.assignRole,
        active: rule.active,
      }),
    });
    return rule;
  },

  /** The plan owner changes a rule; the changed rule is checked whole again. */
  async update(ctx: Context, input: UpdateWarningSignRuleInput): Promise<WarningSignRule> {
    const found = await warningSigns.get(ctx, input.id);
    ctx.loaders.carePlanById.clear(found.carePlan.id);
    return writePatient(ctx, found.patient.id, async (write) => {
      const plan = await carePlans.forChange(write, found.carePlan.id);
      access.assertPlanOwner(ctx, plan.owner.id);
      const rule = await write.em.findOneOrFail(WarningSignRule, found.id, { refresh: true });
      assertVersion(rule, input.expectedVersion, 'WarningSignRule');
      if (!rule.active) throw badInput('id', 'The rule was removed');
      const measure = await measures.get(ctx, rule.measureCode, 'measure');
      const fields = checkRule(measure, {
        comparison: input.comparison ?? rule.comparison,
        threshold: input.threshold ?? rule.threshold,
        withinDays: input.withinDays ?? rule.withinDays,
        consecutive: input.consecutive ?? rule.consecutive,
        item: rule.item,
        codes: input.codes ?? rule.codes,
      });
      const changes = applyChanges(rule, {
        ...fields,
        codes: sameList(fields.codes, rule.codes) ? undefined : fields.codes,
        severity: input.severity ?? undefined,
        instruction: input.instruction?.trim() ?? undefined,
        assignRole: input.assignRole === undefined || input.assignRole === null ? undefined : input.assignRole.trim() || null,
      });
      if (!Object.keys(changes).length) return rule;
      plan.updatedAt = new Date();
      write.event({
        type: WarningSignEvent.WARNING_SIGN_RULE_UPDATED,
        summary: `Warning sign of "${plan.title}" changed: ${describeChanges(changes)}; now ${describeRule(rule, measure)} (${rule.severity})`,
        subjects: [plan.id, rule.id],
        changes,
      });
      return rule;
    });
  },

  /** The plan owner removes a rule: it raises nothing more; open alerts it raised stay open until resolved. */
  async remove(ctx: Context, input: RemoveWarningSignRuleInput): Promise<WarningSignRule> {
    const found = await warningSigns.get(ctx, input.id);
    ctx.loaders.carePlanById.clear(found.carePlan.id);
    return writePatient(ctx, found.patient.id, async (write) => {
      const plan = await carePlans.forChange(write, found.carePlan.id);
      access.assertPlanOwner(ctx, plan.owner.id);
      const rule = await write.em.findOneOrFail(WarningSignRule, found.id, { refresh: true });
      assertVersion(rule, input.expectedVersion, 'WarningSignRule');
      if (!rule.active) return rule;
      const changes = applyChanges(rule, { active: false });
      plan.updatedAt = new Date();
      const measure = await measures.get(ctx, rule.measureCode, 'measure');
      write.event({
        type: WarningSignEvent.WARNING_SIGN_RULE_REMOVED,
        summary: `Warning sign removed from "${plan.title}": ${describeRule(rule, measure)}`,
        subjects: [plan.id, rule.id],
        changes,
      });
      return rule;
    });
  },

  /** Inside a write: the active rules of the patient's ACTIVE plans watching these measures. */
  async watching(write: PatientWrite, measureCodes: readonly string[]): Promise<WarningSignRule[]> {
    return write.em.find(
      WarningSignRule,
      { patient: write.patientId, measureCode: { $in: [...measureCodes] }, active: true, carePlan: { status: CarePlanStatus.ACTIVE } },
      { orderBy: { id: 'asc' } },
    );
  },

  /** Inside a write: does `observation` (just recorded) meet `rule`? What met it, or null. */
  async evaluate(write: PatientWrite, rule: WarningSignRule, observation: Observation, measure: Measure): Promise<Trigger | null> {
    const valueOf = (o: Observation) => (rule.item != null ? (o.answers?.[rule.item - 1] ?? null) : o.value);
    const describe = (what: string) => `${describeRule(rule, measure)}: ${what}`;
    if (CHANGE.has(rule.comparison)) {
      const value = valueOf(observation);
      if (value == null) return null;
      const from = new Date(observation.takenAt.getTime() - rule.withinDays! * 86_400_000);
      const before = (await checkIns.valuesBetween(write, rule.measureCode, from, observation.takenAt)).filter(
        (o) => o.id !== observation.id && valueOf(o) != null,
      );
      if (!before.length) return null;
      const rising = rule.comparison === RuleComparison.RISES_BY_MORE_THAN;
      const base = before.reduce((best, o) => ((rising ? valueOf(o)! < valueOf(best)! : valueOf(o)! > valueOf(best)!) ? o : best));
      const change = measures.round(rising ? value - valueOf(base)! : valueOf(base)! - value);
      if (!(change > rule.threshold!)) return null;
      return { observations: [base, observation], description: describe(`${valueOf(base)} → ${value}`) };
    }
    const recent = await checkIns.valuesUpTo(write, observation, rule.consecutive);
    if (recent.length < rule.consecutive) return null;
    const meets = (o: Observation) => {
      if (rule.comparison === RuleComparison.IS_ONE_OF) return o.code != null && rule.codes.includes(o.code);
      const value = valueOf(o);
      return value != null && COMPARED[rule.comparison](value, rule.threshold!);
    };
    if (!recent.every(meets)) return null;
    const shown = recent
      .reverse()
      .map((o) => (rule.comparison === RuleComparison.IS_ONE_OF ? o.code : String(valueOf(o))))
      .join(', ');
    return { observations: recent, description: describe(shown) };
  },
};

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
