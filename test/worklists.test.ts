import crypto from 'node:crypto';
import {
  MyWorklistDocument,
  TeamWorklistDocument,
  type MyWorklistQuery,
  type TaskOrder,
  type TeamTaskFilter,
  type TeamWorklistQuery,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { post } from './support/raw';
import type { Provider } from '../src/modules/providers';
import type { CarePlan } from '../src/modules/care-plans';
import { TaskKind, TaskPriority, TaskStatus, tasks, type Task } from '../src/modules/tasks';

let hub: TestHub;
let w: World;
type Team = Awaited<ReturnType<World['team']>>;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => hub.orm.em.getConnection().execute<T[]>(query, params);

/** A task created by `by` through the service, with the deadline, priority, kind and assignee given. */
function task(
  plan: CarePlan,
  by: Provider,
  fields: { dueAt?: string | null; priority?: TaskPriority; kind?: TaskKind; assignee?: Provider | null; title?: string } = {},
): Promise<Task> {
  return tasks.create(w.contextOf(by), {
    carePlanId: plan.id,
    title: fields.title ?? `Task ${crypto.randomBytes(3).toString('hex')}`,
    kind: fields.kind ?? TaskKind.FOLLOW_UP,
    priority: fields.priority ?? TaskPriority.ROUTINE,
    assigneeId: fields.assignee === undefined ? by.id : (fields.assignee?.id ?? null),
    dueAt: fields.dueAt ? new Date(fields.dueAt) : null,
  });
}

type TeamNode = TeamWorklistQuery['teamTasks']['edges'][number]['node'];
type MyNode = MyWorklistQuery['myTasks']['edges'][number]['node'];
type Sortable = Pick<TeamNode, 'id' | 'dueAt' | 'priority' | 'updatedAt'>;

/** The orders as docs/contract.md states them, written out here independently of the server. */
const RANK: Record<string, number> = { STAT: 0, ASAP: 1, URGENT: 2, ROUTINE: 3 };
const byDue = (a: Sortable, b: Sortable) =>
  a.dueAt === b.dueAt ? 0 : a.dueAt === null ? 1 : b.dueAt === null ? -1 : Date.parse(a.dueAt) - Date.parse(b.dueAt);
const byId = (a: Sortable, b: Sortable) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const EXPECTED_ORDER: Record<TaskOrder, (a: Sortable, b: Sortable) => number> = {
  DUE_AT: (a, b) => byDue(a, b) || byId(a, b),
  PRIORITY: (a, b) => RANK[a.priority] - RANK[b.priority] || byDue(a, b) || byId(a, b),
  UPDATED_AT: (a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || byId(b, a),
};

/** Every page of teamTasks, `first` at a time; checks totalCount and the cursors on the way. */
async function allPages(token: string, variables: { filter?: TeamTaskFilter; orderBy?: TaskOrder }, first = 2) {
  const nodes: TeamNode[] = [];
  let after: string | null = null;
  let totalCount: number | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page: TeamWorklistQuery['teamTasks'] = ok(await hub.gql(TeamWorklistDocument, { ...variables, first, after }, token)).teamTasks;
    if (totalCount !== null) expect(page.totalCount).toBe(totalCount);
    totalCount = page.totalCount;
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    expect(page.edges.length).toBeLessThanOrEqual(first);
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return { nodes, totalCount };
    after = page.pageInfo.endCursor;
  }
  throw new Error('more than 50 pages');
}

const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id);

/**
 * A team (owner, nurse) with a second patient the owner is also on, and
 * tasks whose deadlines, priorities and change times tie in places.
 */
async function worklistFixture() {
  const t = await w.team();
  const second = await w.patient([t.owner]);
  const secondPlan = await w.plan(second, t.owner);
  const due = '2031-03-01T09:00:00.000Z';
  const made = [
    await task(t.plan, t.owner, { dueAt: due, priority: TaskPriority.URGENT }),
    await task(t.plan, t.owner, { dueAt: due, priority: TaskPriority.URGENT, assignee: t.nurse }),
    await task(secondPlan, t.owner, { dueAt: due, priority: TaskPriority.STAT }),
    await task(t.plan, t.owner, { dueAt: '2031-02-01T09:00:00.000Z', priority: TaskPriority.ROUTINE, assignee: null }),
    await task(secondPlan, t.owner, { dueAt: null, priority: TaskPriority.STAT }),
    await task(t.plan, t.owner, { dueAt: null, priority: TaskPriority.ASAP, assignee: t.nurse }),
    await task(t.plan, t.owner, { dueAt: null, priority: TaskPriority.ROUTINE }),
    await task(secondPlan, t.owner, { dueAt: '2030-12-24T18:30:00.000Z', priority: TaskPriority.ASAP }),
  ];
  made[5] = await tasks.transition(w.contextOf(t.nurse), { id: made[5].id, expectedVersion: made[5].version, to: TaskStatus.ACCEPTED });
  // Ties in the time of the last change too, as concurrent writes produce them.
  await sql(`update task set updated_at = '2024-01-01T00:00:00Z' where id in (?, ?, ?)`, [made[0].id, made[3].id, made[6].id]);
  return { t, second, secondPlan, made };
}

