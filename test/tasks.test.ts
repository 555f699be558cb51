import {
  MoveTaskDocument,
  MyTaskPageDocument,
  NoteOnTaskDocument,
  PatientEventLogDocument,
  ReassignTaskDocument,
  LatestPatientEventsDocument,
  RequestTaskDocument,
  TaskDetailDocument,
  type MyTaskPageQuery,
  type TaskStatus as Status,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { CarePlanStatus } from '../src/modules/care-plans';
import { TaskStatus } from '../src/modules/tasks';

let hub: TestHub;
let w: World;
type Team = Awaited<ReturnType<World['team']>>;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

/** The lifecycle table of docs/contract.md, written out here independently of the server's own copy. */
const STATUSES: Status[] = ['REQUESTED', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'FAILED'];
const ALLOWED: Record<Status, Status[]> = {
  REQUESTED: ['ACCEPTED', 'REJECTED', 'CANCELLED'],
  ACCEPTED: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['ON_HOLD', 'COMPLETED', 'FAILED'],
  ON_HOLD: ['IN_PROGRESS', 'CANCELLED'],
  REJECTED: [],
  CANCELLED: [],
  COMPLETED: [],
  FAILED: [],
};
/** How the assignee walks a new task into each status. */
const PATH: Record<Status, Status[]> = {
  REQUESTED: [],
  ACCEPTED: ['ACCEPTED'],
  REJECTED: ['REJECTED'],
  CANCELLED: ['CANCELLED'],
  IN_PROGRESS: ['ACCEPTED', 'IN_PROGRESS'],
  ON_HOLD: ['ACCEPTED', 'IN_PROGRESS', 'ON_HOLD'],
  COMPLETED: ['ACCEPTED', 'IN_PROGRESS', 'COMPLETED'],
  FAILED: ['ACCEPTED', 'IN_PROGRESS', 'FAILED'],
};
const toEnum = (s: Status) => TaskStatus[s];
const PAIRS = STATUSES.flatMap((from) => STATUSES.map((to) => ({ from, to, allowed: ALLOWED[from].includes(to) })));

const repeat = (n: number) => 'x'.repeat(n);

describe('the task lifecycle (docs/contract.md table, all 8 × 8 pairs)', () => {
  let team: Team; // one team for the table; each case walks its own task
  beforeAll(async () => {
    team = await w.team();
  });

  it('covers 64 pairs: 10 allowed, 54 refused', () => {
    expect(PAIRS).toHaveLength(64);
    expect(PAIRS.filter((p) => p.allowed)).toHaveLength(10);
  });

  it.each(PAIRS.filter((p) => p.allowed))(
    'moves a task from $from to $to, +1 version, one TASK_STATUS_CHANGED event',
    async ({ from, to }) => {
      const task = await w.task(team.plan, team.owner, { assignee: team.nurse, path: PATH[from].map(toEnum) });
      expect(task.status).toBe(from);
      const before = await w.eventLog(team.patient.id);

      const moved = ok(await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: task.version, to } }, team.nurseToken));
      expect(moved.transitionTask).toMatchObject({ id: task.id, status: to, version: task.version + 1 });

      const after = await w.eventLog(team.patient.id);
      expect(after.last).toBe(before.last + 1);
      expect(after.types.at(-1)).toBe('TASK_STATUS_CHANGED');
    },
  );

  it.each(PAIRS.filter((p) => !p.allowed))(
    'refuses $from → $to with INVALID_TRANSITION naming both, and leaves the task unchanged',
    async ({ from, to }) => {
      const task = await w.task(team.plan, team.owner, { assignee: team.nurse, path: PATH[from].map(toEnum) });
      const row = await w.row('task', task.id);
      const before = await w.eventLog(team.patient.id);

      const error = refusal(
        await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: task.version, to } }, team.nurseToken),
      );
      expect(error.code).toBe('INVALID_TRANSITION');
      expect(error.extensions).toMatchObject({ from, to });

      expect(await w.row('task', task.id)).toEqual(row);
      expect(await w.eventLog(team.patient.id)).toEqual(before);
    },
  );
});

