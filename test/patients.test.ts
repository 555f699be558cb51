import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AddPlanGoalDocument,
  CarePlanDetailDocument,
  EditCarePlanDocument,
  EditPlanGoalDocument,
  HandOverCarePlanDocument,
  MoveTaskDocument,
  MyTaskPageDocument,
  NodeLookupDocument,
  NoteOnTaskDocument,
  OrganizationDirectoryDocument,
  PatientChartDocument,
  PatientEventLogDocument,
  LatestPatientEventsDocument,
  PatientRosterDocument,
  PlanTaskPageDocument,
  ProviderRosterDocument,
  ReassignTaskDocument,
  RegisterOrganizationDocument,
  RegisterPatientDocument,
  RequestTaskDocument,
  StartCarePlanDocument,
  TaskDetailDocument,
  WhoAmIWithPatientsDocument,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { CarePlanCategory, CarePlanStatus } from '../src/modules/care-plans';
import { TaskStatus } from '../src/modules/tasks';

let hub: TestHub;
let w: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

interface Page<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: { cursor?: string; node: N }[];
}

/**
 * Follows a connection page by page: asserts endCursor is the last edge's
 * cursor, totalCount constant, hasNextPage false only at the end; returns the
 * nodes and how many pages it took.
 */
async function allPages<N>(
  fetchPage: (after: string | null) => Promise<Page<N>>,
): Promise<{ nodes: N[]; pages: number; totalCount: number }> {
  const nodes: N[] = [];
  let after: string | null = null;
  let totalCount: number | null = null;
  for (let pages = 1; pages < 50; pages++) {
    const page = await fetchPage(after);
    totalCount ??= page.totalCount;
    expect(page.totalCount).toBe(totalCount);
    if (page.edges.length && page.edges[0].cursor !== undefined) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return { nodes, pages, totalCount };
    expect(page.pageInfo.endCursor).toEqual(expect.any(String));
    after = page.pageInfo.endCursor!;
  }
  throw new Error('more than 50 pages');
}

describe('me', () => {
  it('is the calling provider, with its organization and the patients on whose team it is active', async () => {
    const t = await w.team();
    const other = await w.patient([t.nurse]);
    await w.endMembership(await w.addMember(await w.patient(), t.nurse)); // a team the nurse left
    const me = ok(await hub.gql(WhoAmIWithPatientsDocument, {}, t.nurseToken)).me;
    expect(me).toMatchObject({ id: t.nurse.id, name: t.nurse.name, discipline: 'NURSE', organization: { id: w.org.id } });
    expect(me.patients.totalCount).toBe(2);
    expect(me.patients.edges.map((e) => e.node.id).sort()).toEqual([t.patient.id, other.id].sort());
  });
});

