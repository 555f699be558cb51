import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Client } from 'graphql-ws';
import { signToken } from '../src/auth/tokens';
import { startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { world, type World } from './support/factories';
import { codes, post, unique } from './support/raw';
import { subscribe, wsClient } from './support/ws';

/**
 * The patient's own voice (issue 16): patient and caregiver tokens, the
 * caregiver's consent, and what the patient side sees.
 */

let hub: TestHub;
let w: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => hub.close());

const patientToken = (patientId: string) => signToken(TEST_SECRET, { sub: patientId, kind: 'patient' });
const caregiverToken = (contactId: string) => signToken(TEST_SECRET, { sub: contactId, kind: 'caregiver' });

const MY_RECORD = `query MyRecord { myRecord {
  patientId viewerKind name preferences
  careTeam { name role email }
  activePlan { title ownerName goals { description status } upcoming { id title } warningSigns { sign whatToDo } }
  checkIns { source values { measure text } }
  caregivers { contactId scopes }
} }`;

const GRANT = `mutation Grant($input: GrantCaregiverConsentInput!) { grantCaregiverConsent(input: $input) { id contactId scopes grantedByKind grantReason revokedAt } }`;
const REVOKE = `mutation Revoke($input: RevokeCaregiverConsentInput!) { revokeCaregiverConsent(input: $input) { id revokedAt } }`;

/** The standard team, with a task and a goal on the plan, a note on the task and on the plan, and a support contact. */
async function setUp() {
  const team = await w.team();
  await w.goal(team.plan, team.owner, 'Walk to the corner shop');
  const task = await w.task(team.plan, team.owner, { assignee: team.nurse, title: 'Home visit' });
  const internal = `internal-${unique()}`;
  const notes = await post(
    hub,
    `mutation { n1: addTaskNote(input: { taskId: "${task.id}", text: "${internal} task" }) { id }
                n2: addCarePlanNote(input: { carePlanId: "${team.plan.id}", body: "${internal} plan" }) { id } }`,
    {},
    team.ownerToken,
  );
  expect(notes.errors).toBeUndefined();
  const [{ version }] = await hub.orm.em
    .getConnection()
    .execute<{ version: number }[]>('select version from patient where id = ?', [team.patient.id]);
  const added = await post(
    hub,
    `mutation Add($input: AddSupportContactInput!) { addSupportContact(input: $input) { supportNetwork { id name } } }`,
    { input: { patientId: team.patient.id, expectedVersion: version, name: 'Ben Ruiz', relationship: 'son' } },
    team.ownerToken,
  );
  expect(added.errors).toBeUndefined();
  const contactId: string = added.data!.addSupportContact.supportNetwork.at(-1).id;
  return {
    ...team,
    task,
    internal,
    contactId,
    patientToken: await patientToken(team.patient.id),
    caregiverToken: await caregiverToken(contactId),
  };
}