describe('createTask', () => {
  it('lets any team member create a task on the plan, REQUESTED at version 1, and records TASK_CREATED by that member', async () => {
    const { nurse, owner, plan, patient, nurseToken } = await w.team();
    const data = ok(
      await hub.gql(
        RequestTaskDocument,
        {
          input: {
            carePlanId: plan.id,
            title: '  Wound check  ',
            kind: 'HOME_VISIT',
            priority: 'URGENT',
            assigneeId: owner.id,
            dueAt: '2030-03-01T09:00:00Z',
          },
        },
        nurseToken,
      ),
    );
    expect(data.createTask).toMatchObject({
      title: 'Wound check',
      kind: 'HOME_VISIT',
      priority: 'URGENT',
      status: 'REQUESTED',
      version: 1,
      dueAt: '2030-03-01T09:00:00.000Z',
      assignee: { id: owner.id },
      requester: { id: nurse.id },
      carePlan: { id: plan.id },
      patient: { id: patient.id },
    });
    const log = ok(await hub.gql(PatientEventLogDocument, { patientId: patient.id, first: 100 }, nurseToken)).patientEvents;
    expect(log.edges.at(-1)!.node).toMatchObject({
      type: 'TASK_CREATED',
      actor: { id: nurse.id },
      task: { id: data.createTask.id },
      carePlan: { id: plan.id },
    });
  });

  it('accepts a due time with any zone offset, stored as the same instant, and the bounds 2000-01-01 and 2100-12-31', async () => {
    const { plan, ownerToken } = await w.team();
    const due = async (dueAt: string) =>
      ok(await hub.gql(RequestTaskDocument, { input: { carePlanId: plan.id, title: 'Due', kind: 'OTHER', dueAt } }, ownerToken)).createTask
        .dueAt;
    expect(await due('2030-03-01T09:00:00+02:00')).toBe('2030-03-01T07:00:00.000Z');
    expect(await due('2000-01-01T00:00:00Z')).toBe('2000-01-01T00:00:00.000Z');
    expect(await due('2100-12-31T23:59:59Z')).toBe('2100-12-31T23:59:59.000Z');
  });

  it('refuses a due time without a zone, or not a time at all, with BAD_USER_INPUT', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id);
    for (const dueAt of ['2030-03-01T09:00:00', 'tomorrow']) {
      expect(
        refusal(await hub.gql(RequestTaskDocument, { input: { carePlanId: t.plan.id, title: 'Due', kind: 'OTHER', dueAt } }, t.ownerToken))
          .code,
      ).toBe('BAD_USER_INPUT');
    }
    await unchanged();
  });

  it('creates an unassigned ROUTINE task when neither assignee nor priority is given', async () => {
    const { plan, ownerToken } = await w.team();
    const data = ok(
      await hub.gql(RequestTaskDocument, { input: { carePlanId: plan.id, title: 'Call pharmacy', kind: 'OTHER' } }, ownerToken),
    );
    expect(data.createTask).toMatchObject({ assignee: null, priority: 'ROUTINE', dueAt: null });
  });

  describe('refuses, creating no task and no event', () => {
    type Who = 'nobody' | 'outsider' | 'admin' | 'nurse';
    const cases: [string, Who, (t: Team) => Promise<Record<string, unknown>>, string, string | null][] = [
      ['without a token: UNAUTHENTICATED', 'nobody', async () => ({}), 'UNAUTHENTICATED', null],
      ['for a provider not on the team: NOT_FOUND', 'outsider', async () => ({}), 'NOT_FOUND', null],
      ['for an ADMIN who is not on the team: NOT_FOUND', 'admin', async () => ({}), 'NOT_FOUND', null],
      [
        'for an unknown plan id: NOT_FOUND',
        'nurse',
        async () => ({ carePlanId: 'cpl_0000000000000000000000000000dead' }),
        'NOT_FOUND',
        null,
      ],
      ['an empty title: BAD_USER_INPUT title', 'nurse', async () => ({ title: '' }), 'BAD_USER_INPUT', 'title'],
      ['a title of blanks only: BAD_USER_INPUT title', 'nurse', async () => ({ title: '   ' }), 'BAD_USER_INPUT', 'title'],
      ['a title of 201 characters: BAD_USER_INPUT title', 'nurse', async () => ({ title: repeat(201) }), 'BAD_USER_INPUT', 'title'],
      [
        'a task id where a plan id is expected: BAD_USER_INPUT carePlanId',
        'nurse',
        async (t) => ({ carePlanId: (await w.task(t.plan, t.owner)).id }),
        'BAD_USER_INPUT',
        'carePlanId',
      ],
      [
        'a malformed plan id: BAD_USER_INPUT carePlanId',
        'nurse',
        async () => ({ carePlanId: 'not-an-id' }),
        'BAD_USER_INPUT',
        'carePlanId',
      ],
      [
        'an assignee who is not on the team: BAD_USER_INPUT assigneeId',
        'nurse',
        async (t) => ({ assigneeId: t.outsider.id }),
        'BAD_USER_INPUT',
        'assigneeId',
      ],
      [
        'a patient id as assignee: BAD_USER_INPUT assigneeId',
        'nurse',
        async (t) => ({ assigneeId: t.patient.id }),
        'BAD_USER_INPUT',
        'assigneeId',
      ],
      ['a due time in 1900: BAD_USER_INPUT dueAt', 'nurse', async () => ({ dueAt: '1900-01-01T10:00:00Z' }), 'BAD_USER_INPUT', 'dueAt'],
      ['a due time in 3000: BAD_USER_INPUT dueAt', 'nurse', async () => ({ dueAt: '3000-01-01T10:00:00Z' }), 'BAD_USER_INPUT', 'dueAt'],
      [
        'a description over 10000 characters: BAD_USER_INPUT description',
        'nurse',
        async () => ({ description: repeat(10001) }),
        'BAD_USER_INPUT',
        'description',
      ],
    ];
    it.each(cases)('%s', async (_name, who, override, code, field) => {
      const t = await w.team();
      const token = { nobody: null, outsider: t.outsiderToken, admin: await w.adminToken(), nurse: t.nurseToken }[who];
      const input = { carePlanId: t.plan.id, title: 'Wound check', kind: 'HOME_VISIT' as const, ...(await override(t)) };
      const countTasks = async () =>
        (await hub.orm.em.getConnection().execute('select count(*)::int as n from task where patient_id = ?', [t.patient.id]))[0].n;
      const tasksBefore = await countTasks();
      const unchanged = await w.snapshot(t.patient.id);
      const error = refusal(await hub.gql(RequestTaskDocument, { input }, token));
      expect(error.code).toBe(code);
      if (field) expect(error.extensions.field).toBe(field);
      expect(await countTasks()).toBe(tasksBefore);
      await unchanged();
    });
  });

  it('refuses a task on a COMPLETED plan with FORBIDDEN', async () => {
    const t = await w.team({ planStatus: CarePlanStatus.COMPLETED });
    const before = await w.eventLog(t.patient.id);
    const error = refusal(
      await hub.gql(RequestTaskDocument, { input: { carePlanId: t.plan.id, title: 'Late', kind: 'OTHER' } }, t.ownerToken),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(await w.eventLog(t.patient.id)).toEqual(before);
  });
});