describe('patient(id:)', () => {
  it('gives a team member the record with its team, plans (newest first) and the ACTIVE plan', async () => {
    const t = await w.team();
    const draft = await w.plan(t.patient, t.nurse, { status: CarePlanStatus.DRAFT, category: CarePlanCategory.MENTAL_HEALTH });
    const patient = ok(await hub.gql(PatientChartDocument, { id: t.patient.id }, t.nurseToken)).patient!;
    expect(patient).toMatchObject({
      id: t.patient.id,
      mrn: t.patient.mrn,
      name: t.patient.name,
      birthDate: '1960-05-17',
      organization: { id: w.org.id },
    });
    expect(patient.careTeam.map((m) => [m.provider.id, m.role, m.active])).toEqual([
      [t.owner.id, 'primary physician', true],
      [t.nurse.id, 'home nurse', true],
    ]);
    expect(patient.carePlans.map((p) => [p.id, p.status])).toEqual([
      [draft.id, 'DRAFT'],
      [t.plan.id, 'ACTIVE'],
    ]);
    expect(patient.activeCarePlan).toEqual({ id: t.plan.id, title: t.plan.title });
  });

  it('gives the newest ACTIVE plan as activeCarePlan when plans of several categories are active', async () => {
    const t = await w.team();
    const newer = await w.plan(t.patient, t.nurse, { category: CarePlanCategory.MENTAL_HEALTH });
    const patient = ok(await hub.gql(PatientChartDocument, { id: t.patient.id }, t.nurseToken)).patient!;
    expect(patient.activeCarePlan?.id).toBe(newer.id);
  });

  it('has no activeCarePlan while no plan is ACTIVE', async () => {
    const t = await w.team({ planStatus: CarePlanStatus.ON_HOLD });
    expect(ok(await hub.gql(PatientChartDocument, { id: t.patient.id }, t.ownerToken)).patient!.activeCarePlan).toBeNull();
  });

  it('is null with NOT_FOUND for a provider off the team, a former member, and an unknown id', async () => {
    const t = await w.team();
    const former = await w.provider();
    await w.endMembership(await w.addMember(t.patient, former));
    for (const [id, token] of [
      [t.patient.id, t.outsiderToken],
      [t.patient.id, await w.token(former)],
      ['pat_0000000000000000000000000000dead', t.ownerToken],
    ]) {
      const result = await hub.gql(PatientChartDocument, { id }, token);
      expect(result.data?.patient ?? null).toBeNull();
      expect(refusal(result)).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('refuses a malformed id or an id of another type with BAD_USER_INPUT id', async () => {
    const t = await w.team();
    for (const id of ['x', t.plan.id, `${t.patient.id}0`]) {
      expect(refusal(await hub.gql(PatientChartDocument, { id }, t.ownerToken))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'id' },
      });
    }
  });
});

describe('patients(first, after, search)', () => {
  it("pages through only the caller's patients by name with cursors: no duplicate, no gap, constant totalCount", async () => {
    const doctor = await w.provider();
    const names = ['Zoe Adams', 'Aaron Young', 'Maria Lopez', 'maria lopez', 'Bob Brown', 'Bob Brown', 'Chen Wei'];
    const mine = [];
    for (const name of names) mine.push(await w.patient([doctor], { name }));
    await w.patient([], { name: 'Aaron Notmine' });
    await w.endMembership(await w.addMember(await w.patient([], { name: 'Aaron Left' }), doctor));
    const token = await w.token(doctor);

    const { nodes, pages, totalCount } = await allPages((after) =>
      hub.gql(PatientRosterDocument, { first: 3, after }, token).then((r) => ok(r).patients),
    );
    expect(totalCount).toBe(7);
    expect(pages).toBe(3);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(7);
    expect(nodes.map((n) => n.id).sort()).toEqual(mine.map((p) => p.id).sort());
    // Ordered by name (the database's collation), ties broken by id.
    const byName = ok(await hub.gql(PatientRosterDocument, { first: 100 }, token)).patients.edges.map((e) => e.node.id);
    expect(nodes.map((n) => n.id)).toEqual(byName);
  });

  it('finds patients by part of the name, case-insensitively, and by exact MRN; treats % and _ literally', async () => {
    const doctor = await w.provider();
    const ada = await w.patient([doctor], { name: 'Ada Lovelace', mrn: `MRN-ADA-${Date.now()}` });
    await w.patient([doctor], { name: 'Alan Turing' });
    const token = await w.token(doctor);
    const search = async (s: string) => ok(await hub.gql(PatientRosterDocument, { search: s }, token)).patients;
    expect((await search('lovel')).edges.map((e) => e.node.id)).toEqual([ada.id]);
    expect((await search('LOVELACE')).totalCount).toBe(1);
    expect((await search(ada.mrn)).edges.map((e) => e.node.id)).toEqual([ada.id]);
    expect((await search(ada.mrn.slice(0, -1))).totalCount).toBe(0); // MRN only matches exactly
    expect((await search('%')).totalCount).toBe(0);
    expect((await search('_')).totalCount).toBe(0);
    expect((await search('a')).totalCount).toBe(2);
  });

  it('answers a page after the last one with no edges, hasNextPage false and the same totalCount', async () => {
    const doctor = await w.provider();
    for (let i = 0; i < 4; i++) await w.patient([doctor]);
    const token = await w.token(doctor);
    const all = ok(await hub.gql(PatientRosterDocument, { first: 4 }, token)).patients;
    expect(all.pageInfo.hasNextPage).toBe(false);
    const past = ok(await hub.gql(PatientRosterDocument, { first: 4, after: all.pageInfo.endCursor }, token)).patients;
    expect(past).toEqual({ totalCount: 4, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('answers first: 0 with no edges but the totalCount, and refuses first above 100, negative first, and a forged cursor', async () => {
    const doctor = await w.provider();
    await w.patient([doctor]);
    const token = await w.token(doctor);
    const empty = ok(await hub.gql(PatientRosterDocument, { first: 0 }, token)).patients;
    expect(empty).toMatchObject({ totalCount: 1, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
    for (const [vars, field] of [
      [{ first: 101 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ after: 'bm90IGEgY3Vyc29y' }, 'after'],
      [{ search: 'x'.repeat(201) }, 'search'],
    ] as const) {
      expect(refusal(await hub.gql(PatientRosterDocument, vars, token))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
  });
});

describe('cursors', () => {
  /** Cursors are opaque, but a client may still hand one connection's cursor to another. */
  async function cursorsOf(t: Awaited<ReturnType<World['team']>>) {
    await w.task(t.plan, t.owner, { assignee: t.owner });
    await w.task(t.plan, t.owner, { assignee: t.owner });
    const eventCursor = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 1 }, t.ownerToken)).patientEvents
      .pageInfo.endCursor!;
    const taskCursor = ok(await hub.gql(MyTaskPageDocument, { first: 1 }, t.ownerToken)).myTasks.pageInfo.endCursor!;
    const patientCursor = ok(await hub.gql(PatientRosterDocument, { first: 1 }, t.ownerToken)).patients.pageInfo.endCursor!;
    return { eventCursor, taskCursor, patientCursor };
  }

  it("refuses another connection's cursor with BAD_USER_INPUT after, on patients, myTasks, CarePlan.tasks and Organization.providers", async () => {
    const t = await w.team();
    await w.patient([t.owner]);
    const { eventCursor, taskCursor, patientCursor } = await cursorsOf(t);
    const refused = [
      await hub.gql(PatientRosterDocument, { after: eventCursor }, t.ownerToken),
      await hub.gql(PatientRosterDocument, { after: Buffer.from(JSON.stringify([1, 2])).toString('base64url') }, t.ownerToken),
      await hub.gql(MyTaskPageDocument, { after: eventCursor }, t.ownerToken),
      await hub.gql(MyTaskPageDocument, { after: patientCursor }, t.ownerToken),
      await hub.gql(PlanTaskPageDocument, { id: t.plan.id, after: eventCursor }, t.ownerToken),
      await hub.gql(OrganizationDirectoryDocument, { id: w.org.id, after: eventCursor }, t.ownerToken),
    ];
    for (const result of refused) expect(refusal(result)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'after' } });
    expect(taskCursor).toEqual(expect.any(String));
  });

  it("refuses on patientEvents another connection's cursor, and sequence cursors no event can have, with BAD_USER_INPUT after", async () => {
    const t = await w.team();
    const { taskCursor } = await cursorsOf(t);
    const forged = (value: unknown) => Buffer.from(JSON.stringify([value])).toString('base64url');
    for (const after of [taskCursor, forged(1.5), forged(-1), forged(1e20)]) {
      expect(refusal(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, after }, t.ownerToken))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'after' },
      });
    }
  });
});

