import type { Client } from 'graphql-ws';
import {
  AcknowledgeAlertDocument,
  AddRuleDocument,
  AlertFeedDocument,
  CheckInEventsDocument,
  MyAlertsDocument,
  PatientAlertsDocument,
  PlanRulesDocument,
  RecordCheckInDocument,
  RemoveRuleDocument,
  ResolveAlertDocument,
  UpdateRuleDocument,
  type AddWarningSignRuleInput,
  type AlertStatus,
  type MeasureValueInput,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { subscribe, wsClient } from './support/ws';
import { CarePlanStatus } from '../src/modules/care-plans';

let hub: TestHub;
let w: World;
type Team = Awaited<ReturnType<World['team']>>;
const clients: Client[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => hub.close());

const WEIGHT = '29463-7';
const PAIN = '72514-3';
const SPO2 = '59408-5';
const TEMPERATURE = '8310-5';
const PHQ9 = '44261-6';
const WOUND = 'wound-status';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function addRule(
  team: Team,
  rule: Omit<AddWarningSignRuleInput, 'carePlanId' | 'severity' | 'instruction'> & Partial<AddWarningSignRuleInput>,
) {
  const input = { carePlanId: team.plan.id, severity: 'HIGH' as const, instruction: 'Call the patient today', ...rule };
  return ok(await hub.gql(AddRuleDocument, { input }, await w.token(team.owner))).addWarningSignRule;
}

async function checkIn(team: Team, values: MeasureValueInput[], takenAt = ago(0)) {
  return ok(
    await hub.gql(
      RecordCheckInDocument,
      { input: { patientId: team.patient.id, takenAt, source: 'PATIENT', values } },
      await w.token(team.nurse),
    ),
  ).recordCheckIn;
}

async function alertsOf(team: Team, status?: AlertStatus[]) {
  const data = ok(await hub.gql(PatientAlertsDocument, { id: team.patient.id, status }, await w.token(team.owner)));
  return data.patient!.alerts.edges.map((e) => e.node);
}

/** Records each value in turn (oldest first) and says after which ones an alert was open. */
async function alertsAfterEach(team: Team, measure: string, values: [number, number][]) {
  const fired: boolean[] = [];
  for (const [daysAgo, value] of values) {
    await checkIn(team, [{ measure, value }], ago(daysAgo));
    fired.push((await alertsOf(team)).length > 0);
  }
  return fired;
}

describe('warning-sign rules raise an alert exactly when a check-in meets them', () => {
  it('ABOVE: a temperature of 38.0 does not cross "above 38", 38.4 does', async () => {
    const team = await w.team();
    await addRule(team, { measure: TEMPERATURE, comparison: 'ABOVE', threshold: 38 });
    expect(
      await alertsAfterEach(team, TEMPERATURE, [
        [0.3, 37.2],
        [0.2, 38.0],
        [0.1, 38.4],
      ]),
    ).toEqual([false, false, true]);
  });

  it('BELOW: an oxygen saturation of 92 does not cross "below 92", 91 does', async () => {
    const team = await w.team();
    await addRule(team, { measure: SPO2, comparison: 'BELOW', threshold: 92, severity: 'CRITICAL' });
    expect(
      await alertsAfterEach(team, SPO2, [
        [0.2, 92],
        [0.1, 91],
      ]),
    ).toEqual([false, true]);
  });

  it('AT_LEAST on two check-ins in a row: pain 7, then 5, then 7 does not fire; a further 8 does', async () => {
    const team = await w.team();
    await addRule(team, { measure: PAIN, comparison: 'AT_LEAST', threshold: 7, consecutive: 2 });
    expect(
      await alertsAfterEach(team, PAIN, [
        [0.4, 7],
        [0.3, 5],
        [0.2, 7],
        [0.1, 8],
      ]),
    ).toEqual([false, false, false, true]);
    const [alert] = await alertsOf(team);
    expect(alert.summary).toBe('Pain severity (0-10) at least 7 on 2 check-ins in a row: 7, 8');
    expect(alert.triggeringValues.map((v) => v.value)).toEqual([7, 8]);
  });

  it('AT_MOST: a mood of 3 does not cross "at most 2", 2 does', async () => {
    const team = await w.team();
    await addRule(team, { measure: 'mood', comparison: 'AT_MOST', threshold: 2 });
    expect(
      await alertsAfterEach(team, 'mood', [
        [0.2, 3],
        [0.1, 2],
      ]),
    ).toEqual([false, true]);
  });

  describe('RISES_BY_MORE_THAN 2 kg within 3 days', () => {
    it('fires on a gain of 2.1 kg over values inside the window', async () => {
      const team = await w.team();
      await addRule(team, { measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2, withinDays: 3 });
      expect(
        await alertsAfterEach(team, WEIGHT, [
          [2.9, 80.2],
          [1, 81.0],
          [0, 82.3],
        ]),
      ).toEqual([false, false, true]);
      const [alert] = await alertsOf(team);
      expect(alert.summary).toBe('Body weight rose by more than 2 kg within 3 days: 80.2 → 82.3');
      expect(alert.triggeringValues.map((v) => v.value)).toEqual([80.2, 82.3]);
    });

    it('does not fire on a gain of exactly 2 kg', async () => {
      const team = await w.team();
      await addRule(team, { measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2, withinDays: 3 });
      expect(
        await alertsAfterEach(team, WEIGHT, [
          [1, 80.3],
          [0, 82.3],
        ]),
      ).toEqual([false, false]);
    });

    it('does not count a value taken just outside the window, and counts one just inside it', async () => {
      const team = await w.team();
      await addRule(team, { measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2, withinDays: 3 });
      // 80.0 was 3 days and an hour before the new value: outside; the gain over what is inside (81.5) is 1.5 kg.
      expect(
        await alertsAfterEach(team, WEIGHT, [
          [3.05, 80.0],
          [2, 81.5],
          [0.01, 83.0],
        ]),
      ).toEqual([false, false, false]);
      // 80.4, 2 days 23 hours before the next value: inside; 82.6 − 80.4 = 2.2 kg.
      const other = await w.team();
      await addRule(other, { measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2, withinDays: 3 });
      expect(
        await alertsAfterEach(other, WEIGHT, [
          [2.96, 80.4],
          [0, 82.6],
        ]),
      ).toEqual([false, true]);
    });
  });

  it('FALLS_BY_MORE_THAN: a fall of 3 kg within 7 days fires, 2.5 kg does not', async () => {
    const team = await w.team();
    await addRule(team, { measure: WEIGHT, comparison: 'FALLS_BY_MORE_THAN', threshold: 2.5, withinDays: 7 });
    expect(
      await alertsAfterEach(team, WEIGHT, [
        [6, 70.0],
        [3, 67.5],
        [0, 67.0],
      ]),
    ).toEqual([false, false, true]);
  });

  it('an item rule: PHQ-9 item 9 above 0 fires on a minimal total, and not when item 9 is 0', async () => {
    const team = await w.team();
    await addRule(team, {
      measure: PHQ9,
      comparison: 'ABOVE',
      threshold: 0,
      item: 9,
      severity: 'CRITICAL',
      instruction: 'Assess suicide risk today',
    });
    await checkIn(team, [{ measure: PHQ9, answers: [3, 3, 3, 3, 2, 2, 2, 2, 0] }], ago(1));
    expect(await alertsOf(team)).toEqual([]);
    await checkIn(team, [{ measure: PHQ9, answers: [0, 0, 0, 0, 0, 0, 0, 0, 1] }]);
    const [alert] = await alertsOf(team);
    expect(alert).toMatchObject({ severity: 'CRITICAL', summary: 'PHQ-9 item 9 above 0: 1', task: { priority: 'STAT' } });
  });

  it('IS_ONE_OF: a wound that is healing does not fire, signs of infection do', async () => {
    const team = await w.team();
    await addRule(team, { measure: WOUND, comparison: 'IS_ONE_OF', codes: ['WORSE', 'INFECTION_SIGNS'], severity: 'MODERATE' });
    await checkIn(team, [{ measure: WOUND, code: 'HEALING' }], ago(1));
    expect(await alertsOf(team)).toEqual([]);
    await checkIn(team, [{ measure: WOUND, code: 'INFECTION_SIGNS' }]);
    const [alert] = await alertsOf(team);
    expect(alert).toMatchObject({
      summary: 'Wound status is one of WORSE, INFECTION_SIGNS: INFECTION_SIGNS',
      task: { priority: 'URGENT' },
    });
    expect(alert.triggeringValues).toMatchObject([{ code: 'INFECTION_SIGNS', value: null }]);
  });

  it('a rule of a plan that is not ACTIVE (on hold) raises nothing', async () => {
    const team = await w.team({ planStatus: CarePlanStatus.ON_HOLD });
    await addRule(team, { measure: TEMPERATURE, comparison: 'ABOVE', threshold: 38 });
    await checkIn(team, [{ measure: TEMPERATURE, value: 39.5 }]);
    expect(await alertsOf(team)).toEqual([]);
  });

  it('are evaluated for check-ins on more patients at once than the hub has database connections, each raising its alert', async () => {
    // The pool holds 10 connections; a rule evaluated inside a check-in's write must not need a second one.
    const teams = await Promise.all(Array.from({ length: 12 }, () => w.team()));
    for (const team of teams) await addRule(team, { measure: SPO2, comparison: 'BELOW', threshold: 92 });
    // Each member sends five in a row (the last crossing the rule), as a ward's devices would.
    await Promise.all(
      teams.map(async (team) => {
        for (const value of [96, 95, 97, 94, 88]) await checkIn(team, [{ measure: SPO2, value }]);
      }),
    );
    for (const team of teams) expect((await alertsOf(team)).map((a) => a.status)).toEqual(['OPEN']);
  });
});

describe('an alert', () => {
  it('comes with an urgent task for the member in the rule’s role, in the same change as the check-in: CHECK_IN_RECORDED, ALERT_RAISED, TASK_CREATED', async () => {
    const team = await w.team();
    const rule = await addRule(team, {
      measure: WEIGHT,
      comparison: 'RISES_BY_MORE_THAN',
      threshold: 2,
      withinDays: 3,
      severity: 'HIGH',
      instruction: 'Call today; review diuretic dose',
      assignRole: 'Home Nurse',
    });
    await checkIn(team, [{ measure: WEIGHT, value: 80 }], ago(2));
    const recorded = await checkIn(team, [{ measure: WEIGHT, value: 82.5 }]);
    const [alert] = await alertsOf(team);
    expect(alert).toMatchObject({
      reason: 'WARNING_SIGN',
      status: 'OPEN',
      severity: 'HIGH',
      instruction: 'Call today; review diuretic dose',
      rule: { id: rule.id },
      checkIn: { id: recorded.id },
      patient: { id: team.patient.id },
      task: {
        priority: 'ASAP',
        status: 'REQUESTED',
        kind: 'FOLLOW_UP',
        description: 'Call today; review diuretic dose',
        assignee: { id: team.nurse.id },
        requester: { id: team.nurse.id },
      },
    });
    expect(alert.task!.title).toBe('Alert (HIGH): Body weight rose by more than 2 kg within 3 days: 80 → 82.5');
    const events = ok(
      await hub.gql(CheckInEventsDocument, { patientId: team.patient.id }, await w.token(team.owner)),
    ).patientEvents.edges.map((e) => e.node);
    const tail = events.slice(-3);
    expect(tail.map((e) => e.type)).toEqual(['CHECK_IN_RECORDED', 'ALERT_RAISED', 'TASK_CREATED']);
    expect(tail.map((e) => e.sequence)).toEqual([tail[0].sequence, tail[0].sequence + 1, tail[0].sequence + 2]);
    expect(tail[1].summary).toBe('HIGH alert: Body weight rose by more than 2 kg within 3 days: 80 → 82.5');
  });

  it('goes to the plan owner when the rule names no role, or a role nobody on the team holds', async () => {
    const team = await w.team();
    await addRule(team, { measure: SPO2, comparison: 'BELOW', threshold: 90, assignRole: 'cardiologist' });
    await checkIn(team, [{ measure: SPO2, value: 88 }]);
    expect((await alertsOf(team))[0].task!.assignee!.id).toBe(team.owner.id);
  });

  it('is raised once while open or acknowledged, and again after it is resolved', async () => {
    const team = await w.team();
    await addRule(team, { measure: TEMPERATURE, comparison: 'ABOVE', threshold: 38 });
    await checkIn(team, [{ measure: TEMPERATURE, value: 38.5 }], ago(0.3));
    await checkIn(team, [{ measure: TEMPERATURE, value: 39.0 }], ago(0.2));
    let [alert] = await alertsOf(team);
    expect(await alertsOf(team)).toHaveLength(1);
    alert = ok(
      await hub.gql(AcknowledgeAlertDocument, { input: { id: alert.id, note: 'Calling now' } }, await w.token(team.nurse)),
    ).acknowledgeAlert;
    await checkIn(team, [{ measure: TEMPERATURE, value: 39.2 }], ago(0.1));
    expect(await alertsOf(team)).toHaveLength(1);
    ok(
      await hub.gql(
        ResolveAlertDocument,
        { input: { id: alert.id, expectedVersion: alert.version, note: 'Antipyretic given' } },
        await w.token(team.nurse),
      ),
    );
    expect(await alertsOf(team)).toHaveLength(0);
    await checkIn(team, [{ measure: TEMPERATURE, value: 38.9 }]);
    expect(await alertsOf(team)).toHaveLength(1);
    expect(await alertsOf(team, ['RESOLVED'])).toHaveLength(1);
  });

  it('is acknowledged and resolved by team members with notes (ALERT_ACKNOWLEDGED, ALERT_RESOLVED), and not moved back', async () => {
    const team = await w.team();
    await addRule(team, { measure: SPO2, comparison: 'BELOW', threshold: 92 });
    await checkIn(team, [{ measure: SPO2, value: 90 }]);
    const [open] = await alertsOf(team);
    const acked = ok(
      await hub.gql(
        AcknowledgeAlertDocument,
        { input: { id: open.id, expectedVersion: open.version, note: 'On my way' } },
        await w.token(team.nurse),
      ),
    ).acknowledgeAlert;
    expect(acked).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgeNote: 'On my way', acknowledgedBy: { id: team.nurse.id } });
    expect(refusal(await hub.gql(ResolveAlertDocument, { input: { id: open.id, note: ' ' } }, await w.token(team.owner)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'note' },
    });
    expect(
      refusal(
        await hub.gql(
          ResolveAlertDocument,
          { input: { id: open.id, expectedVersion: open.version, note: 'x' } },
          await w.token(team.owner),
        ),
      ).code,
    ).toBe('CONFLICT');
    const resolved = ok(
      await hub.gql(ResolveAlertDocument, { input: { id: open.id, note: 'Oxygen started' } }, await w.token(team.owner)),
    ).resolveAlert;
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolutionNote: 'Oxygen started', resolvedBy: { id: team.owner.id } });
    expect(refusal(await hub.gql(AcknowledgeAlertDocument, { input: { id: open.id } }, await w.token(team.nurse)))).toMatchObject({
      code: 'INVALID_TRANSITION',
      extensions: { from: 'RESOLVED', to: 'ACKNOWLEDGED' },
    });
    expect(refusal(await hub.gql(AcknowledgeAlertDocument, { input: { id: open.id } }, await w.token(team.outsider))).code).toBe(
      'NOT_FOUND',
    );
    const types = ok(
      await hub.gql(CheckInEventsDocument, { patientId: team.patient.id }, await w.token(team.owner)),
    ).patientEvents.edges.map((e) => e.node.type);
    expect(types.slice(-2)).toEqual(['ALERT_ACKNOWLEDGED', 'ALERT_RESOLVED']);
  });

  it("shows in the worklists of the patient's team members and nobody else's", async () => {
    const team = await w.team();
    await addRule(team, { measure: SPO2, comparison: 'BELOW', threshold: 92 });
    await checkIn(team, [{ measure: SPO2, value: 89 }]);
    const [alert] = await alertsOf(team);
    const mine = async (p: Team['owner']) =>
      ok(await hub.gql(MyAlertsDocument, { first: 100 }, await w.token(p))).myAlerts.edges.map((e) => e.node.id);
    expect(await mine(team.owner)).toContain(alert.id);
    expect(await mine(team.nurse)).toContain(alert.id);
    expect(await mine(team.outsider)).not.toContain(alert.id);
    expect(refusal(await hub.gql(MyAlertsDocument, {}, await w.adminToken())).code).toBe('FORBIDDEN');
  });

  it('reaches a subscribed dashboard live as ALERT_RAISED with its task', async () => {
    const team = await w.team();
    await addRule(team, { measure: SPO2, comparison: 'BELOW', threshold: 92, severity: 'CRITICAL' });
    const client = wsClient(hub.wsUrl, await w.token(team.owner));
    clients.push(client);
    const sub = subscribe(client, AlertFeedDocument, { patientId: team.patient.id });
    await new Promise((r) => setTimeout(r, 200)); // let the subscription start before the change
    await checkIn(team, [{ measure: SPO2, value: 85 }]);
    const results = await sub.received(3);
    expect(results.map((r) => r.data!.patientEvents.type)).toEqual(['CHECK_IN_RECORDED', 'ALERT_RAISED', 'TASK_CREATED']);
    expect(results[1].data!.patientEvents.alert).toMatchObject({ severity: 'CRITICAL', task: { priority: 'STAT' } });
  });
});