describe('assignTask', () => {
  it('keeps a note given with the assignment on the TASK_ASSIGNED event, quoted in its summary after the two names', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const note = 'Daniel knows the patient from the ward; please call before the visit.';
    ok(
      await hub.gql(
        ReassignTaskDocument,
        { input: { id: task.id, expectedVersion: task.version, assigneeId: t.owner.id, note } },
        t.ownerToken,
      ),
    );
    const [event] = ok(await hub.gql(LatestPatientEventsDocument, { patientId: t.patient.id, last: 1 }, t.ownerToken)).patientEvents.edges;
    expect(event.node).toEqual({
      sequence: expect.any(Number),
      type: 'TASK_ASSIGNED',
      note,
      summary: `${t.owner.name} reassigned "${task.title}" from ${t.nurse.name} to ${t.owner.name}: ${note}`,
    });
    const blank = refusal(
      await hub.gql(
        ReassignTaskDocument,
        { input: { id: task.id, expectedVersion: task.version + 1, assigneeId: t.nurse.id, note: ' ' } },
        t.ownerToken,
      ),
    );
    expect(blank).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'note' } });
  });

  it('lets the plan owner reassign a task: back to REQUESTED for the new assignee, +1 version, TASK_ASSIGNED by the owner', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED] });
    const data = ok(
      await hub.gql(ReassignTaskDocument, { input: { id: task.id, expectedVersion: task.version, assigneeId: t.owner.id } }, t.ownerToken),
    );
    expect(data.assignTask).toEqual({ id: task.id, status: 'REQUESTED', version: task.version + 1, assignee: { id: t.owner.id } });
    const log = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.ownerToken)).patientEvents;
    expect(log.edges.at(-1)!.node).toMatchObject({ type: 'TASK_ASSIGNED', actor: { id: t.owner.id }, task: { id: task.id } });
  });

  it('lets the requester reassign, and any team member claim an unassigned task', async () => {
    const t = await w.team();
    const requested = await w.task(t.plan, t.nurse, { assignee: t.nurse });
    ok(
      await hub.gql(
        ReassignTaskDocument,
        { input: { id: requested.id, expectedVersion: requested.version, assigneeId: t.owner.id } },
        t.nurseToken,
      ),
    );
    const open = await w.task(t.plan, t.owner, { assignee: null });
    const claimed = ok(
      await hub.gql(ReassignTaskDocument, { input: { id: open.id, expectedVersion: open.version, assigneeId: t.nurse.id } }, t.nurseToken),
    );
    expect(claimed.assignTask.assignee).toEqual({ id: t.nurse.id });
  });

  async function refusedAssign(
    setup: (t: Team) => Promise<{ token: string | null; input: { id: string; expectedVersion: number; assigneeId: string } }>,
  ) {
    const t = await w.team();
    const { token, input } = await setup(t);
    const row = input.id.startsWith('tsk_') ? await w.row('task', input.id) : null;
    const before = await w.eventLog(t.patient.id);
    const error = refusal(await hub.gql(ReassignTaskDocument, { input }, token));
    if (row) expect(await w.row('task', input.id)).toEqual(row);
    expect(await w.eventLog(t.patient.id)).toEqual(before);
    return error;
  }

  it('refuses without a token (UNAUTHENTICATED), changing nothing', async () => {
    const error = await refusedAssign(async (t) => {
      const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
      return { token: null, input: { id: task.id, expectedVersion: 1, assigneeId: t.owner.id } };
    });
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it('answers NOT_FOUND to a provider who is not on the team, and for an unknown task, changing nothing', async () => {
    expect(
      (
        await refusedAssign(async (t) => {
          const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
          return { token: t.outsiderToken, input: { id: task.id, expectedVersion: 1, assigneeId: t.outsider.id } };
        })
      ).code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await refusedAssign(async (t) => ({
          token: t.ownerToken,
          input: { id: 'tsk_0000000000000000000000000000dead', expectedVersion: 1, assigneeId: t.nurse.id },
        }))
      ).code,
    ).toBe('NOT_FOUND');
  });

  it('refuses a team member who is neither plan owner nor requester with FORBIDDEN, changing nothing', async () => {
    const error = await refusedAssign(async (t) => {
      const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
      return { token: t.nurseToken, input: { id: task.id, expectedVersion: task.version, assigneeId: t.owner.id } };
    });
    expect(error.code).toBe('FORBIDDEN');
  });

  it('refuses an assignee who is not on the team, the current assignee, or a malformed id with BAD_USER_INPUT assigneeId', async () => {
    for (const pick of [(t: Team) => t.outsider.id, (t: Team) => t.nurse.id, () => 'prv_nope']) {
      const error = await refusedAssign(async (t) => {
        const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
        return { token: t.ownerToken, input: { id: task.id, expectedVersion: task.version, assigneeId: pick(t) } };
      });
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'assigneeId' } });
    }
  });

  it('refuses a plan id where a task id is expected with BAD_USER_INPUT id', async () => {
    const error = await refusedAssign(async (t) => ({
      token: t.ownerToken,
      input: { id: t.plan.id, expectedVersion: 1, assigneeId: t.nurse.id },
    }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'id' } });
  });

  it('refuses a stale expectedVersion with CONFLICT carrying the current version, and writes nothing', async () => {
    const error = await refusedAssign(async (t) => {
      const task = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED] });
      return { token: t.ownerToken, input: { id: task.id, expectedVersion: task.version - 1, assigneeId: t.owner.id } };
    });
    expect(error).toMatchObject({ code: 'CONFLICT', extensions: { currentVersion: 2 } });
  });

  it('refuses to reassign a COMPLETED task with INVALID_TRANSITION, changing nothing', async () => {
    const error = await refusedAssign(async (t) => {
      const task = await w.task(t.plan, t.owner, { assignee: t.nurse, path: PATH.COMPLETED.map(toEnum) });
      return { token: t.ownerToken, input: { id: task.id, expectedVersion: task.version, assigneeId: t.owner.id } };
    });
    expect(error).toMatchObject({ code: 'INVALID_TRANSITION', extensions: { from: 'COMPLETED' } });
  });
});

