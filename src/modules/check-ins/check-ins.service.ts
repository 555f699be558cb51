import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader, groupInKeyOrder, readOnlyRows } from '../../core/batch';
import type { Context } from '../../core/context';
import { badInput, notFound } from '../../core/errors';
import { defineHook } from '../../core/hooks';
import { expectId } from '../../core/ids';
import { newestFirstPage, toPage, type PageArgs } from '../../core/pagination';
import { writePatient, type PatientWrite } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { measures, type MeasuredValue, type MeasureValueInput } from '../measures';
import { CheckIn, CheckInSource, Observation } from './check-in.entity';
import type { RecordCheckInInput, ReportCheckInInput } from './check-in.types';

export const CheckInEvent = defineEventTypes({
  CHECK_IN_RECORDED: 'A check-in (weight, blood pressure, pain, PHQ-9 …) was recorded.',
});

/**
 * A check-in was recorded, inside its patient write: the modules that watch
 * values (alerts: warning-sign rules) act in the same transaction.
 */
export const checkInRecorded = defineHook<[write: PatientWrite, checkIn: CheckIn, observations: readonly Observation[]]>('checkInRecorded');

/** Check-ins more than this far in the future are refused (clocks of phones and devices drift a little). */
const CLOCK_SKEW_MS = 5 * 60_000;
const EARLIEST = new Date('2000-01-01T00:00:00Z');

export interface TrendKey {
  patientId: string;
  measure: string;
  days: number;
}

export interface TrendData {
  /** The window's observations with a value, oldest first. */
  window: Observation[];
  /** The patient's two newest observations of the measure, newest first (in or before the window). */
  newest: Observation[];
}

export function checkInLoaders(em: EntityManager) {
  return {
    checkInById: byIdLoader(em, CheckIn),
    observationsByCheckIn: new DataLoader<string, Observation[]>(async (ids) => {
      const query = em
        .getKnex()('observation')
        .select('*')
        .whereIn('check_in_id', [...ids])
        .orderBy('id');
      return groupInKeyOrder(ids, await readOnlyRows(em, Observation, query), (o) => o.checkIn.id);
    }),
    /** A dashboard's trends of one measure over one window: two statements for all its patients. */
    trends: new DataLoader<TrendKey, TrendData, string>(
      async (keys) => {
        const results = new Map<string, TrendData>();
        const groups = new Map<string, TrendKey[]>();
        for (const key of keys) groups.set(`${key.measure}|${key.days}`, [...(groups.get(`${key.measure}|${key.days}`) ?? []), key]);
        const knex = em.getKnex();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { measure, days } = group[0];
            const patientIds = group.map((k) => k.patientId);
            const since = new Date(Date.now() - days * 86_400_000);
            const windowQuery = knex('observation')
              .select('*')
              .whereIn('patient_id', patientIds)
              .andWhere('measure_code', measure)
              .andWhere('taken_at', '>=', since)
              .orderBy([{ column: 'taken_at' }, { column: 'id' }]);
            const ranked = knex('observation')
              .select('*', knex.raw('row_number() over (partition by patient_id order by taken_at desc, id desc) as "__rn"'))
              .whereIn('patient_id', patientIds)
              .andWhere('measure_code', measure);
            const newestQuery = knex
              .select('*')
              .from(ranked.as('r'))
              .where('__rn', '<=', 2)
              .orderBy([{ column: 'patient_id' }, { column: '__rn' }]);
            const [window, newest] = await Promise.all([
              readOnlyRows(em, Observation, windowQuery),
              readOnlyRows(em, Observation, newestQuery),
            ]);
            const windowBy = groupInKeyOrder(patientIds, window, (o) => o.patient.id);
            const newestBy = groupInKeyOrder(patientIds, newest, (o) => o.patient.id);
            group.forEach((key, i) => results.set(trendKey(key), { window: windowBy[i], newest: newestBy[i] }));
          }),
        );
        return keys.map((key) => results.get(trendKey(key))!);
      },
      { cacheKeyFn: trendKey },
    ),
  };
}

