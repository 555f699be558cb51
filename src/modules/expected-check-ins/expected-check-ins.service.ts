import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { byIdLoader, groupInKeyOrder, readOnlyRows } from '../../core/batch';
import { applyChanges, createdValues } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { writePatient, type PatientWrite } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { AlertReason, alerts } from '../alerts';
import { CarePlan, carePlans, CarePlanStatus } from '../care-plans';
import type { CheckIn, Observation } from '../check-ins';
import { measures, type Measure } from '../measures';
import { AlertSeverity } from '../warning-signs';
import { CheckInExpectation } from './check-in-expectation.entity';
import type { ExpectCheckInInput, ExpectedCheckInFields, StopExpectingCheckInInput } from './expected-check-ins.types';

export const ExpectedCheckInEvent = defineEventTypes({
  CHECK_IN_EXPECTED: 'A care plan started expecting a check-in at a regular interval.',
  CHECK_IN_EXPECTATION_STOPPED: 'A care plan stopped expecting a check-in.',
});

/** The job that looks for a missed check-in when one comes due (src/app/jobs.ts). */
export const MISSED_CHECK_IN_JOB = 'missed_check_in';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function expectedCheckInLoaders(em: EntityManager) {
  return {
    checkInExpectationById: byIdLoader(em, CheckInExpectation),
    checkInExpectationsByPlan: new DataLoader<string, CheckInExpectation[]>(async (planIds) => {
      const query = em
        .getKnex()('check_in_expectation')
        .select('*')
        .whereIn('care_plan_id', [...planIds])
        .andWhere('active', true)
        .orderBy('id');
      return groupInKeyOrder(planIds, await readOnlyRows(em, CheckInExpectation, query), (e) => e.carePlan.id);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof expectedCheckInLoaders> {}
}

/** When the patient last had a value of the measure taken; null when never. */
async function lastTakenAt(em: EntityManager, patientId: string, measureCode: string): Promise<Date | null> {
  const [row] = await em.execute<{ last: Date | null }[]>(
    'select max(taken_at) as last from observation where patient_id = ? and measure_code = ?',
    [patientId, measureCode],
  );
  return row?.last ? new Date(row.last) : null;
}

/** When a missing check-in is noticed: the last one (or the start of the expectation) + the interval + the slack. */
function missedAt(expectation: CheckInExpectation, last: Date | null): Date {
  return new Date((last ?? expectation.createdAt).getTime() + expectation.everyDays * DAY + expectation.graceHours * HOUR);
}

const jobKey = (expectation: CheckInExpectation) => `missed-check-in:${expectation.id}`;

/**
 * (Re)schedules the expectation's one job for `at`, in `em`'s transaction: it
 * commits with the change that moved the due time or not at all.
 */
async function schedule(em: EntityManager, expectation: CheckInExpectation, at: Date): Promise<void> {
  await em.execute(
    `select graphile_worker.add_job(?, json_build_object('expectationId', ?::text), run_at := ?::timestamptz, job_key := ?, job_key_mode := 'replace', max_attempts := 10)`,
    [MISSED_CHECK_IN_JOB, expectation.id, at.toISOString(), jobKey(expectation)],
  );
}

const date = (d: Date) => d.toISOString().slice(0, 10);

/** An expected check-in checked against its measure, defaults filled in (`expectedCheckIns.check`), ready for `insert`. */
export interface CheckedExpectation {
  measure: Measure;
  everyDays: number;
  graceHours: number;
  severity: AlertSeverity;
  instruction: string;
}

export const expectedCheckIns = {
  async get(ctx: Context, id: string): Promise<CheckInExpectation> {
    const found = await ctx.loaders.checkInExpectationById.load(expectId('CheckInExpectation', id, 'id'));
    if (!found || !(await access.isMember(ctx, found.patient.id))) {
      throw access.refuse(ctx, found?.patient.id ?? null, notFound('CheckInExpectation', id));
    }
    ctx.audit.read(found.patient.id);
    return found;
  },

  async ofPlan(ctx: Context, planId: string, patientId: string): Promise<CheckInExpectation[]> {
    await access.assertCanSeePatient(ctx, patientId);
    return ctx.loaders.checkInExpectationsByPlan.load(planId);
  },

  /** When the next check-in is due (without the slack): the last one's time plus the interval. */
  async nextDueAt(ctx: Context, expectation: CheckInExpectation): Promise<Date> {
    const last = await lastTakenAt(ctx.em, expectation.patient.id, expectation.measureCode);
    return new Date((last ?? expectation.createdAt).getTime() + expectation.everyDays * DAY);
  },

  /**
   * Checks an expected check-in (its measure must exist: BAD_USER_INPUT on `measure`) and fills in the
   * defaults: ready for `insert`. A plan template checks its expected check-ins here too.
   */
  async check(ctx: Context, input: ExpectedCheckInFields): Promise<CheckedExpectation> {
    const measure = await measures.get(ctx, input.measure, 'measure');
    return {
      measure,
      everyDays: input.everyDays,
      graceHours: input.graceHours ?? 6,
      severity: input.severity ?? AlertSeverity.MODERATE,
      instruction: input.instruction?.trim() || `Contact the patient: no ${measure.name} check-in arrived when expected`,
    };
  },

  /** The plan owner states a check-in the plan expects; its job is scheduled in the same change. */
  async expect(ctx: Context, input: ExpectCheckInInput): Promise<CheckInExpectation> {
    const plan = await carePlans.get(ctx, expectId('CarePlan', input.carePlanId, 'carePlanId'));
    const checked = await expectedCheckIns.check(ctx, input);
    ctx.loaders.carePlanById.clear(plan.id);
    return writePatient(ctx, plan.patient.id, async (write) => {
      const current = await carePlans.forChange(write, plan.id);
      access.assertPlanOwner(ctx, current.owner.id);
      return expectedCheckIns.insert(write, current, checked);
    });
  },

  /**
   * Inside a write that has already decided who may change the plan (`expect`: its owner; a plan made from
   * a template: its creator): the expectation on the open plan `plan`, read in the write (one per measure:
   * BAD_USER_INPUT on `measure` otherwise), with CHECK_IN_EXPECTED and its job, in the write's transaction.
   */
  async insert(write: PatientWrite, plan: CarePlan, checked: CheckedExpectation): Promise<CheckInExpectation> {
    const { measure } = checked;
    if (await write.em.count(CheckInExpectation, { carePlan: plan.id, measureCode: measure.code, active: true })) {
      throw badInput('measure', `The plan already expects ${measure.name}: stop that expectation first`);
    }
    const expectation = write.em.create(CheckInExpectation, {
      carePlan: plan,
      patient: plan.patient.id,
      measureCode: measure.code,
      everyDays: checked.everyDays,
      graceHours: checked.graceHours,
      severity: checked.severity,
      instruction: checked.instruction,
    });
    plan.updatedAt = new Date(); // part of the plan: its version moves too
    write.event({
      type: ExpectedCheckInEvent.CHECK_IN_EXPECTED,
      summary: `Care plan "${plan.title}" expects ${measure.name} every ${plural(expectation.everyDays, 'day')}`,
      subjects: [plan.id, expectation.id],
      changes: createdValues({
        measureCode: expectation.measureCode,
        everyDays: expectation.everyDays,
        graceHours: expectation.graceHours,
        severity: expectation.severity,
        instruction: expectation.instruction,
        active: true,
      }),
    });
    await write.em.flush();
    await schedule(write.em, expectation, missedAt(expectation, await lastTakenAt(write.em, write.patientId, measure.code)));
    return expectation;
  },

  /** The plan owner stops an expectation; its job goes with it. */
  async stop(ctx: Context, input: StopExpectingCheckInInput): Promise<CheckInExpectation> {
    const found = await expectedCheckIns.get(ctx, input.id);
    ctx.loaders.carePlanById.clear(found.carePlan.id);
    return writePatient(ctx, found.patient.id, async (write) => {
      const plan = await carePlans.forChange(write, found.carePlan.id);
      access.assertPlanOwner(ctx, plan.owner.id);
      const expectation = await write.em.findOneOrFail(CheckInExpectation, found.id, { refresh: true });
      assertVersion(expectation, input.expectedVersion, 'CheckInExpectation');
      if (!expectation.active) return expectation;
      const changes = applyChanges(expectation, { active: false });
      plan.updatedAt = new Date();
      const measure = await measures.get(ctx, expectation.measureCode, 'measure');
      write.event({
        type: ExpectedCheckInEvent.CHECK_IN_EXPECTATION_STOPPED,
        summary: `Care plan "${plan.title}" no longer expects ${measure.name}`,
        subjects: [plan.id, expectation.id],
        changes,
      });
      await write.em.execute('select graphile_worker.remove_job(?)', [jobKey(expectation)]);
      return expectation;
    });
  },

  /** The check-ins hook: a value of an expected measure moves that expectation's due time, in the check-in's write. */
  async onCheckIn(_ctx: Context, write: PatientWrite, _checkIn: CheckIn, observations: readonly Observation[]): Promise<void> {
    const codes = [...new Set(observations.map((o) => o.measureCode))];
    const expected = await write.em.find(CheckInExpectation, { patient: write.patientId, measureCode: { $in: codes }, active: true });
    if (!expected.length) return;
    await write.em.flush();
    for (const expectation of expected) {
      await schedule(write.em, expectation, missedAt(expectation, await lastTakenAt(write.em, write.patientId, expectation.measureCode)));
    }
  },

  /**
   * The missed-check-in job, run once across the hub's instances when an
   * expectation's check-in came due: if none arrived, a MISSED_CHECK_IN alert
   * and its task (one open at a time) and the next look one interval later;
   * if one arrived meanwhile, only the next look.
   */
  async missed(ctx: Context, payload: unknown): Promise<void> {
    const id = (payload as { expectationId?: unknown } | null)?.expectationId;
    if (typeof id !== 'string') return;
    const found = await ctx.em.findOne(CheckInExpectation, id);
    if (!found?.active) return;
    const due = missedAt(found, await lastTakenAt(ctx.em, found.patient.id, found.measureCode));
    if (due.getTime() > Date.now()) {
      await schedule(ctx.em, found, due); // a check-in came (and normally moved the job already)
      return;
    }
    await writePatient(ctx, found.patient.id, async (write) => {
      const expectation = await write.em.findOneOrFail(CheckInExpectation, id, { refresh: true });
      if (!expectation.active) return;
      const plan = await write.em.findOneOrFail(CarePlan, expectation.carePlan.id, { refresh: true });
      const last = await lastTakenAt(write.em, write.patientId, expectation.measureCode);
      const now = Date.now();
      if (missedAt(expectation, last).getTime() > now) return schedule(write.em, expectation, missedAt(expectation, last));
      if (plan.status === CarePlanStatus.COMPLETED || plan.status === CarePlanStatus.REVOKED) return; // nothing more to watch
      if (plan.status === CarePlanStatus.ACTIVE && !(await alerts.isOpen(write, { expectationId: expectation.id }))) {
        const measure = await measures.get(ctx, expectation.measureCode, 'measure');
        await alerts.raise(write, {
          carePlanId: plan.id,
          reason: AlertReason.MISSED_CHECK_IN,
          severity: expectation.severity,
          summary: `No ${measure.name} since ${last ? date(last) : `${date(expectation.createdAt)} (expected from then)`}; expected every ${plural(expectation.everyDays, 'day')}`,
          instruction: expectation.instruction,
          assignRole: null,
          requesterId: null,
          expectationId: expectation.id,
        });
      }
      await schedule(write.em, expectation, new Date(now + expectation.everyDays * DAY));
    });
  },
};

function plural(n: number, word: string): string {
  return n === 1 ? word : `${n} ${word}s`;
}