describe('transitionTask: who may move a task, and the rest of its errors', () => {
  it('lets the plan owner start and finish a task assigned to someone else', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED] });
    const started = ok(
      await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: task.version, to: 'IN_PROGRESS' } }, t.ownerToken),
    );
    expect(started.transitionTask.status).toBe('IN_PROGRESS');
  });

  it('lets the requester cancel a task assigned to someone else, but not work it (FORBIDDEN)', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.nurse, { assignee: t.owner, path: [TaskStatus.ACCEPTED] });
    const unchanged = await w.snapshot(t.patient.id, 'task', task.id);
    expect(
      refusal(await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: task.version, to: 'IN_PROGRESS' } }, t.nurseToken))
        .code,
    ).toBe('FORBIDDEN');
    await unchanged();
    const cancelled = ok(
      await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: task.version, to: 'CANCELLED' } }, t.nurseToken),
    );
    expect(cancelled.transitionTask.status).toBe('CANCELLED');
  });

  it('keeps the note of a transition as the status reason and as a task note by the actor', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const moved = ok(
      await hub.gql(
        MoveTaskDocument,
        { input: { id: task.id, expectedVersion: task.version, to: 'REJECTED', note: ' Not my discipline ' } },
        t.nurseToken,
      ),
    );
    expect(moved.transitionTask).toMatchObject({ status: 'REJECTED', statusReason: 'Not my discipline' });
    const detail = ok(await hub.gql(TaskDetailDocument, { id: task.id }, t.ownerToken)).node as {
      notes: { totalCount: number; edges: { node: unknown }[] };
    };
    expect(detail.notes.totalCount).toBe(1);
    expect(detail.notes.edges[0].node).toMatchObject({ text: 'Not my discipline', author: { id: t.nurse.id } });
  });

  it('refuses the owner accepting a task assigned to someone else, and a non-assignee starting it, with FORBIDDEN', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const before = await w.eventLog(t.patient.id);
    expect(
      refusal(await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: 1, to: 'ACCEPTED' } }, t.ownerToken)).code,
    ).toBe('FORBIDDEN');
    const ownersTask = await w.task(t.plan, t.owner, { assignee: t.owner, path: [TaskStatus.ACCEPTED] });
    const mid = await w.eventLog(t.patient.id);
    expect(
      refusal(
        await hub.gql(
          MoveTaskDocument,
          { input: { id: ownersTask.id, expectedVersion: ownersTask.version, to: 'IN_PROGRESS' } },
          t.nurseToken,
        ),
      ).code,
    ).toBe('FORBIDDEN');
    expect((await w.row('task', task.id)).status).toBe('REQUESTED');
    expect((await w.row('task', ownersTask.id)).status).toBe('ACCEPTED');
    expect(mid.last).toBe(before.last + 2); // the second task's creation and acceptance only
    expect(await w.eventLog(t.patient.id)).toEqual(mid);
  });

  it('refuses without a token (UNAUTHENTICATED) and for a provider off the team (NOT_FOUND)', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const before = await w.eventLog(t.patient.id);
    const input = { id: task.id, expectedVersion: 1, to: 'ACCEPTED' as const };
    expect(refusal(await hub.gql(MoveTaskDocument, { input }, null)).code).toBe('UNAUTHENTICATED');
    expect(refusal(await hub.gql(MoveTaskDocument, { input }, t.outsiderToken)).code).toBe('NOT_FOUND');
    expect(await w.eventLog(t.patient.id)).toEqual(before);
    expect((await w.row('task', task.id)).status).toBe('REQUESTED');
  });

  it('refuses a goal id as task id, and a note over 10000 characters, with BAD_USER_INPUT and the field', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const goal = await w.goal(t.plan, t.owner);
    const before = await w.eventLog(t.patient.id);
    expect(
      refusal(await hub.gql(MoveTaskDocument, { input: { id: goal.id, expectedVersion: 1, to: 'ACCEPTED' } }, t.nurseToken)),
    ).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'id' } });
    expect(
      refusal(
        await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: 1, to: 'ACCEPTED', note: repeat(10001) } }, t.nurseToken),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'note' } });
    expect(await w.eventLog(t.patient.id)).toEqual(before);
    expect((await w.row('task', task.id)).status).toBe('REQUESTED');
  });

  it('refuses a stale expectedVersion with CONFLICT carrying the current version, and writes nothing', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS] });
    const row = await w.row('task', task.id);
    const before = await w.eventLog(t.patient.id);
    const error = refusal(await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: 2, to: 'COMPLETED' } }, t.nurseToken));
    expect(error).toMatchObject({ code: 'CONFLICT', extensions: { currentVersion: 3 } });
    expect(await w.row('task', task.id)).toEqual(row);
    expect(await w.eventLog(t.patient.id)).toEqual(before);
  });

  it('lets exactly one of two concurrent transitions with the same expectedVersion win; the other gets CONFLICT; one event', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS] });
    const before = await w.eventLog(t.patient.id);
    const results = await Promise.all([
      hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: task.version, to: 'COMPLETED' } }, t.nurseToken),
      hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: task.version, to: 'ON_HOLD' } }, t.ownerToken),
    ]);
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(refusal(losers[0])).toMatchObject({ code: 'CONFLICT', extensions: { currentVersion: task.version + 1 } });
    const stored = await w.row('task', task.id);
    expect(stored).toMatchObject({ status: winners[0].data!.transitionTask.status, version: task.version + 1 });
    const after = await w.eventLog(t.patient.id);
    expect(after.last).toBe(before.last + 1);
    expect(after.count).toBe(before.count + 1);
  });
});