describe('teamTasks', () => {
  let f: Awaited<ReturnType<typeof worklistFixture>>;
  beforeAll(async () => {
    f = await worklistFixture();
  });

  it.each(['DUE_AT', 'PRIORITY', 'UPDATED_AT'] as TaskOrder[])(
    "pages through the caller's tasks in %s order with cursors: no gap, no duplicate, ties broken by id",
    async (orderBy) => {
      const { nodes, totalCount } = await allPages(f.t.ownerToken, { orderBy });
      expect(totalCount).toBe(f.made.length);
      expect(new Set(ids(nodes)).size).toBe(nodes.length);
      expect([...ids(nodes)].sort()).toEqual(ids(f.made).sort());
      expect(ids(nodes)).toEqual(ids([...nodes].sort(EXPECTED_ORDER[orderBy])));
    },
  );

  it('sorts by deadline when no order is given, tasks without a deadline last', async () => {
    const { nodes } = await allPages(f.t.ownerToken, {}, 100);
    expect(ids(nodes)).toEqual(ids([...nodes].sort(EXPECTED_ORDER.DUE_AT)));
    expect(nodes.at(-1)!.dueAt).toBeNull();
    expect(nodes[0].dueAt).toBe('2030-12-24T18:30:00.000Z');
  });

  it('puts STAT before ASAP before URGENT before ROUTINE in PRIORITY order', async () => {
    const { nodes } = await allPages(f.t.ownerToken, { orderBy: 'PRIORITY' }, 100);
    expect(nodes.map((n) => n.priority)).toEqual(['STAT', 'STAT', 'ASAP', 'ASAP', 'URGENT', 'URGENT', 'ROUTINE', 'ROUTINE']);
  });

  it('shows the latest change first in UPDATED_AT order: a task just moved comes to the top', async () => {
    const moved = await tasks.transition(w.contextOf(f.t.nurse), {
      id: f.made[1].id,
      expectedVersion: f.made[1].version,
      to: TaskStatus.ACCEPTED,
    });
    f.made[1] = moved;
    const page = ok(await hub.gql(TeamWorklistDocument, { orderBy: 'UPDATED_AT', first: 1 }, f.t.ownerToken)).teamTasks;
    expect(ids(page.edges.map((e) => e.node))).toEqual([moved.id]);
  });

  it.each<[string, (x: typeof f) => TeamTaskFilter, (n: TeamNode, x: typeof f) => boolean]>([
    ['patientIds', (x) => ({ patientIds: [x.second.id] }), (n, x) => n.patient.id === x.second.id],
    ['assigneeIds', (x) => ({ assigneeIds: [x.t.nurse.id] }), (n, x) => n.assignee?.id === x.t.nurse.id],
    ['unassigned: true', () => ({ unassigned: true }), (n) => n.assignee === null],
    ['unassigned: false', () => ({ unassigned: false }), (n) => n.assignee !== null],
    ['dueBefore', () => ({ dueBefore: '2031-03-01T09:00:00.000Z' }), (n) => n.dueAt !== null && n.dueAt < '2031-03-01T09:00:00.000Z'],
    ['status', () => ({ status: ['ACCEPTED'] }), (n) => n.status === 'ACCEPTED'],
    ['priority', () => ({ priority: ['STAT', 'URGENT'] }), (n) => n.priority === 'STAT' || n.priority === 'URGENT'],
  ])('filters by %s: exactly the tasks that match, in order, and totalCount counts them', async (_name, given, matches) => {
    const filter = given(f);
    const everything = (await allPages(f.t.ownerToken, {}, 100)).nodes;
    const expected = everything.filter((n) => matches(n, f));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(everything.length);
    const { nodes, totalCount } = await allPages(f.t.ownerToken, { filter }, 3);
    expect(totalCount).toBe(expected.length);
    expect(ids(nodes)).toEqual(ids(expected));
  });

  it('filters by kind', async () => {
    const t = await w.team();
    const visit = await task(t.plan, t.owner, { kind: TaskKind.HOME_VISIT });
    await task(t.plan, t.owner, { kind: TaskKind.MEDICATION });
    const { nodes } = await allPages(t.ownerToken, { filter: { kind: ['HOME_VISIT'] } });
    expect(ids(nodes)).toEqual([visit.id]);
  });

  it('combines assigneeIds with unassigned: true as "theirs or nobody\'s", and every filter given must hold', async () => {
    const { nodes } = await allPages(f.t.ownerToken, { filter: { assigneeIds: [f.t.nurse.id], unassigned: true } }, 100);
    expect([...ids(nodes)].sort()).toEqual([f.made[1].id, f.made[3].id, f.made[5].id].sort());
    const narrowed = await allPages(f.t.ownerToken, { filter: { assigneeIds: [f.t.nurse.id], priority: ['ASAP'] } });
    expect(ids(narrowed.nodes)).toEqual([f.made[5].id]);
  });

  it('shows a task as overdue while its deadline has passed and it is open, not once it is closed or without a deadline', async () => {
    const t = await w.team();
    const late = await task(t.plan, t.owner, { dueAt: '2020-06-01T08:00:00.000Z' });
    const lateButDone = await task(t.plan, t.owner, { dueAt: '2020-06-01T08:00:00.000Z' });
    for (const to of [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED]) {
      const current = await tasks.get(w.contextOf(t.owner), lateButDone.id);
      await tasks.transition(w.contextOf(t.owner), { id: current.id, expectedVersion: current.version, to });
    }
    const lateButCancelled = await task(t.plan, t.owner, { dueAt: '2020-06-02T08:00:00.000Z' });
    await tasks.transition(w.contextOf(t.owner), {
      id: lateButCancelled.id,
      expectedVersion: lateButCancelled.version,
      to: TaskStatus.CANCELLED,
    });
    const future = await task(t.plan, t.owner, { dueAt: '2090-01-01T00:00:00.000Z' });
    const undated = await task(t.plan, t.owner, { dueAt: null });
    const overdue = await allPages(t.ownerToken, { filter: { overdue: true } });
    expect(ids(overdue.nodes)).toEqual([late.id]);
    const notOverdue = await allPages(t.ownerToken, { filter: { overdue: false } });
    expect([...ids(notOverdue.nodes)].sort()).toEqual([lateButDone.id, lateButCancelled.id, future.id, undated.id].sort());
  });

  it("shows an open task of a provider whose membership ended as unassigned on the rest of the team's worklist", async () => {
    const t = await w.team();
    const handedBack = await task(t.plan, t.owner, { assignee: t.nurse, title: 'Wound check' });
    expect(ids((await allPages(t.ownerToken, { filter: { unassigned: true } })).nodes)).toEqual([]);
    await w.endMembership(t.nurseMembership);
    const { nodes } = await allPages(t.ownerToken, { filter: { unassigned: true } });
    expect(nodes.map((n) => [n.id, n.assignee, n.status])).toEqual([[handedBack.id, null, 'REQUESTED']]);
    // The provider who left sees nothing of the patient any more.
    expect((await allPages(t.nurseToken, {})).totalCount).toBe(0);
  });

  it('never shows tasks of a patient whose team the caller is not on, of the organization or of another one, even asked for by patientIds', async () => {
    const t = await w.team();
    const mine = await task(t.plan, t.owner);
    const neighbour = await w.team(); // same organization, another team
    const theirs = await task(neighbour.plan, neighbour.owner, { assignee: null });
    const elsewhere = await world(hub);
    const far = await elsewhere.team();
    const farTask = await task(far.plan, far.owner);
    expect(ids((await allPages(t.ownerToken, {})).nodes)).toEqual([mine.id]);
    const asked = await allPages(t.ownerToken, { filter: { patientIds: [neighbour.patient.id, far.patient.id] } });
    expect(asked).toEqual({ nodes: [], totalCount: 0 });
    const askedByAssignee = await allPages(t.ownerToken, { filter: { assigneeIds: [far.owner.id], unassigned: true } });
    expect(ids(askedByAssignee.nodes)).not.toContain(theirs.id);
    expect(ids(askedByAssignee.nodes)).not.toContain(farTask.id);
  });

  it('refuses a cursor of another order, of myTasks and a forged one with BAD_USER_INPUT on after', async () => {
    const orders: TaskOrder[] = ['DUE_AT', 'PRIORITY', 'UPDATED_AT'];
    const cursors = new Map<TaskOrder, string>();
    for (const orderBy of orders) {
      const page = ok(await hub.gql(TeamWorklistDocument, { orderBy, first: 1 }, f.t.ownerToken)).teamTasks;
      cursors.set(orderBy, page.pageInfo.endCursor!);
    }
    for (const orderBy of orders) {
      for (const [other, cursor] of cursors) {
        if (other === orderBy) continue;
        expect([orderBy, other, refusal(await hub.gql(TeamWorklistDocument, { orderBy, after: cursor }, f.t.ownerToken))]).toMatchObject([
          orderBy,
          other,
          { code: 'BAD_USER_INPUT', extensions: { field: 'after' } },
        ]);
      }
    }
    const myCursor = ok(await hub.gql(MyWorklistDocument, { first: 1 }, f.t.ownerToken)).myTasks.pageInfo.endCursor!;
    const forged = [
      myCursor,
      'garbage',
      Buffer.from(JSON.stringify(['due', 'yesterday', f.made[0].id])).toString('base64url'),
      Buffer.from(JSON.stringify(['priority', 9, '', f.made[0].id])).toString('base64url'),
      Buffer.from(JSON.stringify(['due', '', 'not-a-task'])).toString('base64url'),
    ];
    for (const after of forged) {
      expect(refusal(await hub.gql(TeamWorklistDocument, { after }, f.t.ownerToken))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'after' },
      });
    }
  });

  it('refuses a malformed patient or assignee id with BAD_USER_INPUT naming the filter field', async () => {
    const cases: [TeamTaskFilter, string][] = [
      [{ patientIds: ['nope'] }, 'patientIds'],
      [{ assigneeIds: [f.t.patient.id] }, 'assigneeIds'],
    ];
    for (const [filter, field] of cases) {
      expect(refusal(await hub.gql(TeamWorklistDocument, { filter }, f.t.ownerToken))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field },
      });
    }
  });

  it('refuses an ADMIN operator, who has no clinical access, with FORBIDDEN', async () => {
    expect(refusal(await hub.gql(TeamWorklistDocument, {}, await w.adminToken())).code).toBe('FORBIDDEN');
  });

  it('records one READ audit record for each patient whose tasks were shown', async () => {
    const requestId = `worklist-${crypto.randomUUID()}`;
    const result = await post(
      hub,
      'query AuditWorklist { teamTasks(first: 100) { totalCount } teamTasks2: teamTasks(first: 100) { edges { node { id } } } }',
      {},
      f.t.ownerToken,
      requestId,
    );
    expect(result.errors).toBeUndefined();
    const rows = await sql<{ patient_id: string; kind: string }>(
      'select patient_id, kind from audit_record where request_id = ? order by patient_id',
      [requestId],
    );
    expect(rows).toEqual([f.t.patient.id, f.second.id].sort().map((patient_id) => ({ patient_id, kind: 'READ' })));
  });
});