describe('the latest events (patientEvents with last and before)', () => {
  async function history() {
    const t = await w.team();
    for (let i = 0; i < 4; i++) await w.task(t.plan, t.owner, { assignee: t.owner });
    const all = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.ownerToken)).patientEvents;
    return { t, sequences: all.edges.map((e) => e.node.sequence) };
  }
  const latest = (t: Awaited<ReturnType<World['team']>>, vars: { last?: number; before?: string; first?: number; after?: string }) =>
    hub.gql(LatestPatientEventsDocument, { patientId: t.patient.id, ...vars }, t.ownerToken);

  it('gives the newest N events in sequence order, says earlier ones exist, and pages back with before: startCursor to the first event', async () => {
    const { t, sequences } = await history();
    expect(sequences.length).toBeGreaterThan(6);
    const newest = ok(await latest(t, { last: 3 })).patientEvents;
    expect(newest.edges.map((e) => e.node.sequence)).toEqual(sequences.slice(-3));
    expect(newest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(newest.totalCount).toBe(sequences.length);

    const seen = [...newest.edges.map((e) => e.node.sequence)];
    let page = newest;
    while (page.pageInfo.hasPreviousPage) {
      page = ok(await latest(t, { last: 3, before: page.pageInfo.startCursor! })).patientEvents;
      expect(page.pageInfo.hasNextPage).toBe(true);
      seen.unshift(...page.edges.map((e) => e.node.sequence));
    }
    expect(seen).toEqual(sequences);
    expect(page.edges[0].node.sequence).toBe(1);
  });

  it('takes a window between after and before, and a cursor from either direction in the other', async () => {
    const { t, sequences } = await history();
    const firstTwo = ok(await latest(t, { first: 2 })).patientEvents;
    const lastTwo = ok(await latest(t, { last: 2 })).patientEvents;
    const between = ok(
      await latest(t, { last: 100, after: firstTwo.pageInfo.endCursor!, before: lastTwo.pageInfo.startCursor! }),
    ).patientEvents;
    expect(between.edges.map((e) => e.node.sequence)).toEqual(sequences.slice(2, -2));
    expect(between.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const forward = ok(await latest(t, { first: 100, after: lastTwo.edges[0].cursor })).patientEvents;
    expect(forward.edges.map((e) => e.node.sequence)).toEqual(sequences.slice(-1));
  });

  it('refuses first and last together, a last outside 0–100, and a before this connection did not hand out, with BAD_USER_INPUT naming the argument', async () => {
    const t = await w.team();
    const forged = Buffer.from(JSON.stringify(['x'])).toString('base64url');
    for (const [vars, field] of [
      [{ first: 2, last: 2 }, 'last'],
      [{ last: 101 }, 'last'],
      [{ last: -1 }, 'last'],
      [{ last: 2, before: forged }, 'before'],
      [{ before: 'not a cursor' }, 'before'],
    ] as const) {
      expect(refusal(await latest(t, vars))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
  });
});

describe('another organization', () => {
  it('sees none of a patient, plan, task or event log: NOT_FOUND, and an empty patient list', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const elsewhere = await world(hub);
    const stranger = await elsewhere.provider();
    await elsewhere.patient([stranger]);
    const token = await elsewhere.token(stranger);
    expect(refusal(await hub.gql(PatientChartDocument, { id: t.patient.id }, token)).code).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(CarePlanDetailDocument, { id: t.plan.id }, token)).code).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id }, token)).code).toBe('NOT_FOUND');
    expect(ok(await hub.gql(TaskDetailDocument, { id: task.id }, token)).node).toBeNull();
    expect(refusal(await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: 1, to: 'CANCELLED' } }, token)).code).toBe(
      'NOT_FOUND',
    );
    expect(ok(await hub.gql(PatientRosterDocument, { search: t.patient.name }, token)).patients.totalCount).toBe(0);
  });
});