function trendKey(key: TrendKey): string {
  return `${key.patientId}|${key.measure}|${key.days}`;
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof checkInLoaders> {}
}

export const checkIns = {
  async get(ctx: Context, id: string): Promise<CheckIn> {
    const checkIn = await ctx.loaders.checkInById.load(expectId('CheckIn', id, 'id'));
    if (!checkIn || !(await access.isMember(ctx, checkIn.patient.id))) {
      throw access.refuse(ctx, checkIn?.patient.id ?? null, notFound('CheckIn', id));
    }
    ctx.audit.read(checkIn.patient.id);
    return checkIn;
  },

  async getObservation(ctx: Context, id: string): Promise<Observation> {
    const observation = await ctx.em.findOne(Observation, expectId('Observation', id, 'id'));
    if (!observation || !(await access.isMember(ctx, observation.patient.id))) {
      throw access.refuse(ctx, observation?.patient.id ?? null, notFound('Observation', id));
    }
    ctx.audit.read(observation.patient.id);
    return observation;
  },

  observationsOf(ctx: Context, checkIn: CheckIn): Promise<Observation[]> {
    return ctx.loaders.observationsByCheckIn.load(checkIn.id);
  },

  /**
   * A care-team member records a check-in: every value is checked against its
   * measure first (BAD_USER_INPUT naming the value), then the check-in, its
   * observations and CHECK_IN_RECORDED are written in one patient write, in
   * which the modules watching values (warning-sign rules) act too.
   */
  async record(ctx: Context, input: RecordCheckInInput): Promise<CheckIn> {
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const recordedBy = await access.assertMember(ctx, patientId);
    return writeCheckIn(ctx, patientId, recordedBy, input.source, input);
  },

  /**
   * The patient, or a caregiver with REPORT_CHECK_INS, reports values: the
   * same checks and the same write as `record` (rules, alerts, expectations
   * act alike), with the source the token says and no `recordedBy`.
   */
  async report(ctx: Context, input: ReportCheckInInput): Promise<CheckIn> {
    const patientId = access.requirePatientSide(ctx);
    await access.assertActsFor(ctx, patientId, 'REPORT_CHECK_INS');
    const source = ctx.viewer.kind === 'PATIENT' ? CheckInSource.PATIENT : CheckInSource.CAREGIVER;
    return writeCheckIn(ctx, patientId, null, source, input, async (write) => {
      await access.assertStillConsented(write.em, ctx, patientId, 'REPORT_CHECK_INS');
    });
  },

  /** A patient's check-ins, newest taken first. */
  async ofPatient(ctx: Context, patientId: string, args: PageArgs) {
    await access.assertClinical(ctx, patientId);
    return newestFirstPage(ctx.em, CheckIn, { patient: patientId }, toPage(args, ['string', 'string']), 'takenAt');
  },

  /** A patient's values of one measure, newest taken first, optionally only since a time. */
  async observations(ctx: Context, patientId: string, measureCode: string, since: Date | null | undefined, args: PageArgs) {
    await access.assertClinical(ctx, patientId);
    const measure = await measures.get(ctx, measureCode, 'measure');
    const where = { patient: patientId, measureCode: measure.code, ...(since ? { takenAt: { $gte: since } } : {}) };
    return newestFirstPage(ctx.em, Observation, where, toPage(args, ['string', 'string']), 'takenAt');
  },

  /** One measure's trend for a patient over the last `days` days. */
  async trend(ctx: Context, patientId: string, measureCode: string, days: number) {
    await access.assertClinical(ctx, patientId);
    if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('days', 'days must be between 1 and 366');
    const measure = await measures.get(ctx, measureCode, 'measure');
    const { window, newest } = await ctx.loaders.trends.load({ patientId, measure: measure.code, days });
    const values = window.filter((o) => o.value != null).map((o) => o.value!);
    return {
      measure,
      days,
      latest: newest[0] ?? null,
      previous: newest[1] ?? null,
      count: window.length,
      min: values.length ? Math.min(...values) : null,
      max: values.length ? Math.max(...values) : null,
      change: values.length ? measures.round(values[values.length - 1] - values[0]) : null,
      points: window.filter((o) => o.value != null).map((o) => ({ takenAt: o.takenAt, value: o.value! })),
    };
  },

  /**
   * Inside a write (so the values it just added count): the patient's values
   * of one measure taken from `from` up to `to`, oldest first.
   */
  async valuesBetween(write: PatientWrite, measureCode: string, from: Date, to: Date): Promise<Observation[]> {
    await write.em.flush();
    return write.em.find(
      Observation,
      { patient: write.patientId, measureCode, takenAt: { $gte: from, $lte: to } },
      { orderBy: { takenAt: 'asc', id: 'asc' } },
    );
  },

  /** Inside a write: the patient's `n` values of a measure taken last up to `observation` (itself first), newest first. */
  async valuesUpTo(write: PatientWrite, observation: Observation, n: number): Promise<Observation[]> {
    await write.em.flush();
    const { measureCode, takenAt, id } = observation;
    return write.em.find(
      Observation,
      { patient: write.patientId, measureCode, $or: [{ takenAt: { $lt: takenAt } }, { takenAt, id: { $lte: id } }] },
      { orderBy: { takenAt: 'desc', id: 'desc' }, limit: n },
    );
  },
};