describe('patient and caregiver tokens', () => {
  it('a patient token sees the patient’s own record, care team, plan, goals and upcoming tasks', async () => {
    const s = await setUp();
    const result = await post(hub, MY_RECORD, {}, s.patientToken);
    expect(result.errors).toBeUndefined();
    const record = result.data!.myRecord;
    expect(record).toMatchObject({
      patientId: s.patient.id,
      viewerKind: 'PATIENT',
      name: s.patient.name,
      preferences: ['Prefers mornings'],
    });
    expect(record.careTeam.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
      [s.owner.name, 'primary physician'],
      [s.nurse.name, 'home nurse'],
    ]);
    expect(record.activePlan.title).toBe(s.plan.title);
    expect(record.activePlan.ownerName).toBe(s.owner.name);
    expect(record.activePlan.goals).toEqual([{ description: 'Walk to the corner shop', status: 'PROPOSED' }]);
    expect(record.activePlan.upcoming.map((t: { id: string }) => t.id)).toEqual([s.task.id]);
  });

  it('never shows clinicians’ internal notes to the patient', async () => {
    const s = await setUp();
    const result = await post(hub, MY_RECORD, {}, s.patientToken);
    expect(result.errors).toBeUndefined();
    expect(JSON.stringify(result.data)).not.toContain(s.internal);
  });

  it('treats a patient as an outsider on clinicians’ operations: their own and another patient’s record are NOT_FOUND', async () => {
    const s = await setUp();
    const other = await w.patient([s.owner]);
    for (const id of [s.patient.id, other.id]) {
      const result = await post(hub, `query P($id: ID!) { patient(id: $id) { id name } }`, { id }, s.patientToken);
      expect(codes(result)).toEqual(['NOT_FOUND']);
      expect(result.data?.patient ?? null).toBeNull();
    }
  });

  it('refuses tokens of unknown patients and caregivers, and patient tokens that claim a role, with UNAUTHENTICATED', async () => {
    const s = await setUp();
    const tokens = [
      await patientToken('pat_0000000000000000000000000000dead'),
      await caregiverToken('sup_0000000000000000000000000000dead'),
      await signToken(TEST_SECRET, { sub: s.patient.id, kind: 'patient', roles: ['ADMIN'] }),
    ];
    for (const token of tokens) {
      const result = await post(hub, MY_RECORD, {}, token);
      expect(result.status).toBe(401);
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('tells providers and operators FORBIDDEN on myRecord', async () => {
    const s = await setUp();
    expect(codes(await post(hub, MY_RECORD, {}, s.ownerToken))).toEqual(['FORBIDDEN']);
    expect(codes(await post(hub, MY_RECORD, {}, await w.adminToken()))).toEqual(['FORBIDDEN']);
  });

  it('records the patient’s and the caregiver’s reads on the audit trail with their principal kind', async () => {
    const s = await setUp();
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] } }, s.patientToken);
    expect((await post(hub, MY_RECORD, {}, s.patientToken)).errors).toBeUndefined();
    expect((await post(hub, MY_RECORD, {}, s.caregiverToken)).errors).toBeUndefined();
    const rows = await hub.orm.em
      .getConnection()
      .execute<{ actor_sub: string; actor_kind: string; kind: string; operation: string }[]>(
        "select actor_sub, actor_kind, kind, operation from audit_record where patient_id = ? and actor_kind in ('PATIENT', 'CAREGIVER') order by id",
        [s.patient.id],
      );
    expect(rows.map((r) => [r.actor_kind, r.actor_sub, r.kind, r.operation])).toEqual([
      ['PATIENT', s.patient.id, 'WRITE', 'mutation Grant { grantCaregiverConsent }'],
      ['PATIENT', s.patient.id, 'READ', 'query MyRecord { myRecord }'],
      ['CAREGIVER', s.contactId, 'READ', 'query MyRecord { myRecord }'],
    ]);
  });
});