describe('warning-sign rules on a plan', () => {
  it('are added, changed and removed by the plan owner only, with events, and a removed rule raises nothing', async () => {
    const team = await w.team();
    const input = {
      carePlanId: team.plan.id,
      measure: TEMPERATURE,
      comparison: 'ABOVE' as const,
      threshold: 38,
      severity: 'LOW' as const,
      instruction: 'Check',
    };
    expect(refusal(await hub.gql(AddRuleDocument, { input }, await w.token(team.nurse))).code).toBe('FORBIDDEN');
    const rule = await addRule(team, input);
    expect(rule).toMatchObject({ version: 1, active: true, description: 'Body temperature above 38 Cel' });
    const changed = ok(
      await hub.gql(
        UpdateRuleDocument,
        { input: { id: rule.id, expectedVersion: 1, threshold: 38.5, severity: 'MODERATE' } },
        await w.token(team.owner),
      ),
    ).updateWarningSignRule;
    expect(changed).toMatchObject({ version: 2, threshold: 38.5, severity: 'MODERATE' });
    expect(
      refusal(await hub.gql(UpdateRuleDocument, { input: { id: rule.id, expectedVersion: 1, threshold: 39 } }, await w.token(team.owner)))
        .code,
    ).toBe('CONFLICT');
    expect(refusal(await hub.gql(UpdateRuleDocument, { input: { id: rule.id, threshold: 39 } }, await w.token(team.nurse))).code).toBe(
      'FORBIDDEN',
    );
    await checkIn(team, [{ measure: TEMPERATURE, value: 38.4 }], ago(0.2));
    expect(await alertsOf(team)).toEqual([]);
    ok(await hub.gql(RemoveRuleDocument, { input: { id: rule.id, expectedVersion: 2 } }, await w.token(team.owner)));
    await checkIn(team, [{ measure: TEMPERATURE, value: 40 }]);
    expect(await alertsOf(team)).toEqual([]);
    const plan = ok(await hub.gql(PlanRulesDocument, { id: team.plan.id }, await w.token(team.nurse))).carePlan!;
    expect(plan.warningSignRules).toEqual([]);
    const all = ok(await hub.gql(PlanRulesDocument, { id: team.plan.id, includeRemoved: true }, await w.token(team.nurse))).carePlan!;
    expect(all.warningSignRules).toMatchObject([{ id: rule.id, active: false, version: 3 }]);
    const types = ok(
      await hub.gql(CheckInEventsDocument, { patientId: team.patient.id }, await w.token(team.owner)),
    ).patientEvents.edges.map((e) => e.node.type);
    expect(types.filter((t) => t.startsWith('WARNING_SIGN_RULE'))).toEqual([
      'WARNING_SIGN_RULE_ADDED',
      'WARNING_SIGN_RULE_UPDATED',
      'WARNING_SIGN_RULE_REMOVED',
    ]);
  });

  it.each([
    [{ measure: 'unknown', comparison: 'ABOVE', threshold: 1 }, 'measure'],
    [{ measure: WEIGHT, comparison: 'ABOVE' }, 'threshold'],
    [{ measure: WEIGHT, comparison: 'IS_ONE_OF', codes: ['HEAVY'] }, 'comparison'],
    [{ measure: WOUND, comparison: 'ABOVE', threshold: 1 }, 'comparison'],
    [{ measure: WOUND, comparison: 'IS_ONE_OF', codes: ['PURPLE'] }, 'codes'],
    [{ measure: WOUND, comparison: 'IS_ONE_OF', codes: [] }, 'codes'],
    [{ measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2 }, 'withinDays'],
    [{ measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2, withinDays: 91 }, 'withinDays'],
    [{ measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: -1, withinDays: 3 }, 'threshold'],
    [{ measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2, withinDays: 3, consecutive: 2 }, 'consecutive'],
    [{ measure: WEIGHT, comparison: 'ABOVE', threshold: 100, item: 1 }, 'item'],
    [{ measure: PHQ9, comparison: 'ABOVE', threshold: 0, item: 10 }, 'item'],
    [{ measure: PAIN, comparison: 'ABOVE', threshold: 7, consecutive: 11 }, 'consecutive'],
  ] as const)('refuses a rule that does not fit its measure: %j → BAD_USER_INPUT on %s, and changes nothing', async (rule, field) => {
    const team = await w.team();
    const before = ok(await hub.gql(PlanRulesDocument, { id: team.plan.id, includeRemoved: true }, await w.token(team.owner))).carePlan!;
    const input = { carePlanId: team.plan.id, severity: 'LOW', instruction: 'Check', ...rule } as never;
    expect(refusal(await hub.gql(AddRuleDocument, { input }, await w.token(team.owner)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field },
    });
    const after = ok(await hub.gql(PlanRulesDocument, { id: team.plan.id, includeRemoved: true }, await w.token(team.owner))).carePlan!;
    expect(after).toEqual(before);
  });
});