describe('values the GraphQL types refuse before any resolver runs', () => {
  // graphql-js refuses these while coercing variables; the hub still names the offending field.
  it('name the offending field in extensions.field (impossible date, unknown enum value, zone-less time)', async () => {
    const t = await w.team();
    const results = [
      [
        await hub.gql(
          RegisterPatientDocument,
          { input: { organizationId: w.org.id, mrn: 'M-1', name: 'X', birthDate: '2020-02-30' } },
          await w.adminToken(),
        ),
        'birthDate',
      ],
      [await hub.gql(RequestTaskDocument, { input: { carePlanId: t.plan.id, title: 'x', kind: 'NOPE' as never } }, t.ownerToken), 'kind'],
      [
        await hub.gql(
          RequestTaskDocument,
          { input: { carePlanId: t.plan.id, title: 'x', kind: 'OTHER', dueAt: '2030-03-01T09:00:00' } },
          t.ownerToken,
        ),
        'dueAt',
      ],
    ] as const;
    for (const [result, field] of results) expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});

describe("carePlan(id:) and the plan's navigation", () => {
  it('gives a team member the plan with owner, goals and tasks (in creation order, filterable by status)', async () => {
    const t = await w.team();
    const goal = await w.goal(t.plan, t.owner, 'Walk again');
    const first = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const second = await w.task(t.plan, t.nurse, { assignee: t.nurse, path: [TaskStatus.CANCELLED] });
    const plan = ok(await hub.gql(CarePlanDetailDocument, { id: t.plan.id }, t.nurseToken)).carePlan!;
    expect(plan).toMatchObject({
      id: t.plan.id,
      status: 'ACTIVE',
      owner: { id: t.owner.id, name: t.owner.name },
      patient: { id: t.patient.id },
      goals: [{ id: goal.id, description: 'Walk again', status: 'PROPOSED' }],
      tasks: { totalCount: 2, edges: [{ node: { id: first.id, status: 'REQUESTED' } }, { node: { id: second.id, status: 'CANCELLED' } }] },
    });
  });

  it('is NOT_FOUND for a provider off the team and for an unknown plan; BAD_USER_INPUT for a task id', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner);
    expect(refusal(await hub.gql(CarePlanDetailDocument, { id: t.plan.id }, t.outsiderToken)).code).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(CarePlanDetailDocument, { id: 'cpl_0000000000000000000000000000dead' }, t.ownerToken)).code).toBe(
      'NOT_FOUND',
    );
    expect(refusal(await hub.gql(CarePlanDetailDocument, { id: task.id }, t.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'id' },
    });
  });

  it('pages through CarePlan.tasks with cursors in creation order, filtered by status; refuses first above 100', async () => {
    const t = await w.team();
    const created = [];
    for (let i = 0; i < 5; i++)
      created.push(await w.task(t.plan, t.owner, { assignee: t.nurse, path: i === 2 ? [TaskStatus.REJECTED] : [] }));
    const { nodes, pages, totalCount } = await allPages(
      async (after) => ok(await hub.gql(PlanTaskPageDocument, { id: t.plan.id, first: 2, after }, t.nurseToken)).carePlan!.tasks,
    );
    expect([totalCount, pages]).toEqual([5, 3]);
    expect(nodes.map((n) => n.id)).toEqual(created.map((c) => c.id));
    const open = await allPages(
      async (after) =>
        ok(await hub.gql(PlanTaskPageDocument, { id: t.plan.id, first: 3, after, status: ['REQUESTED'] }, t.nurseToken)).carePlan!.tasks,
    );
    expect(open.nodes.map((n) => n.id)).toEqual(created.filter((_, i) => i !== 2).map((c) => c.id));
    const tooMany = await hub.gql(PlanTaskPageDocument, { id: t.plan.id, first: 101 }, t.nurseToken);
    expect(refusal(tooMany)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'first' } });
  });

  it('navigates a task to its assignee, requester, plan, patient and notes', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    await hub.gql(NoteOnTaskDocument, { input: { taskId: task.id, text: 'first' } }, t.ownerToken);
    await hub.gql(NoteOnTaskDocument, { input: { taskId: task.id, text: 'second' } }, t.nurseToken);
    const node = ok(await hub.gql(TaskDetailDocument, { id: task.id }, t.nurseToken)).node;
    expect(node).toMatchObject({
      id: task.id,
      assignee: { id: t.nurse.id, name: t.nurse.name },
      requester: { id: t.owner.id },
      carePlan: { id: t.plan.id },
      patient: { id: t.patient.id },
      notes: {
        totalCount: 2,
        edges: [{ node: { text: 'first', author: { id: t.owner.id } } }, { node: { text: 'second', author: { id: t.nurse.id } } }],
      },
    });
  });
});