describe('addTaskNote', () => {
  it('lets any team member note on a task, open or closed, with TASK_NOTE_ADDED by the author', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.owner, path: PATH.COMPLETED.map(toEnum) });
    const data = ok(await hub.gql(NoteOnTaskDocument, { input: { taskId: task.id, text: ' Patient stable ' } }, t.nurseToken));
    expect(data.addTaskNote).toMatchObject({ text: 'Patient stable', author: { id: t.nurse.id }, task: { id: task.id } });
    const log = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.nurseToken)).patientEvents;
    expect(log.edges.at(-1)!.node).toMatchObject({ type: 'TASK_NOTE_ADDED', actor: { id: t.nurse.id }, task: { id: task.id } });
    // A note does not change the task (nor its version).
    expect(await w.row('task', task.id)).toMatchObject({ version: task.version, status: 'COMPLETED' });
  });

  it.each([
    ['without a token: UNAUTHENTICATED', 'none', {}, 'UNAUTHENTICATED', undefined],
    ['by a provider off the team: NOT_FOUND', 'outsider', {}, 'NOT_FOUND', undefined],
    ['on an unknown task: NOT_FOUND', 'nurse', { taskId: 'tsk_0000000000000000000000000000dead' }, 'NOT_FOUND', undefined],
    ['with an empty text: BAD_USER_INPUT text', 'nurse', { text: '' }, 'BAD_USER_INPUT', 'text'],
    ['with blanks only: BAD_USER_INPUT text', 'nurse', { text: ' \n ' }, 'BAD_USER_INPUT', 'text'],
    ['with 10001 characters: BAD_USER_INPUT text', 'nurse', { text: repeat(10001) }, 'BAD_USER_INPUT', 'text'],
    ['with a plan id as task: BAD_USER_INPUT taskId', 'nurse', { taskId: 'plan' }, 'BAD_USER_INPUT', 'taskId'],
  ] as const)('refuses a note %s, adding no note and no event', async (_name, who, input, code, field) => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const token = who === 'none' ? null : who === 'outsider' ? t.outsiderToken : t.nurseToken;
    const before = await w.eventLog(t.patient.id);
    const taskId = 'taskId' in input ? (input.taskId === 'plan' ? t.plan.id : input.taskId) : task.id;
    const error = refusal(await hub.gql(NoteOnTaskDocument, { input: { taskId, text: 'text' in input ? input.text : 'A note' } }, token));
    expect(error.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    const [{ n }] = await hub.orm.em.getConnection().execute('select count(*)::int as n from task_note where task_id = ?', [task.id]);
    expect(n).toBe(0);
    expect(await w.eventLog(t.patient.id)).toEqual(before);
  });
});