describe('caregiver consent', () => {
  it('a caregiver sees nothing until the patient grants VIEW_PLAN, and nothing again once it is revoked', async () => {
    const s = await setUp();
    expect(codes(await post(hub, MY_RECORD, {}, s.caregiverToken))).toEqual(['NOT_FOUND']);

    const granted = await post(
      hub,
      GRANT,
      { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] } },
      s.patientToken,
    );
    expect(granted.errors).toBeUndefined();
    expect(granted.data!.grantCaregiverConsent).toMatchObject({
      contactId: s.contactId,
      scopes: ['VIEW_PLAN'],
      grantedByKind: 'PATIENT',
      revokedAt: null,
    });

    const seen = await post(hub, MY_RECORD, {}, s.caregiverToken);
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.myRecord).toMatchObject({ patientId: s.patient.id, viewerKind: 'CAREGIVER', caregivers: [] });
    expect(JSON.stringify(seen.data)).not.toContain(s.internal);

    const patientView = await post(hub, MY_RECORD, {}, s.patientToken);
    expect(patientView.data!.myRecord.caregivers).toEqual([{ contactId: s.contactId, scopes: ['VIEW_PLAN'] }]);

    const revoked = await post(hub, REVOKE, { input: { patientId: s.patient.id, contactId: s.contactId } }, s.patientToken);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeCaregiverConsent.revokedAt).not.toBeNull();
    expect(codes(await post(hub, MY_RECORD, {}, s.caregiverToken))).toEqual(['NOT_FOUND']);

    const log = await w.eventLog(s.patient.id);
    expect(log.types.slice(-2)).toEqual(['CAREGIVER_CONSENT_GRANTED', 'CAREGIVER_CONSENT_REVOKED']);
  });

  it('a caregiver whose consent lacks VIEW_PLAN does not see the record', async () => {
    const s = await setUp();
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['REPORT_CHECK_INS'] } }, s.patientToken);
    expect(codes(await post(hub, MY_RECORD, {}, s.caregiverToken))).toEqual(['NOT_FOUND']);
  });

  it('ADMIN grants on the patient’s behalf only with a reason, which the event keeps', async () => {
    const s = await setUp();
    const input = { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN', 'MESSAGE_TEAM'] };
    const admin = await w.adminToken();
    const without = await post(hub, GRANT, { input }, admin);
    expect(codes(without)).toEqual(['BAD_USER_INPUT']);
    const withReason = await post(hub, GRANT, { input: { ...input, reason: 'Patient asked by phone; cannot use the app' } }, admin);
    expect(withReason.errors).toBeUndefined();
    expect(withReason.data!.grantCaregiverConsent).toMatchObject({
      grantedByKind: 'OPERATOR',
      grantReason: 'Patient asked by phone; cannot use the app',
    });
    const [event] = await hub.orm.em
      .getConnection()
      .execute<{ note: string }[]>("select note from event where patient_id = ? and type = 'CAREGIVER_CONSENT_GRANTED'", [s.patient.id]);
    expect(event.note).toBe('Patient asked by phone; cannot use the app');
  });

  it('no one else grants or revokes: a provider of the team, the caregiver, another patient get NOT_FOUND and nothing changes', async () => {
    const s = await setUp();
    const other = await w.patient();
    const input = { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] };
    for (const token of [s.ownerToken, s.caregiverToken, await patientToken(other.id)]) {
      expect(codes(await post(hub, GRANT, { input }, token))).toEqual(['NOT_FOUND']);
    }
    expect((await w.eventLog(s.patient.id)).types).not.toContain('CAREGIVER_CONSENT_GRANTED');
  });

  it('only a contact of the patient’s support network can be given consent', async () => {
    const s = await setUp();
    const result = await post(
      hub,
      GRANT,
      { input: { patientId: s.patient.id, contactId: 'sup_0000000000000000000000000000beef', scopes: ['VIEW_PLAN'] } },
      s.patientToken,
    );
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('the care team sees who acts for the patient', async () => {
    const s = await setUp();
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] } }, s.patientToken);
    const result = await post(
      hub,
      `query C($id: ID!) { patient(id: $id) { caregiverConsents { contactId scopes } } }`,
      { id: s.patient.id },
      s.nurseToken,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.patient.caregiverConsents).toEqual([{ contactId: s.contactId, scopes: ['VIEW_PLAN'] }]);
  });
});

type MyEventsResult = { myEvents: { sequence: number; type: string; summary: string | null } };
const MY_EVENTS = parse(
  'subscription MyEvents($after: Int) { myEvents(afterSequence: $after) { sequence type summary } }',
) as TypedDocumentNode<MyEventsResult, { after?: number | null }>;

const lastSequence = async (patientId: string) =>
  Number(
    (await hub.orm.em.getConnection().execute<{ n: number }[]>('select last_event_sequence as n from patient where id = ?', [patientId]))[0]
      .n,
  );

