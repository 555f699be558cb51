import DataLoader from 'dataloader';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import type { Context } from '../../core/context';
import { badInput } from '../../core/errors';
import { LOCAL_SYSTEM, Measure, MeasureValueType } from './measure.entity';
import type { CreateMeasureInput, MeasureValueInput } from './measure.types';
import { ObservationFlag, QUESTIONNAIRES, score } from './questionnaires';

export function measureLoaders(em: EntityManager) {
  return {
    measureByCode: new DataLoader<string, Measure | null>(async (codes) => {
      // Inside a patient write (a rule evaluated on a check-in) `em` is the transaction's: the fork keeps its connection.
      // Without it, each write waited for a second pool connection while holding one, and 10 concurrent check-ins
      // (the pool's size) stalled until the acquire timeout.
      const rows = await em.fork({ keepTransactionContext: true }).find(Measure, { code: { $in: [...codes] } });
      const byCode = new Map(rows.map((m) => [m.code, m]));
      return codes.map((code) => byCode.get(code) ?? null);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof measureLoaders> {}
}

/** A value checked against its measure, ready to store. */
export interface MeasuredValue {
  measure: Measure;
  /** The number: the quantity, or a questionnaire's total; null for a coded answer. */
  value: number | null;
  code: string | null;
  answers: number[] | null;
  band: string | null;
  flags: ObservationFlag[];
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export const measures = {
  /** The catalogue is not patient data: any authenticated caller may read it. */
  list(ctx: Context): Promise<Measure[]> {
    return ctx.em.find(Measure, {}, { orderBy: { name: 'asc', code: 'asc' } });
  },

  async get(ctx: Context, code: string, field: string): Promise<Measure> {
    const measure = CODE.test(code) ? await ctx.loaders.measureByCode.load(code) : null;
    if (!measure) throw badInput(field, `${field}: there is no measure "${code.slice(0, 64)}" (see the measures query)`);
    return measure;
  },

  /** An operator adds a clinic's own measure (QUANTITY or CODED; questionnaires need the server to score them). */
  async create(ctx: Context, input: CreateMeasureInput): Promise<Measure> {
    access.assertAdmin(ctx);
    if (!CODE.test(input.code))
      throw badInput('code', 'code must be 1–64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
    if (input.valueType === MeasureValueType.QUESTIONNAIRE) {
      throw badInput('valueType', 'Questionnaires are scored by the server: only its own (PHQ-9, GAD-7) exist');
    }
    const options = input.options ?? [];
    if (input.valueType === MeasureValueType.CODED) {
      if (options.length < 2) throw badInput('options', 'A CODED measure needs at least two options');
      if (new Set(options.map((o) => o.code)).size !== options.length) throw badInput('options', 'Option codes must differ');
      if (input.minValue != null || input.maxValue != null) throw badInput('minValue', 'A CODED measure has no range');
    } else {
      if (options.length) throw badInput('options', 'Only a CODED measure has options');
      if (input.minValue == null || input.maxValue == null) throw badInput('minValue', 'A QUANTITY measure needs minValue and maxValue');
      if (!(input.minValue < input.maxValue)) throw badInput('maxValue', 'maxValue must be above minValue');
    }
    const measure = ctx.em.create(Measure, {
      code: input.code,
      system: LOCAL_SYSTEM,
      name: input.name.trim(),
      unit: input.valueType === MeasureValueType.CODED ? '1' : input.unit.trim(),
      valueType: input.valueType,
      integer: input.integer ?? false,
      minValue: input.minValue ?? null,
      maxValue: input.maxValue ?? null,
      options: options.map((o) => ({ code: o.code, display: o.display.trim() })),
    });
    try {
      await ctx.em.persistAndFlush(measure);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw badInput('code', `A measure "${input.code}" exists already`);
      throw err;
    }
    return measure;
  },

  /**
   * Checks one value of a check-in against its measure: the right kind of
   * value, in range, in the measure's unit; a questionnaire answered item by
   * item is scored here. `field` names the value in errors ("values.0").
   */
  async measure(ctx: Context, input: MeasureValueInput, field: string): Promise<MeasuredValue> {
    const measure = await measures.get(ctx, input.measure, `${field}.measure`);
    const given = [input.value != null && 'value', input.code != null && 'code', input.answers != null && 'answers'].filter(Boolean);
    const expected = { QUANTITY: 'value', CODED: 'code', QUESTIONNAIRE: 'answers' }[measure.valueType];
    if (given.length !== 1 || given[0] !== expected) {
      throw badInput(`${field}.${expected}`, `${measure.name} is given as \`${expected}\` (and nothing else)`);
    }
    if (input.unit != null && input.unit !== measure.unit) {
      throw badInput(`${field}.unit`, `${measure.name} is recorded in "${measure.unit}", not "${input.unit.slice(0, 32)}"`);
    }
    const none = { measure, value: null, code: null, answers: null, band: null, flags: [] };
    switch (measure.valueType) {
      case MeasureValueType.QUANTITY: {
        const value = input.value!;
        if (!Number.isFinite(value) || value < measure.minValue! || value > measure.maxValue!) {
          throw badInput(`${field}.value`, `${measure.name} must be between ${measure.minValue} and ${measure.maxValue} ${measure.unit}`);
        }
        if (measure.integer && !Number.isInteger(value)) throw badInput(`${field}.value`, `${measure.name} is a whole number`);
        return { ...none, value };
      }
      case MeasureValueType.CODED: {
        if (!measure.options.some((o) => o.code === input.code)) {
          throw badInput(`${field}.code`, `${measure.name} is one of ${measure.options.map((o) => o.code).join(', ')}`);
        }
        return { ...none, code: input.code! };
      }
      case MeasureValueType.QUESTIONNAIRE: {
        const questionnaire = QUESTIONNAIRES.get(measure.code);
        if (!questionnaire) throw new Error(`Measure ${measure.code} is a questionnaire the server cannot score`);
        const answers = input.answers!;
        if (answers.length !== questionnaire.items.length) {
          throw badInput(`${field}.answers`, `${questionnaire.title} has ${questionnaire.items.length} items: answer each one`);
        }
        if (answers.some((a) => !Number.isInteger(a) || a < 0 || a >= questionnaire.answerScale.length)) {
          throw badInput(`${field}.answers`, `Each ${questionnaire.title} answer is 0 to ${questionnaire.answerScale.length - 1}`);
        }
        const { total, band, flags } = score(questionnaire, answers);
        return { ...none, value: total, answers: [...answers], band, flags };
      }
    }
  },

  /** The questionnaire a measure is the total of, or null. */
  questionnaireOf(measure: Measure) {
    return QUESTIONNAIRES.get(measure.code) ?? null;
  },

  /** How a value reads in a summary: "82.4 kg", "HEALING", "PHQ-9 12 (moderate)". */
  describe(measured: Pick<MeasuredValue, 'measure' | 'value' | 'code' | 'band'>): string {
    const { measure } = measured;
    if (measured.code != null) return `${measure.name} ${measure.options.find((o) => o.code === measured.code)?.display ?? measured.code}`;
    if (measured.band != null) return `${measure.name} ${measured.value} (${measured.band})`;
    return `${measure.name} ${measured.value}${measures.unitAfterNumber(measure)}`;
  },

  /** A measure's unit as it follows a number in a summary: " kg", "%"; nothing for scores and counts ("{score}") or coded answers ("1"). */
  unitAfterNumber(measure: Pick<Measure, 'unit'>): string {
    if (measure.unit.startsWith('{') || measure.unit === '1') return '';
    return measure.unit === '%' ? '%' : ` ${measure.unit}`;
  },

  /** A difference of decimals without binary noise (82.4 - 80.1 = 2.3, not 2.3000000000000114). */
  round(value: number): number {
    return Math.round(value * 1e6) / 1e6;
  },
};