describe('myTasks with orders and overdue', () => {
  let t: Team;
  let mine: Task[];
  beforeAll(async () => {
    t = await w.team();
    mine = [
      await task(t.plan, t.owner, { assignee: t.nurse, dueAt: '2031-05-01T00:00:00.000Z', priority: TaskPriority.ROUTINE }),
      await task(t.plan, t.owner, { assignee: t.nurse, dueAt: null, priority: TaskPriority.STAT }),
      await task(t.plan, t.owner, { assignee: t.nurse, dueAt: '2020-05-01T00:00:00.000Z', priority: TaskPriority.URGENT }),
      await task(t.plan, t.owner, { assignee: t.nurse, dueAt: '2031-05-01T00:00:00.000Z', priority: TaskPriority.STAT }),
    ];
    await task(t.plan, t.owner, { assignee: t.owner, dueAt: '2020-05-01T00:00:00.000Z' }); // not the nurse's
  });

  async function myPages(variables: { orderBy?: TaskOrder; overdue?: boolean }, first = 1) {
    const nodes: MyNode[] = [];
    let after: string | null = null;
    for (;;) {
      const page: MyWorklistQuery['myTasks'] = ok(await hub.gql(MyWorklistDocument, { ...variables, first, after }, t.nurseToken)).myTasks;
      nodes.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return nodes;
      after = page.pageInfo.endCursor;
    }
  }

  it('keeps creation order and its cursors when no order is given', async () => {
    expect(ids(await myPages({}))).toEqual(ids(mine));
  });

  it.each(['DUE_AT', 'PRIORITY', 'UPDATED_AT'] as TaskOrder[])('sorts and pages in %s order like teamTasks', async (orderBy) => {
    const nodes = await myPages({ orderBy });
    expect([...ids(nodes)].sort()).toEqual(ids(mine).sort());
    expect(ids(nodes)).toEqual(ids([...nodes].sort(EXPECTED_ORDER[orderBy])));
  });

  it("shows only the caller's overdue tasks with overdue: true", async () => {
    expect(ids(await myPages({ overdue: true }))).toEqual([mine[2].id]);
    // Both due 2031-05-01 (ties by id), then the one without a deadline.
    expect(ids(await myPages({ overdue: false, orderBy: 'DUE_AT' }))).toEqual([...[mine[0].id, mine[3].id].sort(), mine[1].id]);
  });

  it('refuses a cursor of the creation order under an explicit order with BAD_USER_INPUT on after', async () => {
    const after = ok(await hub.gql(MyWorklistDocument, { first: 1 }, t.nurseToken)).myTasks.pageInfo.endCursor!;
    expect(refusal(await hub.gql(MyWorklistDocument, { orderBy: 'DUE_AT', after }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'after' },
    });
  });
});