describe('the patient’s live events', () => {
  it('replays the patient’s events after a sequence, then live ones, without clinicians’ internal notes', async () => {
    const s = await setUp();
    const log = await w.eventLog(s.patient.id);
    expect(log.types).toEqual(expect.arrayContaining(['TASK_NOTE_ADDED', 'CARE_PLAN_NOTE_ADDED']));
    const client = wsClient(hub.wsUrl, s.patientToken);
    clients.push(client);
    const sub = subscribe(client, MY_EVENTS, { after: 0 });
    const replayed = log.types.filter((t) => t !== 'TASK_NOTE_ADDED' && t !== 'CARE_PLAN_NOTE_ADDED').length;
    await sub.received(replayed);
    await w.goal(s.plan, s.owner, 'Garden again by spring');
    const all = await sub.received(replayed + 1);
    const events = all.map((r) => r.data!.myEvents);
    expect(events.map((e) => e.type)).not.toContain('TASK_NOTE_ADDED');
    expect(events.map((e) => e.type)).not.toContain('CARE_PLAN_NOTE_ADDED');
    expect(JSON.stringify(events)).not.toContain(s.internal);
    expect(events.at(-1)).toMatchObject({ type: 'GOAL_ADDED', sequence: await lastSequence(s.patient.id) });
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);

    // Reconnecting after the second-to-last event brings exactly the last one.
    const again = subscribe(client, MY_EVENTS, { after: sequences.at(-2)! });
    const [resumed] = await again.received(1);
    expect(resumed.data!.myEvents.sequence).toBe(sequences.at(-1));
    await new Promise((r) => setTimeout(r, 300));
    expect(again.results).toHaveLength(1);
  });

  it('ends a caregiver’s subscription with FORBIDDEN as soon as the patient revokes the consent', async () => {
    const s = await setUp();
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] } }, s.patientToken);
    const client = wsClient(hub.wsUrl, s.caregiverToken);
    clients.push(client);
    const sub = subscribe(client, MY_EVENTS, { after: await lastSequence(s.patient.id) });
    await w.goal(s.plan, s.owner, 'Cook a meal');
    const [first] = await sub.received(1);
    expect(first.data!.myEvents.type).toBe('GOAL_ADDED');

    const revoked = await post(hub, REVOKE, { input: { patientId: s.patient.id, contactId: s.contactId } }, s.patientToken);
    expect(revoked.errors).toBeUndefined();
    await sub.done;
    expect(sub.results.slice(1).flatMap((r) => codes(r))).toEqual(['FORBIDDEN']);
    await w.goal(s.plan, s.owner, 'After the end');
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(sub.results)).not.toContain('After the end');

    // A new subscription is refused.
    const later = subscribe(client, MY_EVENTS, { after: 0 });
    await later.done;
    expect(later.results.flatMap((r) => codes(r))).toEqual(['NOT_FOUND']);
  });

  it('a caregiver’s access ends when the contact is taken off the patient’s support network', async () => {
    const s = await setUp();
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] } }, s.patientToken);
    expect((await post(hub, MY_RECORD, {}, s.caregiverToken)).errors).toBeUndefined();
    const [{ version }] = await hub.orm.em
      .getConnection()
      .execute<{ version: number }[]>('select version from patient where id = ?', [s.patient.id]);
    const removed = await post(
      hub,
      'mutation Remove($input: RemovePatientListItemInput!) { removeSupportContact(input: $input) { id } }',
      { input: { patientId: s.patient.id, expectedVersion: version, itemId: s.contactId } },
      s.ownerToken,
    );
    expect(removed.errors).toBeUndefined();
    expect(codes(await post(hub, MY_RECORD, {}, s.caregiverToken))).toEqual(['UNAUTHENTICATED']);
  });
});

const REPORT = `mutation Report($input: ReportCheckInInput!) { reportCheckIn(input: $input) { id source recordedBy { id } observations { value } } }`;

/** A warning sign on the plan: body weight above 80 kg, HIGH. */
async function weightRule(s: Awaited<ReturnType<typeof setUp>>) {
  const rule = await post(
    hub,
    'mutation Rule($input: AddWarningSignRuleInput!) { addWarningSignRule(input: $input) { id } }',
    {
      input: {
        carePlanId: s.plan.id,
        measure: '29463-7',
        comparison: 'ABOVE',
        threshold: 80,
        severity: 'HIGH',
        instruction: 'Call the patient today',
      },
    },
    s.ownerToken,
  );
  expect(rule.errors).toBeUndefined();
  return rule.data!.addWarningSignRule.id as string;
}