describe('node(id:)', () => {
  it('resolves every Node type for a team member', async () => {
    const t = await w.team();
    const goal = await w.goal(t.plan, t.owner, 'Sleep well');
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, title: 'Visit' });
    const note = ok(await hub.gql(NoteOnTaskDocument, { input: { taskId: task.id, text: 'Door code 1234' } }, t.nurseToken)).addTaskNote;
    const chart = ok(await hub.gql(PatientChartDocument, { id: t.patient.id }, t.nurseToken)).patient!;
    const event = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 1 }, t.nurseToken)).patientEvents.edges[0]
      .node;
    const expected: [string, Record<string, unknown>][] = [
      [w.org.id, { __typename: 'Organization', name: w.org.name }],
      [t.owner.id, { __typename: 'Provider', name: t.owner.name }],
      [t.patient.id, { __typename: 'Patient', name: t.patient.name }],
      [chart.careTeam[1].id, { __typename: 'CareTeamMember', role: 'home nurse' }],
      [t.plan.id, { __typename: 'CarePlan', title: t.plan.title }],
      [goal.id, { __typename: 'Goal', description: 'Sleep well' }],
      [task.id, { __typename: 'Task', title: 'Visit' }],
      [note.id, { __typename: 'TaskNote', text: 'Door code 1234' }],
      [event.id, { __typename: 'Event', sequence: 1, type: 'PATIENT_CREATED' }],
    ];
    for (const [id, fields] of expected) {
      const result = await hub.gql(NodeLookupDocument, { id }, t.nurseToken);
      expect(result.errors).toBeUndefined();
      expect(result.data!.node).toEqual({ id, ...fields });
    }
  });

  it('is null for a provider off the team for every patient-scoped node, but shows the directory (Organization, Provider)', async () => {
    const t = await w.team();
    const goal = await w.goal(t.plan, t.owner);
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const note = ok(await hub.gql(NoteOnTaskDocument, { input: { taskId: task.id, text: 'secret' } }, t.nurseToken)).addTaskNote;
    const chart = ok(await hub.gql(PatientChartDocument, { id: t.patient.id }, t.nurseToken)).patient!;
    const event = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 1 }, t.nurseToken)).patientEvents.edges[0]
      .node;
    for (const id of [t.patient.id, chart.careTeam[0].id, t.plan.id, goal.id, task.id, note.id, event.id]) {
      const result = await hub.gql(NodeLookupDocument, { id }, t.outsiderToken);
      expect({ id, errors: result.errors, node: result.data?.node }).toEqual({ id, errors: undefined, node: null });
    }
    expect(ok(await hub.gql(NodeLookupDocument, { id: t.owner.id }, t.outsiderToken)).node).toMatchObject({ __typename: 'Provider' });
    expect(ok(await hub.gql(NodeLookupDocument, { id: w.org.id }, t.outsiderToken)).node).toMatchObject({ __typename: 'Organization' });
  });

  it('is null for malformed and unknown ids', async () => {
    const t = await w.team();
    for (const id of ['nope', 'tsk_0000000000000000000000000000dead', 'xyz_0000000000000000000000000000dead', '']) {
      const result = await hub.gql(NodeLookupDocument, { id }, t.ownerToken);
      expect({ id, errors: result.errors, node: result.data?.node }).toEqual({ id, errors: undefined, node: null });
    }
  });
});