describe('myTasks', () => {
  it("pages through the caller's tasks with cursors: no duplicate, no gap, constant totalCount, hasNextPage false at the end", async () => {
    const t = await w.team();
    const other = await w.team();
    await w.addMember(other.patient, t.nurse);
    const mine = [];
    for (let i = 0; i < 7; i++) mine.push(await w.task(i % 2 ? t.plan : other.plan, i % 2 ? t.owner : other.owner, { assignee: t.nurse }));
    await w.task(t.plan, t.owner, { assignee: t.owner }); // not the nurse's
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: MyTaskPageQuery['myTasks'] = ok(await hub.gql(MyTaskPageDocument, { first: 3, after }, t.nurseToken)).myTasks;
      pages += 1;
      expect(page.totalCount).toBe(7);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      page.edges.forEach((e) => expect(e.node.assignee).toEqual({ id: t.nurse.id }));
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(mine.map((m) => m.id).sort());
  });

  it('leaves out tasks of patients whose team the caller has left, even closed ones still assigned to them', async () => {
    const t = await w.team();
    const stays = await w.team();
    await w.addMember(stays.patient, t.nurse);
    const kept = await w.task(stays.plan, stays.owner, { assignee: t.nurse });
    await w.task(t.plan, t.owner, { assignee: t.nurse, path: PATH.COMPLETED.map(toEnum) });
    await w.endMembership(t.nurseMembership);
    const page = ok(await hub.gql(MyTaskPageDocument, {}, t.nurseToken)).myTasks;
    expect(page.totalCount).toBe(1);
    expect(page.edges.map((e) => e.node.id)).toEqual([kept.id]);
  });

  it('filters by status', async () => {
    const t = await w.team();
    const requested = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const accepted = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED] });
    await w.task(t.plan, t.owner, { assignee: t.nurse, path: PATH.COMPLETED.map(toEnum) });
    const open = ok(await hub.gql(MyTaskPageDocument, { status: ['REQUESTED', 'ACCEPTED'] }, t.nurseToken)).myTasks;
    expect(open.totalCount).toBe(2);
    expect(open.edges.map((e) => e.node.id).sort()).toEqual([requested.id, accepted.id].sort());
    const done = ok(await hub.gql(MyTaskPageDocument, { status: ['COMPLETED'] }, t.nurseToken)).myTasks;
    expect(done.edges.map((e) => e.node.status)).toEqual(['COMPLETED']);
  });

  it('refuses first above 100 and a forged cursor with BAD_USER_INPUT naming the argument', async () => {
    const t = await w.team();
    expect(refusal(await hub.gql(MyTaskPageDocument, { first: 101 }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'first' },
    });
    expect(refusal(await hub.gql(MyTaskPageDocument, { first: -1 }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'first' },
    });
    expect(refusal(await hub.gql(MyTaskPageDocument, { after: 'garbage' }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'after' },
    });
  });
});