describe('what the patient reports', () => {
  it('a patient-reported check-in runs the warning-sign rules and raises an alert for the team', async () => {
    const s = await setUp();
    const ruleId = await weightRule(s);
    const reported = await post(
      hub,
      REPORT,
      { input: { takenAt: new Date().toISOString(), values: [{ measure: '29463-7', value: 82.4 }], note: 'Ankles swollen' } },
      s.patientToken,
    );
    expect(reported.errors).toBeUndefined();
    expect(reported.data!.reportCheckIn).toMatchObject({ source: 'PATIENT', recordedBy: null, observations: [{ value: 82.4 }] });

    const alerts = await hub.orm.em
      .getConnection()
      .execute<{ rule: string; severity: string; status: string }[]>(
        'select rule_id as rule, severity, status from alert where patient_id = ?',
        [s.patient.id],
      );
    expect(alerts).toEqual([{ rule: ruleId, severity: 'HIGH', status: 'OPEN' }]);
    const log = await w.eventLog(s.patient.id);
    expect(log.types).toEqual(expect.arrayContaining(['CHECK_IN_RECORDED', 'ALERT_RAISED']));

    // The team sees it as the patient's own report; the patient sees it in their record.
    const team = await post(
      hub,
      'query C($id: ID!) { patient(id: $id) { checkIns { edges { node { source recordedBy { id } note } } } } }',
      { id: s.patient.id },
      s.nurseToken,
    );
    expect(team.errors).toBeUndefined();
    expect(team.data!.patient.checkIns.edges[0].node).toEqual({ source: 'PATIENT', recordedBy: null, note: 'Ankles swollen' });
    const mine = await post(hub, MY_RECORD, {}, s.patientToken);
    expect(mine.data!.myRecord.checkIns[0]).toMatchObject({ source: 'PATIENT', values: [{ measure: 'Body weight' }] });
  });

  it('a caregiver reports check-ins only with REPORT_CHECK_INS, as source CAREGIVER', async () => {
    const s = await setUp();
    const input = { takenAt: new Date().toISOString(), values: [{ measure: '29463-7', value: 70 }] };
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] } }, s.patientToken);
    expect(codes(await post(hub, REPORT, { input }, s.caregiverToken))).toEqual(['NOT_FOUND']);
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['REPORT_CHECK_INS'] } }, s.patientToken);
    const reported = await post(hub, REPORT, { input }, s.caregiverToken);
    expect(reported.errors).toBeUndefined();
    expect(reported.data!.reportCheckIn.source).toBe('CAREGIVER');
    const [row] = await hub.orm.em
      .getConnection()
      .execute<{ actor_kind: string; actor_sub: string }[]>(
        "select actor_kind, actor_sub from audit_record where patient_id = ? and kind = 'WRITE' and operation like '%reportCheckIn%'",
        [s.patient.id],
      );
    expect(row).toEqual({ actor_kind: 'CAREGIVER', actor_sub: s.contactId });
  });

  it('refuses a report with bad values with BAD_USER_INPUT, and providers are told to use recordCheckIn (FORBIDDEN)', async () => {
    const s = await setUp();
    const bad = await post(
      hub,
      REPORT,
      { input: { takenAt: new Date().toISOString(), values: [{ measure: 'no-such', value: 1 }] } },
      s.patientToken,
    );
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    const provider = await post(
      hub,
      REPORT,
      { input: { takenAt: new Date().toISOString(), values: [{ measure: '29463-7', value: 70 }] } },
      s.ownerToken,
    );
    expect(codes(provider)).toEqual(['FORBIDDEN']);
  });
});

const UPDATE_MINE = `mutation Mine($input: UpdateMyPreferencesInput!) { updateMyPreferences(input: $input) { preferences personalGoals statedByPatientAt version } }`;