describe('Provider.patients and Organization.providers', () => {
  it("lists a provider's patients only where the caller is on the team too, page by page", async () => {
    const t = await w.team();
    const shared = [t.patient];
    for (let i = 0; i < 4; i++) shared.push(await w.patient([t.owner, t.nurse]));
    await w.patient([t.owner]); // the owner's, not the nurse's
    const { nodes, totalCount } = await allPages(async (after) => {
      const node = ok(await hub.gql(ProviderRosterDocument, { id: t.owner.id, first: 2, after }, t.nurseToken)).node as {
        patients: Page<{ id: string }>;
      };
      return node.patients;
    });
    expect(totalCount).toBe(5);
    expect(nodes.map((n) => n.id).sort()).toEqual(shared.map((p) => p.id).sort());
  });

  it("pages through an organization's providers with cursors, each once", async () => {
    const org = ok(
      await hub.gql(RegisterOrganizationDocument, { input: { name: 'Small clinic' } }, await w.adminToken()),
    ).createOrganization;
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await w.provider({ organization: { id: org.id } as never }));
    const t = await w.team();
    const { nodes, pages, totalCount } = await allPages(async (after) => {
      const node = ok(await hub.gql(OrganizationDirectoryDocument, { id: org.id, first: 2, after }, t.ownerToken)).node as {
        providers: Page<{ id: string }>;
      };
      return node.providers;
    });
    expect([totalCount, pages]).toEqual([5, 3]);
    expect(nodes.map((n) => n.id)).toEqual(created.map((p) => p.id).sort());
  });
});

