import {
  ExpectCheckInDocument,
  CheckInEventsDocument,
  MissedCheckInAlertsDocument,
  PlanExpectationsDocument,
  RecordCheckInDocument,
  StopExpectingCheckInDocument,
  type ExpectCheckInInput,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';

/**
 * Expected check-ins. Two hub instances run job workers against the one
 * database (as two instances behind a load balancer would); the rest of the
 * suite runs none.
 */
let hub: TestHub;
let second: TestHub;
let w: World;
type Team = Awaited<ReturnType<World['team']>>;
const WORKER = { JOBS_CONCURRENCY: '2', JOBS_POLL_INTERVAL_MS: '100' };

beforeAll(async () => {
  [hub, second] = await Promise.all([startTestHub(WORKER), startTestHub(WORKER)]);
  w = await world(hub);
});
afterAll(async () => {
  await Promise.all([hub.close(), second.close()]);
});

const WEIGHT = '29463-7';
const PHQ9 = '44261-6';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const sql = <T>(query: string, params: unknown[] = []) => hub.orm.em.getConnection().execute<T[]>(query, params);

async function weighIn(team: Team, takenAt: string, value = 80) {
  ok(
    await hub.gql(
      RecordCheckInDocument,
      { input: { patientId: team.patient.id, takenAt, source: 'PATIENT', values: [{ measure: WEIGHT, value }] } },
      await w.token(team.nurse),
    ),
  );
}

async function expect_(team: Team, fields: Partial<ExpectCheckInInput> = {}) {
  const input = { carePlanId: team.plan.id, measure: WEIGHT, everyDays: 1, graceHours: 0, ...fields };
  return ok(await hub.gql(ExpectCheckInDocument, { input }, await w.token(team.owner))).expectCheckIn;
}

async function missedAlerts(team: Team) {
  const data = ok(await hub.gql(MissedCheckInAlertsDocument, { id: team.patient.id }, await w.token(team.owner)));
  return data.patient!.alerts.edges.map((e) => e.node).filter((a) => a.reason === 'MISSED_CHECK_IN');
}

/** The queued job of an expectation: when it runs next (null when none is queued). */
async function jobRunAt(expectationId: string): Promise<Date | null> {
  const [row] = await sql<{ run_at: Date }>('select run_at from graphile_worker.jobs where key = ?', [`missed-check-in:${expectationId}`]);
  return row ? new Date(row.run_at) : null;
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('an expected check-in', () => {
  it('is stated by the plan owner only, once per measure, and records CHECK_IN_EXPECTED', async () => {
    const team = await w.team();
    const input = { carePlanId: team.plan.id, measure: PHQ9, everyDays: 14 };
    expect(refusal(await hub.gql(ExpectCheckInDocument, { input }, await w.token(team.nurse))).code).toBe('FORBIDDEN');
    const expectation = ok(await hub.gql(ExpectCheckInDocument, { input }, await w.token(team.owner))).expectCheckIn;
    expect(expectation).toMatchObject({
      everyDays: 14,
      graceHours: 6,
      severity: 'MODERATE',
      active: true,
      measure: { name: 'PHQ-9 total score' },
    });
    expect(refusal(await hub.gql(ExpectCheckInDocument, { input }, await w.token(team.owner)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'measure' },
    });
    const plan = ok(await hub.gql(PlanExpectationsDocument, { id: team.plan.id }, await w.token(team.nurse))).carePlan!;
    expect(plan.expectedCheckIns.map((e) => e.id)).toEqual([expectation.id]);
    const types = ok(
      await hub.gql(CheckInEventsDocument, { patientId: team.patient.id }, await w.token(team.owner)),
    ).patientEvents.edges.map((e) => e.node.type);
    expect(types.at(-1)).toBe('CHECK_IN_EXPECTED');
  });

  it('is due one interval after the last check-in, and each check-in moves its job', async () => {
    const team = await w.team();
    await weighIn(team, ago(12 * HOUR));
    const expectation = await expect_(team, { graceHours: 2 });
    const lastDue = Date.now() - 12 * HOUR + DAY;
    expect(Math.abs(new Date(expectation.nextDueAt).getTime() - lastDue)).toBeLessThan(60_000);
    expect(Math.abs(((await jobRunAt(expectation.id))?.getTime() ?? 0) - (lastDue + 2 * HOUR))).toBeLessThan(60_000);
    await weighIn(team, ago(0));
    expect(Math.abs(((await jobRunAt(expectation.id))?.getTime() ?? 0) - (Date.now() + DAY + 2 * HOUR))).toBeLessThan(60_000);
    expect(await missedAlerts(team)).toEqual([]);
  });

  it('raises one MISSED_CHECK_IN alert with a task for the plan owner when the check-in is overdue, though two instances run jobs', async () => {
    const team = await w.team();
    await weighIn(team, ago(3 * DAY));
    const expectation = await expect_(team, { severity: 'HIGH', instruction: 'Phone the patient; check the scale' });
    const [alert] = await eventually(
      () => missedAlerts(team),
      (alerts) => alerts.length > 0,
    );
    expect(alert).toMatchObject({
      severity: 'HIGH',
      instruction: 'Phone the patient; check the scale',
      expectation: { id: expectation.id },
      task: { priority: 'ASAP', assignee: { id: team.owner.id } },
    });
    expect(alert.summary).toMatch(/^No Body weight since \d{4}-\d{2}-\d{2}; expected every day$/);
    // Both workers polled meanwhile: still one alert, one ALERT_RAISED, and the next look a day later.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await missedAlerts(team)).toHaveLength(1);
    const types = ok(
      await hub.gql(CheckInEventsDocument, { patientId: team.patient.id }, await w.token(team.owner)),
    ).patientEvents.edges.map((e) => e.node.type);
    expect(types.filter((t) => t === 'ALERT_RAISED')).toHaveLength(1);
    const next = await jobRunAt(expectation.id);
    expect(next!.getTime()).toBeGreaterThan(Date.now() + DAY - HOUR);
  });

  it('still runs when the instance that scheduled it stopped before it came due', async () => {
    const team = await w.team();
    await weighIn(team, ago(DAY - 2_000)); // due in two seconds
    const input = { carePlanId: team.plan.id, measure: WEIGHT, everyDays: 1, graceHours: 0 };
    const expectation = ok(await second.gql(ExpectCheckInDocument, { input }, await w.token(team.owner))).expectCheckIn;
    expect(await jobRunAt(expectation.id)).not.toBeNull();
    await second.close(); // the instance that scheduled it goes before the job is due; the other notices the miss
    second = await startTestHub(WORKER);
    const alerts = await eventually(
      () => missedAlerts(team),
      (found) => found.length > 0,
    );
    expect(alerts).toHaveLength(1);
  });

  it('raises nothing once stopped, and its job is gone', async () => {
    const team = await w.team();
    await weighIn(team, ago(DAY - 1_000));
    const expectation = await expect_(team);
    const stopped = ok(
      await hub.gql(StopExpectingCheckInDocument, { input: { id: expectation.id, expectedVersion: 1 } }, await w.token(team.owner)),
    ).stopExpectingCheckIn;
    expect(stopped).toMatchObject({ active: false, version: 2 });
    expect(await jobRunAt(expectation.id)).toBeNull();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await missedAlerts(team)).toEqual([]);
  });
});