/**
 * Checks every value against its measure (BAD_USER_INPUT naming the value),
 * then writes the check-in, its observations and CHECK_IN_RECORDED in one
 * patient write, in which the modules watching values (warning-sign rules,
 * expected check-ins) act too. `recheck` runs first inside the write, under
 * the patient lock (a caregiver's consent).
 */
async function writeCheckIn(
  ctx: Context,
  patientId: string,
  recordedBy: string | null,
  source: CheckInSource,
  input: { takenAt: Date; values: MeasureValueInput[]; note?: string | null },
  recheck?: (write: PatientWrite) => Promise<void>,
): Promise<CheckIn> {
  const takenAt = input.takenAt;
  if (!(takenAt.getTime() <= Date.now() + CLOCK_SKEW_MS)) throw badInput('takenAt', 'takenAt must not be in the future');
  if (takenAt < EARLIEST) throw badInput('takenAt', 'takenAt must be after 2000-01-01');
  if (!input.values.length) throw badInput('values', 'A check-in has at least one value');
  // One statement for every measure named; the checks below then read them from the request's loader.
  await ctx.loaders.measureByCode.loadMany(input.values.map((v) => v.measure));
  const seen = new Set<string>();
  const measured: MeasuredValue[] = [];
  for (const [i, value] of input.values.entries()) {
    if (seen.has(value.measure)) throw badInput(`values.${i}.measure`, 'Each measure appears once in a check-in');
    seen.add(value.measure);
    measured.push(await measures.measure(ctx, value, `values.${i}`));
  }
  return writePatient(ctx, patientId, async (write) => {
    await recheck?.(write);
    const checkIn = write.em.create(CheckIn, {
      patient: patientId,
      recordedBy,
      source,
      takenAt,
      note: input.note?.trim() || null,
    });
    const observations = measured.map((m) =>
      write.em.create(Observation, {
        checkIn,
        patient: patientId,
        measureCode: m.measure.code,
        takenAt,
        value: m.value,
        code: m.code,
        answers: m.answers,
        band: m.band,
        flags: m.flags,
      }),
    );
    write.event({
      type: CheckInEvent.CHECK_IN_RECORDED,
      summary: `Check-in (${source}): ${measured.map((m) => measures.describe(m)).join(', ')}`,
      subjects: [checkIn.id],
    });
    await checkInRecorded.run(await write.context(), write, checkIn, observations);
    return checkIn;
  });
}