describe('patientEvents and the event log', () => {
  it('records every change as an event with its type and actor, numbered 1, 2, 3 … without gap, in commit order', async () => {
    const owner = await w.provider();
    const nurse = await w.provider();
    const patient = await w.patient([owner, nurse]); // 1 PATIENT_CREATED, 2–3 CARE_TEAM_MEMBER_ADDED (by the operator)
    const [o, n] = [await w.token(owner), await w.token(nurse)];
    const gql = async <R, V>(doc: TypedDocumentNode<R, V>, input: V, token: string) => ok(await hub.gql(doc, input, token));

    const plan = (
      await gql(StartCarePlanDocument, { input: { patientId: patient.id, title: 'Plan', category: 'GENERAL', ownerId: owner.id } }, n)
    ).createCarePlan;
    const active = (await gql(EditCarePlanDocument, { input: { id: plan.id, expectedVersion: 1, status: 'ACTIVE' } }, o)).updateCarePlan;
    const goal = (await gql(AddPlanGoalDocument, { input: { carePlanId: plan.id, description: 'Goal' } }, o)).addGoal;
    await gql(EditPlanGoalDocument, { input: { id: goal.id, status: 'ACTIVE' } }, o);
    const task = (
      await gql(RequestTaskDocument, { input: { carePlanId: plan.id, title: 'Task', kind: 'MEDICATION', assigneeId: owner.id } }, n)
    ).createTask;
    const assigned = (await gql(ReassignTaskDocument, { input: { id: task.id, expectedVersion: 1, assigneeId: nurse.id } }, n)).assignTask;
    await gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: assigned.version, to: 'ACCEPTED' } }, n);
    await gql(NoteOnTaskDocument, { input: { taskId: task.id, text: 'Note' } }, o);
    const current = (await gql(CarePlanDetailDocument, { id: plan.id }, o)).carePlan!;
    expect(current.version).toBeGreaterThan(active.version); // the goals moved it
    await gql(HandOverCarePlanDocument, { input: { id: plan.id, expectedVersion: current.version, newOwnerId: nurse.id } }, o);

    const expected = [
      ['PATIENT_CREATED', null],
      ['CARE_TEAM_MEMBER_ADDED', null],
      ['CARE_TEAM_MEMBER_ADDED', null],
      ['CARE_PLAN_CREATED', nurse.id],
      ['CARE_PLAN_UPDATED', owner.id],
      ['GOAL_ADDED', owner.id],
      ['GOAL_UPDATED', owner.id],
      ['TASK_CREATED', nurse.id],
      ['TASK_ASSIGNED', nurse.id],
      ['TASK_STATUS_CHANGED', nurse.id],
      ['TASK_NOTE_ADDED', owner.id],
      ['CARE_PLAN_OWNER_CHANGED', owner.id],
    ];
    const { nodes, pages, totalCount } = await allPages(
      async (after) => ok(await hub.gql(PatientEventLogDocument, { patientId: patient.id, first: 5, after }, n)).patientEvents,
    );
    expect([totalCount, pages]).toEqual([12, 3]);
    expect(nodes.map((e) => e.sequence)).toEqual(expected.map((_, i) => i + 1));
    expect(nodes.map((e) => [e.type, e.actor?.id ?? null])).toEqual(expected);
    expect(nodes.every((e) => e.patient.id === patient.id && e.summary.length > 0 && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(nodes[7]).toMatchObject({ task: { id: task.id }, carePlan: { id: plan.id } });
    expect(nodes[5]).toMatchObject({ goal: { id: goal.id }, carePlan: { id: plan.id } });
    expect(await w.eventLog(patient.id)).toMatchObject({ last: 12, count: 12 });
  });

  it('is NOT_FOUND for a provider off the team, BAD_USER_INPUT for a task id as patientId and for first above 100', async () => {
    const t = await w.team();
    expect(refusal(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id }, t.outsiderToken)).code).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(PatientEventLogDocument, { patientId: t.plan.id }, t.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'patientId' },
    });
    expect(refusal(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 101 }, t.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'first' },
    });
  });
});