describe('the patient’s own words', () => {
  it('round-trips the patient’s preferences and personal goals, which clinicians see marked as the patient’s own words', async () => {
    const s = await setUp();
    const before = (await post(hub, MY_RECORD.replace('patientId', 'patientId version'), {}, s.patientToken)).data!.myRecord;
    const input = {
      expectedVersion: before.version,
      preferences: ['Prefers therapy over medication', '  '],
      personalGoals: ['Dance at my granddaughter’s wedding'],
    };
    const saved = await post(hub, UPDATE_MINE, { input }, s.patientToken);
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.updateMyPreferences).toMatchObject({
      preferences: ['Prefers therapy over medication'],
      personalGoals: ['Dance at my granddaughter’s wedding'],
      version: before.version + 1,
    });
    expect(saved.data!.updateMyPreferences.statedByPatientAt).not.toBeNull();

    const mine = (await post(hub, MY_RECORD, {}, s.patientToken)).data!.myRecord;
    expect(mine.preferences).toEqual(['Prefers therapy over medication']);

    const CLINICIAN = 'query R($id: ID!) { patient(id: $id) { preferences personalGoals statedByPatientAt version } }';
    const seen = (await post(hub, CLINICIAN, { id: s.patient.id }, s.nurseToken)).data!.patient;
    expect(seen).toMatchObject({
      preferences: ['Prefers therapy over medication'],
      personalGoals: ['Dance at my granddaughter’s wedding'],
    });
    expect(seen.statedByPatientAt).toBe(saved.data!.updateMyPreferences.statedByPatientAt);
    const [event] = await hub.orm.em
      .getConnection()
      .execute<{ actor_sub: string; summary: string }[]>(
        "select actor_sub, summary from event where patient_id = ? and type = 'PATIENT_UPDATED' order by sequence desc limit 1",
        [s.patient.id],
      );
    expect(event).toEqual({ actor_sub: s.patient.id, summary: 'The patient stated in their own words: preferences, personalGoals' });

    // A clinician rewriting them makes them no longer the patient's own words.
    const edited = await post(
      hub,
      'mutation U($input: UpdatePatientInput!) { updatePatient(input: $input) { statedByPatientAt } }',
      { input: { id: s.patient.id, expectedVersion: seen.version, preferences: ['Prefers medication'] } },
      s.ownerToken,
    );
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.updatePatient.statedByPatientAt).toBeNull();
  });

  it('refuses a stale version with CONFLICT, and a caregiver or a provider with FORBIDDEN', async () => {
    const s = await setUp();
    await post(
      hub,
      GRANT,
      { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN', 'REPORT_CHECK_INS', 'MESSAGE_TEAM'] } },
      s.patientToken,
    );
    expect(codes(await post(hub, UPDATE_MINE, { input: { expectedVersion: 1, preferences: ['x'] } }, s.patientToken))).toEqual([
      'CONFLICT',
    ]);
    expect(codes(await post(hub, UPDATE_MINE, { input: { preferences: ['x'] } }, s.caregiverToken))).toEqual(['FORBIDDEN']);
    expect(codes(await post(hub, UPDATE_MINE, { input: { preferences: ['x'] } }, s.ownerToken))).toEqual(['FORBIDDEN']);
  });
});

const RESPOND = `mutation Respond($input: RespondToAppointmentInput!) { respondToAppointment(input: $input) { taskId response respondedAt } }`;

describe('appointments', () => {
  it('the patient confirms or declines an appointment; the team sees the answer on the task and in the events', async () => {
    const s = await setUp();
    const start = new Date(Date.now() + 3 * 86_400_000);
    const created = await post(
      hub,
      'mutation A($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      {
        input: {
          carePlanId: s.plan.id,
          title: 'Home visit: wound check',
          kind: 'HOME_VISIT',
          assigneeId: s.nurse.id,
          startAt: start.toISOString(),
          endAt: new Date(start.getTime() + 3_600_000).toISOString(),
        },
      },
      s.ownerToken,
    );
    expect(created.errors).toBeUndefined();
    const taskId = created.data!.createTask.id;

    const declined = await post(
      hub,
      RESPOND,
      { input: { taskId, response: 'DECLINED', note: 'My daughter cannot drive me that day' } },
      s.patientToken,
    );
    expect(declined.errors).toBeUndefined();
    expect(declined.data!.respondToAppointment).toMatchObject({ taskId, response: 'DECLINED' });

    const team = await post(
      hub,
      'query T($id: ID!) { node(id: $id) { ... on Task { patientResponse patientResponseAt } } }',
      { id: taskId },
      s.nurseToken,
    );
    expect(team.data!.node.patientResponse).toBe('DECLINED');
    const [event] = await hub.orm.em
      .getConnection()
      .execute<{ type: string; note: string }[]>('select type, note from event where patient_id = ? order by sequence desc limit 1', [
        s.patient.id,
      ]);
    expect(event).toEqual({ type: 'APPOINTMENT_DECLINED', note: 'My daughter cannot drive me that day' });
    const mine = (await post(hub, MY_RECORD.replace('upcoming { id title }', 'upcoming { id title patientResponse }'), {}, s.patientToken))
      .data!.myRecord;
    expect(mine.activePlan.upcoming.find((t: { id: string }) => t.id === taskId).patientResponse).toBe('DECLINED');
  });

  it('refuses a task that is no appointment (BAD_USER_INPUT) and another patient’s appointment (NOT_FOUND)', async () => {
    const s = await setUp();
    expect(codes(await post(hub, RESPOND, { input: { taskId: s.task.id, response: 'CONFIRMED' } }, s.patientToken))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const other = await w.patient([s.owner]);
    expect(codes(await post(hub, RESPOND, { input: { taskId: s.task.id, response: 'CONFIRMED' } }, await patientToken(other.id)))).toEqual([
      'NOT_FOUND',
    ]);
  });
});

