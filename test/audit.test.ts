import crypto from 'node:crypto';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Client } from 'graphql-ws';
import type { Provider } from '../src/modules/providers';
import { startTestHub, type TestHub } from './support/hub';
import { world, type World } from './support/factories';
import { codes, post, unique } from './support/raw';
import { subscribe, wsClient } from './support/ws';

let hub: TestHub;
let w: World;
let elsewhere: World;
const clients: Client[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
  elsewhere = await world(hub);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => hub.close());

interface AuditRow {
  id: string;
  at: Date;
  actor_sub: string;
  actor_provider_id: string | null;
  patient_id: string | null;
  operation: string;
  kind: 'READ' | 'WRITE' | 'DENIED';
  request_id: string;
  xmin: string;
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => hub.orm.em.getConnection().execute<T[]>(query, params);

const auditOf = (requestId: string) =>
  sql<AuditRow>('select *, xmin::text as xmin from audit_record where request_id = ? order by id', [requestId]);

/** Sends an operation with a request id of its own and returns its audit rows (written when the response is sent). */
async function audited(query: string, variables: Record<string, unknown>, token: string | null) {
  const requestId = `audit-${crypto.randomUUID()}`;
  const result = await post(hub, query, variables, token, requestId);
  return { result, requestId, rows: await auditOf(requestId) };
}

async function careSetup() {
  const [owner, member, ended] = [await w.provider(), await w.provider(), await w.provider()];
  const outsider = await elsewhere.provider();
  const patient = await w.patient([owner, member]);
  const endedMembership = await w.addMember(patient, ended);
  await w.endMembership(endedMembership);
  const plan = await w.plan(patient, owner);
  const goal = await w.goal(plan, owner);
  const task = await w.task(plan, owner, { assignee: member });
  const [{ version: planVersion }] = await sql<{ version: number }>('select version from care_plan where id = ?', [plan.id]);
  return { owner, member, ended, outsider, patient, plan, goal, task, planVersion };
}

const token = (p: Provider) => hub.token(p.id);
const operatorToken = (sub = `operator-${unique()}`) => hub.token(sub, ['ADMIN']);

describe('the audit trail of reads', () => {
  it('records who read which patient, with the operation name, kind READ, the time and the request id', async () => {
    const { member, patient } = await careSetup();
    const before = new Date(Date.now() - 1000);
    const { result, requestId, rows } = await audited(
      'query AuditChart($id: ID!) { patient(id: $id) { name allergies { substance } } }',
      { id: patient.id },
      await token(member),
    );
    expect(result.errors).toBeUndefined();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_sub: member.id,
      actor_provider_id: member.id,
      patient_id: patient.id,
      operation: 'query AuditChart { patient }',
      kind: 'READ',
      request_id: requestId,
    });
    expect(new Date(rows[0].at).getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(new Date(rows[0].at).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("names every operation after its root fields too, since the operation name is the client's choice", async () => {
    const { member, patient } = await careSetup();
    const { rows } = await audited('query($id: ID!) { patient(id: $id) { id } me { id } }', { id: patient.id }, await token(member));
    expect(rows.map((r) => [r.operation, r.kind])).toEqual([['query { patient me }', 'READ']]);
  });

  it('records a READ for every way a member can read patient data', async () => {
    const { member, patient, plan, goal, task } = await careSetup();
    const [{ id: eventId }] = await sql<{ id: string }>('select id from event where patient_id = ? limit 1', [patient.id]);
    const reads: Record<string, [string, Record<string, unknown>]> = {
      patient: ['query AuditR1($id: ID!) { patient(id: $id) { id } }', { id: patient.id }],
      patients: ['query AuditR2($s: String) { patients(search: $s) { edges { node { id } } } }', { s: patient.mrn }],
      carePlan: ['query AuditR3($id: ID!) { carePlan(id: $id) { id } }', { id: plan.id }],
      myTasks: ['query AuditR4 { myTasks { edges { node { id } } } }', {}],
      patientEvents: ['query AuditR5($id: ID!) { patientEvents(patientId: $id) { totalCount } }', { id: patient.id }],
      'node(Goal)': ['query AuditR6($id: ID!) { node(id: $id) { id } }', { id: goal.id }],
      'node(Task)': ['query AuditR7($id: ID!) { node(id: $id) { id } }', { id: task.id }],
      'node(Event)': ['query AuditR8($id: ID!) { node(id: $id) { id } }', { id: eventId }],
      '_entities(Patient)': [
        'query AuditR9($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { id } } }',
        { r: [{ __typename: 'Patient', id: patient.id }] },
      ],
      'Provider.patients': ['query AuditR10 { me { patients { totalCount } } }', {}],
    };
    const seen: Record<string, unknown> = {};
    for (const [name, [query, variables]] of Object.entries(reads)) {
      const { result, rows } = await audited(query, variables, await token(member));
      expect([name, result.errors]).toEqual([name, undefined]);
      seen[name] = rows.map((r) => [r.patient_id, r.kind, r.actor_sub]);
    }
    expect(seen).toEqual(Object.fromEntries(Object.keys(reads).map((name) => [name, [[patient.id, 'READ', member.id]]])));
  });

  it('records one READ per patient and request, however many fields of it were read', async () => {
    const { member, patient, plan } = await careSetup();
    const { rows } = await audited(
      'query AuditMany($id: ID!, $plan: ID!) { patient(id: $id) { name carePlans { id tasks { totalCount } } } carePlan(id: $plan) { goals { id } } }',
      { id: patient.id, plan: plan.id },
      await token(member),
    );
    expect(rows.map((r) => [r.patient_id, r.kind])).toEqual([[patient.id, 'READ']]);
  });

  it('answers none of many reads finishing together before its own READ records are committed, though they share INSERTs', async () => {
    const { member, patient } = await careSetup();
    const memberToken = await token(member);
    const reads = Array.from({ length: 40 }, () => ({ requestId: `audit-group-${crypto.randomUUID()}` }));
    // Each response is checked the moment it arrives: its rows must already be visible to another connection.
    const seen = await Promise.all(
      reads.map(async ({ requestId }) => {
        await post(hub, 'query AuditTogether($id: ID!) { patient(id: $id) { name } }', { id: patient.id }, memberToken, requestId);
        const rows = await auditOf(requestId);
        return { rows: rows.map((r) => [r.patient_id, r.kind, r.operation]), xmin: rows[0]?.xmin };
      }),
    );
    for (const { rows } of seen) expect(rows).toEqual([[patient.id, 'READ', 'query AuditTogether { patient }']]);
    // Fewer transactions than reads: operations that finished together were written together.
    expect(new Set(seen.map((s) => s.xmin)).size).toBeLessThan(reads.length);
  });

  it('leaves no READ record when a provider off the care team is refused, since nothing was shown', async () => {
    const { ended, outsider, patient, task } = await careSetup();
    for (const viewer of [ended, outsider]) {
      const attempts = [
        await audited('query AuditNo1($id: ID!) { patient(id: $id) { name } }', { id: patient.id }, await token(viewer)),
        await audited('query AuditNo2($id: ID!) { node(id: $id) { id } }', { id: task.id }, await token(viewer)),
        await audited('query AuditNo3($s: String) { patients(search: $s) { totalCount } }', { s: patient.mrn }, await token(viewer)),
        await audited('query AuditNo4($id: ID!) { patientEvents(patientId: $id) { totalCount } }', { id: patient.id }, await token(viewer)),
      ];
      expect(attempts.map((a) => codes(a.result))).toEqual([['NOT_FOUND'], [], [], ['NOT_FOUND']]);
      expect(attempts.flatMap((a) => a.rows).filter((r) => r.kind === 'READ')).toEqual([]);
    }
    expect(
      await sql("select * from audit_record where patient_id = ? and actor_sub in (?, ?) and kind = 'READ'", [
        patient.id,
        ended.id,
        outsider.id,
      ]),
    ).toHaveLength(0);
  });

  it("leaves a DENIED record of every refused attempt on a patient: an ended member, another organization's provider, ADMIN on clinical content, a forged id", async () => {
    const { ended, outsider, patient, task } = await careSetup();
    const operator = `operator-${unique()}`;
    const forged = `pat_${'0'.repeat(31)}1`;
    const attempts: [string, string, Record<string, unknown>, string, string | null][] = [
      [
        'ended member reads the record',
        'query AuditDenied1($id: ID!) { patient(id: $id) { name } }',
        { id: patient.id },
        await token(ended),
        patient.id,
      ],
      [
        'outsider opens a task by id',
        'query AuditDenied2($id: ID!) { node(id: $id) { id } }',
        { id: task.id },
        await token(outsider),
        patient.id,
      ],
      [
        'outsider writes a note',
        'mutation AuditDenied3($i: AddTaskNoteInput!) { addTaskNote(input: $i) { id } }',
        { i: { taskId: task.id, text: 'x' } },
        await token(outsider),
        patient.id,
      ],
      [
        'ADMIN reads clinical fields',
        'query AuditDenied4($id: ID!) { patient(id: $id) { name allergies { substance } } }',
        { id: patient.id },
        await operatorToken(operator),
        patient.id,
      ],
      ['a forged patient id', 'query AuditDenied5($id: ID!) { patient(id: $id) { name } }', { id: forged }, await token(outsider), forged],
    ];
    const outcome: Record<string, unknown> = {};
    for (const [name, query, variables, viewerToken, patientId] of attempts) {
      const { result, rows } = await audited(query, variables, viewerToken);
      expect(result.errors?.length ?? 0).toBeLessThanOrEqual(1);
      outcome[name] = rows.filter((r) => r.kind === 'DENIED').map((r) => [r.patient_id, r.operation.split(' ')[0]]);
      expect(rows.filter((r) => r.kind === 'DENIED').every((r) => r.patient_id === patientId)).toBe(true);
    }
    expect(outcome).toEqual(Object.fromEntries(attempts.map(([name, query, , , patientId]) => [name, [[patientId, query.split(' ')[0]]]])));
  });

  it("records the ADMIN's read of the administrative record under the operator's subject, with no provider", async () => {
    const { patient } = await careSetup();
    const operator = `operator-${unique()}`;
    const { result, rows } = await audited(
      'query AuditAdminRead($id: ID!) { patient(id: $id) { name mrn careTeam { role } } }',
      { id: patient.id },
      await operatorToken(operator),
    );
    expect(result.errors).toBeUndefined();
    expect(rows.map((r) => [r.actor_sub, r.actor_provider_id, r.patient_id, r.kind, r.operation])).toEqual([
      [operator, null, patient.id, 'READ', 'query AuditAdminRead { patient }'],
    ]);
  });

  it("records a READ, named after the operation, when a member subscribes to a patient's events", async () => {
    const { member, patient } = await careSetup();
    const client = wsClient(hub.wsUrl, await token(member));
    clients.push(client);
    const sub = subscribe(
      client,
      parse('subscription AuditWatch($id: ID!) { patientEvents(patientId: $id, afterSequence: 0) { sequence } }') as TypedDocumentNode<
        { patientEvents: { sequence: number } },
        { id: string }
      >,
      { id: patient.id },
    );
    await sub.received(1);
    const rows = await sql<AuditRow>("select * from audit_record where patient_id = ? and actor_sub = ? and kind = 'READ'", [
      patient.id,
      member.id,
    ]);
    expect(rows.map((r) => r.operation)).toEqual(['subscription AuditWatch { patientEvents }']);
  });

  it('records a READ for a query sent over the WebSocket instead of HTTP', async () => {
    const { member, patient } = await careSetup();
    const client = wsClient(hub.wsUrl, await token(member));
    clients.push(client);
    const sub = subscribe(
      client,
      parse('query AuditOverSocket($id: ID!) { patient(id: $id) { name } }') as TypedDocumentNode<
        { patient: { name: string } },
        { id: string }
      >,
      { id: patient.id },
    );
    const [result] = await sub.received(1);
    expect(result.data?.patient.name).toBe(patient.name);
    await sub.done;
    const rows = await sql<AuditRow>("select * from audit_record where patient_id = ? and actor_sub = ? and kind = 'READ'", [
      patient.id,
      member.id,
    ]);
    expect(rows.map((r) => r.operation)).toEqual(['query AuditOverSocket { patient }']);
  });

  it('records a READ when myTaskEvents delivers an event of the patient, named after the subscription', async () => {
    const { member, owner, patient, task } = await careSetup();
    const client = wsClient(hub.wsUrl, await token(member));
    clients.push(client);
    for (let i = 0; i < 150 && hub.subscriptions() > 0; i++) await new Promise((r) => setTimeout(r, 20)); // earlier tests' closed
    const sub = subscribe(
      client,
      parse('subscription AuditMine { myTaskEvents { sequence } }') as TypedDocumentNode<
        { myTaskEvents: { sequence: number } },
        Record<string, never>
      >,
      {},
    );
    for (let i = 0; i < 150 && hub.subscriptions() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(hub.subscriptions()).toBe(1);
    await post(
      hub,
      'mutation AuditPing($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }',
      { input: { taskId: task.id, text: 'ping' } },
      await token(owner),
    );
    await sub.received(1);
    const rows = await sql<AuditRow>("select * from audit_record where patient_id = ? and actor_sub = ? and kind = 'READ'", [
      patient.id,
      member.id,
    ]);
    expect(rows.map((r) => r.operation)).toEqual(['subscription AuditMine { myTaskEvents }']);
  });
});

describe('the audit trail of writes', () => {
  it('records a WRITE with actor, patient, operation, time and request id, in the same transaction as the change and its event', async () => {
    const { member, patient, task } = await careSetup();
    const { result, requestId, rows } = await audited(
      'mutation AuditNote($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }',
      { input: { taskId: task.id, text: 'Dressing changed' } },
      await token(member),
    );
    expect(result.errors).toBeUndefined();
    const write = rows.filter((r) => r.kind === 'WRITE');
    expect(write).toHaveLength(1);
    expect(write[0]).toMatchObject({
      actor_sub: member.id,
      actor_provider_id: member.id,
      patient_id: patient.id,
      operation: 'mutation AuditNote { addTaskNote }',
      request_id: requestId,
    });
    // Same transaction: PostgreSQL stamps every row a transaction writes with its id (xmin).
    const [note] = await sql<{ xmin: string }>('select xmin::text as xmin from task_note where id = ?', [result.data!.addTaskNote.id]);
    const [event] = await sql<{ xmin: string }>(
      'select e.xmin::text as xmin from event e join patient p on p.id = e.patient_id and e.sequence = p.last_event_sequence where p.id = ?',
      [patient.id],
    );
    expect({ note: note.xmin, event: event.xmin }).toEqual({ note: write[0].xmin, event: write[0].xmin });
  });

  it("records a WRITE for every kind of change to a patient's care, and for the ADMIN's", async () => {
    const { owner, member, patient, plan, goal, task } = await careSetup();
    const candidate = await w.provider();
    const version = async (table: string, id: string) =>
      (await sql<{ v: number }>(`select version as v from ${table} where id = ?`, [id]))[0].v;
    const changes: [string, string, () => Promise<Record<string, unknown>>, string][] = [
      [
        'updatePatient',
        'mutation AuditW1($i: UpdatePatientInput!) { updatePatient(input: $i) { id } }',
        async () => ({ i: { id: patient.id, expectedVersion: 1, name: 'Renamed' } }),
        await token(member),
      ],
      [
        'createCarePlan',
        'mutation AuditW2($i: CreateCarePlanInput!) { createCarePlan(input: $i) { id } }',
        async () => ({ i: { patientId: patient.id, title: 'Second', category: 'MENTAL_HEALTH', ownerId: owner.id } }),
        await token(member),
      ],
      [
        'updateCarePlan',
        'mutation AuditW3($i: UpdateCarePlanInput!) { updateCarePlan(input: $i) { id } }',
        async () => ({ i: { id: plan.id, expectedVersion: await version('care_plan', plan.id), title: 'Renamed plan' } }),
        await token(owner),
      ],
      [
        'addGoal',
        'mutation AuditW4($i: AddGoalInput!) { addGoal(input: $i) { id } }',
        async () => ({ i: { carePlanId: plan.id, description: 'Sleeps 7 h' } }),
        await token(owner),
      ],
      [
        'updateGoal',
        'mutation AuditW5($i: UpdateGoalInput!) { updateGoal(input: $i) { id } }',
        async () => ({ i: { id: goal.id, status: 'ACTIVE' } }),
        await token(owner),
      ],
      [
        'createTask',
        'mutation AuditW6($i: CreateTaskInput!) { createTask(input: $i) { id } }',
        async () => ({ i: { carePlanId: plan.id, title: 'Call', kind: 'TELECONSULT' } }),
        await token(member),
      ],
      [
        'transitionTask',
        'mutation AuditW7($i: TransitionTaskInput!) { transitionTask(input: $i) { id } }',
        async () => ({ i: { id: task.id, expectedVersion: 1, to: 'ACCEPTED' } }),
        await token(member),
      ],
      [
        'addCareTeamMember',
        'mutation AuditW8($i: AddCareTeamMemberInput!) { addCareTeamMember(input: $i) { id } }',
        async () => ({ i: { patientId: patient.id, providerId: candidate.id, role: 'dietitian' } }),
        await operatorToken(),
      ],
      [
        'transferCarePlanOwnership',
        'mutation AuditW9($i: TransferCarePlanOwnershipInput!) { transferCarePlanOwnership(input: $i) { id } }',
        async () => ({ i: { id: plan.id, expectedVersion: await version('care_plan', plan.id), newOwnerId: member.id } }),
        await token(owner),
      ],
      [
        'assignTask',
        'mutation AuditW10($i: AssignTaskInput!) { assignTask(input: $i) { id } }',
        async () => ({ i: { id: task.id, expectedVersion: await version('task', task.id), assigneeId: candidate.id } }),
        await token(member),
      ],
    ];
    const outcome: Record<string, unknown> = {};
    for (const [name, query, variables, viewerToken] of changes) {
      const { result, rows } = await audited(query, await variables(), viewerToken);
      outcome[name] = { errors: codes(result), writes: rows.filter((r) => r.kind === 'WRITE').map((r) => r.patient_id) };
    }
    expect(outcome).toEqual(Object.fromEntries(changes.map(([name]) => [name, { errors: [], writes: [patient.id] }])));
  });

  it('records the WRITE of a new patient', async () => {
    const operator = `operator-${unique()}`;
    const { result, rows } = await audited(
      'mutation AuditNewPatient($i: CreatePatientInput!) { createPatient(input: $i) { id } }',
      { i: { organizationId: w.org.id, mrn: `A-${unique()}`, name: 'Ada New', birthDate: '1950-02-03' } },
      await operatorToken(operator),
    );
    expect(result.errors).toBeUndefined();
    expect(rows.filter((r) => r.kind === 'WRITE').map((r) => [r.patient_id, r.actor_sub, r.actor_provider_id])).toEqual([
      [result.data!.createPatient.id, operator, null],
    ]);
  });

  it('leaves no WRITE record for a change that was refused or rolled back', async () => {
    const { owner, member, outsider, patient, plan, task, planVersion } = await careSetup();
    const refused: [string, string, Record<string, unknown>, string, string][] = [
      [
        'member edits a plan they do not own (refused inside the transaction)',
        'mutation AuditR1($i: UpdateCarePlanInput!) { updateCarePlan(input: $i) { id } }',
        { i: { id: plan.id, expectedVersion: planVersion, title: 'x' } },
        await token(member),
        'FORBIDDEN',
      ],
      [
        'owner edits with a stale version',
        'mutation AuditR2($i: UpdateCarePlanInput!) { updateCarePlan(input: $i) { id } }',
        { i: { id: plan.id, expectedVersion: planVersion - 1, title: 'x' } },
        await token(owner),
        'CONFLICT',
      ],
      [
        'assignee skips a step of the lifecycle',
        'mutation AuditR3($i: TransitionTaskInput!) { transitionTask(input: $i) { id } }',
        { i: { id: task.id, expectedVersion: 1, to: 'COMPLETED' } },
        await token(member),
        'INVALID_TRANSITION',
      ],
      [
        'owner names an owner who is not on the team',
        'mutation AuditR4($i: CreateCarePlanInput!) { createCarePlan(input: $i) { id } }',
        { i: { patientId: patient.id, title: 'x', category: 'GENERAL', ownerId: outsider.id } },
        await token(owner),
        'BAD_USER_INPUT',
      ],
      [
        'a provider of another organization adds a note',
        'mutation AuditR5($i: AddTaskNoteInput!) { addTaskNote(input: $i) { id } }',
        { i: { taskId: task.id, text: 'x' } },
        await token(outsider),
        'NOT_FOUND',
      ],
    ];
    const [{ n: writesBefore }] = await sql<{ n: number }>(
      "select count(*)::int as n from audit_record where patient_id = ? and kind = 'WRITE'",
      [patient.id],
    );
    const outcome: Record<string, unknown> = {};
    for (const [name, query, variables, viewerToken] of refused) {
      const { result, rows } = await audited(query, variables, viewerToken);
      outcome[name] = { errors: codes(result), writes: rows.filter((r) => r.kind === 'WRITE').length };
    }
    expect(outcome).toEqual(Object.fromEntries(refused.map(([name, , , , code]) => [name, { errors: [code], writes: 0 }])));
    const [{ n: writesAfter }] = await sql<{ n: number }>(
      "select count(*)::int as n from audit_record where patient_id = ? and kind = 'WRITE'",
      [patient.id],
    );
    expect(writesAfter).toBe(writesBefore);
  });
});

describe('auditTrail', () => {
  const TRAIL = `query AuditTrailPage($id: ID!, $first: Int, $after: String) {
    auditTrail(patientId: $id, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id at actorSub actorProviderId patientId operation kind requestId } }
    }
  }`;

  it("lets ADMIN page through a patient's whole trail, oldest first, each record once", async () => {
    const { member, patient } = await careSetup();
    for (let i = 0; i < 3; i++)
      await post(hub, 'query AuditLook($id: ID!) { patient(id: $id) { id } }', { id: patient.id }, await token(member));
    const stored = await sql<{ id: string; operation: string }>(
      'select id::text as id, operation from audit_record where patient_id = ? order by id',
      [patient.id],
    );
    expect(stored.length).toBeGreaterThan(5);

    const admin = await operatorToken();
    const pages: { totalCount: number; edges: { node: { id: string; patientId: string } }[] }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: Awaited<ReturnType<typeof post>> = await post(hub, TRAIL, { id: patient.id, first: 2, after }, admin);
      expect(page.errors).toBeUndefined();
      pages.push(page.data!.auditTrail);
      if (!page.data!.auditTrail.pageInfo.hasNextPage) break;
      after = page.data!.auditTrail.pageInfo.endCursor;
    }
    const ids = pages.flatMap((p) => p.edges.map((e) => e.node.id));
    // The trail as it stood when paging began (reading it is recorded too, after each page).
    expect(ids.slice(0, stored.length)).toEqual(stored.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.every((p) => p.edges.every((e) => e.node.patientId === patient.id))).toBe(true);
    expect(pages[0].totalCount).toBe(stored.length);
    expect(pages.every((p) => p.edges.length <= 2)).toBe(true);
  });

  it('records that ADMIN read the trail', async () => {
    const { patient } = await careSetup();
    const operator = `operator-${unique()}`;
    const { rows } = await audited(TRAIL, { id: patient.id, first: 1 }, await operatorToken(operator));
    expect(rows.map((r) => [r.actor_sub, r.patient_id, r.kind, r.operation])).toEqual([
      [operator, patient.id, 'READ', 'query AuditTrailPage { auditTrail }'],
    ]);
  });

  it('refuses a cursor the trail never returned with BAD_USER_INPUT on `after`', async () => {
    const { patient } = await careSetup();
    const admin = await operatorToken();
    for (const values of [['abc'], ['-1'], [1.5], ['99999999999999999999999'], ['9999999999999999999']]) {
      const forged = Buffer.from(JSON.stringify(values)).toString('base64url');
      const result = await post(hub, TRAIL, { id: patient.id, after: forged }, admin);
      expect([values, result.errors?.map((e) => [e.extensions?.code, e.extensions?.field])]).toEqual([
        values,
        [['BAD_USER_INPUT', 'after']],
      ]);
    }
  });

  it("refuses the trail with FORBIDDEN to everyone but ADMIN, the patient's own care team included, and records nothing", async () => {
    const { owner, member, outsider, patient } = await careSetup();
    for (const viewer of [owner, member, outsider]) {
      const { result, rows } = await audited(TRAIL, { id: patient.id }, await token(viewer));
      expect([result.data?.auditTrail ?? null, codes(result), rows]).toEqual([null, ['FORBIDDEN'], []]);
    }
  });
});