describe('messages between the patient and the care team', () => {
  it('the patient writes to the team on the active plan; the team sees it apart from its internal notes and answers; the patient sees both', async () => {
    const s = await setUp();
    const client = wsClient(hub.wsUrl, s.patientToken);
    clients.push(client);
    const live = subscribe(client, MY_EVENTS, { after: await lastSequence(s.patient.id) });

    const sent = await post(
      hub,
      'mutation S($input: SendMessageToCareTeamInput!) { sendMessageToCareTeam(input: $input) { id authorKind authorName body } }',
      { input: { body: 'The wound is itching, is that normal?' } },
      s.patientToken,
    );
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendMessageToCareTeam).toMatchObject({ authorKind: 'PATIENT', authorName: s.patient.name });

    const team = await post(
      hub,
      'query M($id: ID!) { node(id: $id) { ... on CarePlan { patientMessages { body authorKind } notes { edges { node { body } } } } } }',
      { id: s.plan.id },
      s.nurseToken,
    );
    expect(team.errors).toBeUndefined();
    expect(team.data!.node.patientMessages).toEqual([{ body: 'The wound is itching, is that normal?', authorKind: 'PATIENT' }]);
    expect(JSON.stringify(team.data!.node.notes)).not.toContain('itching');

    const replied = await post(
      hub,
      'mutation R($input: ReplyToPatientInput!) { replyToPatient(input: $input) { authorKind } }',
      { input: { carePlanId: s.plan.id, body: 'Yes, that is part of healing' } },
      s.nurseToken,
    );
    expect(replied.errors).toBeUndefined();

    const events = (await live.received(2)).map((r) => r.data!.myEvents);
    expect(events.map((e) => e.type)).toEqual(['PATIENT_MESSAGE_SENT', 'CARE_TEAM_REPLIED']);
    expect(events[1].summary).toContain('Yes, that is part of healing');
    const mine = (await post(hub, MY_RECORD.replace('caregivers {', 'messages { body authorKind } caregivers {'), {}, s.patientToken)).data!
      .myRecord;
    expect(mine.messages).toEqual([
      { body: 'The wound is itching, is that normal?', authorKind: 'PATIENT' },
      { body: 'Yes, that is part of healing', authorKind: 'PROVIDER' },
    ]);
  });

  it('a caregiver writes only with MESSAGE_TEAM', async () => {
    const s = await setUp();
    const SEND = 'mutation S($input: SendMessageToCareTeamInput!) { sendMessageToCareTeam(input: $input) { authorKind authorName } }';
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['VIEW_PLAN'] } }, s.patientToken);
    expect(codes(await post(hub, SEND, { input: { body: 'Hello' } }, s.caregiverToken))).toEqual(['NOT_FOUND']);
    await post(hub, GRANT, { input: { patientId: s.patient.id, contactId: s.contactId, scopes: ['MESSAGE_TEAM'] } }, s.patientToken);
    const sent = await post(hub, SEND, { input: { body: 'Hello' } }, s.caregiverToken);
    expect(sent.data!.sendMessageToCareTeam).toEqual({ authorKind: 'CAREGIVER', authorName: 'Ben Ruiz' });
  });
});
