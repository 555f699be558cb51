import type { Client } from 'graphql-ws';
import {
  AddPlanGoalDocument,
  EditCarePlanDocument,
  EditPatientRecordDocument,
  EditPlanGoalDocument,
  HandOverCarePlanDocument,
  LiveEventChangesDocument,
  MoveTaskDocument,
  MyTaskEventsDocument,
  NoteOnTaskDocument,
  PatientEventChangesDocument,
  PatientPlanRevisionsDocument,
  PlanRevisionsDocument,
  ReassignTaskDocument,
  RequestTaskDocument,
  type RevisionEventFragment,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { subscribe, wsClient } from './support/ws';
import { CarePlanCategory, CarePlanStatus } from '../src/modules/care-plans';
import { TaskStatus } from '../src/modules/tasks';

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

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function revisions(planId: string, token: string, page: { first?: number; after?: string } = { first: 100 }) {
  return ok(await hub.gql(PlanRevisionsDocument, { id: planId, ...page }, token)).carePlan!.revisions;
}
const history = async (planId: string, token: string) => (await revisions(planId, token)).edges.map((e) => e.node);
const last = async (planId: string, token: string) => (await history(planId, token)).at(-1)!;
const planVersion = async (id: string) => Number((await w.row('care_plan', id)).version);

async function editPlan(t: Team, input: { title?: string; description?: string; status?: CarePlanStatus }, token = t.ownerToken) {
  return ok(
    await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: await planVersion(t.plan.id), ...input } }, token),
  );
}

async function patientEvents(patientId: string, token: string): Promise<RevisionEventFragment[]> {
  return ok(await hub.gql(PatientEventChangesDocument, { patientId, first: 100 }, token)).patientEvents.edges.map((e) => e.node);
}

describe('CarePlan.revisions: the history of the plan itself', () => {
  it('starts with the creation: who started the plan, and every field it set, from null', async () => {
    const t = await w.team();
    const [created, activated] = await history(t.plan.id, t.nurseToken);
    expect(created).toMatchObject({
      type: 'CARE_PLAN_CREATED',
      actor: { id: t.owner.id },
      carePlan: { id: t.plan.id },
      summary: `${t.owner.name} started care plan "${t.plan.title}" (GENERAL), owned by ${t.owner.name}`,
      changes: [
        { field: 'title', from: null, to: t.plan.title },
        { field: 'category', from: null, to: 'GENERAL' },
        { field: 'status', from: null, to: 'DRAFT' },
        { field: 'owner', from: null, to: t.owner.id },
      ],
    });
    expect(activated).toMatchObject({ type: 'CARE_PLAN_UPDATED', changes: [{ field: 'status', from: 'DRAFT', to: 'ACTIVE' }] });
  });

  it('records an edit field by field, from what to what, with who made it and when', async () => {
    const t = await w.team();
    await editPlan(t, { title: 'Hip recovery', description: 'After the fall in March' });
    const revision = await last(t.plan.id, t.nurseToken);
    expect(revision).toMatchObject({
      type: 'CARE_PLAN_UPDATED',
      actor: { id: t.owner.id, name: t.owner.name },
      summary: `${t.owner.name} updated care plan "Hip recovery": title, description`,
      changes: [
        { field: 'title', from: t.plan.title, to: 'Hip recovery' },
        { field: 'description', from: null, to: 'After the fall in March' },
      ],
    });
    expect(revision.at).toMatch(ISO);
  });

  it('records a status change as status from → to, in the changes and in the summary', async () => {
    const t = await w.team();
    await editPlan(t, { status: CarePlanStatus.ON_HOLD });
    expect(await last(t.plan.id, t.ownerToken)).toMatchObject({
      type: 'CARE_PLAN_UPDATED',
      summary: `${t.owner.name} updated care plan "${t.plan.title}": status (ACTIVE → ON_HOLD)`,
      changes: [{ field: 'status', from: 'ACTIVE', to: 'ON_HOLD' }],
    });
  });

  it('records a hand-over as owner from one provider id to the other, and says who handed the plan to whom', async () => {
    const t = await w.team();
    ok(
      await hub.gql(
        HandOverCarePlanDocument,
        { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id } },
        t.ownerToken,
      ),
    );
    expect(await last(t.plan.id, t.nurseToken)).toMatchObject({
      type: 'CARE_PLAN_OWNER_CHANGED',
      actor: { id: t.owner.id },
      summary: `${t.owner.name} handed care plan "${t.plan.title}" to ${t.nurse.name}`,
      changes: [{ field: 'owner', from: t.owner.id, to: t.nurse.id }],
    });
  });

  it('records nothing for an edit that changes nothing', async () => {
    const t = await w.team();
    const before = (await revisions(t.plan.id, t.ownerToken)).totalCount;
    await editPlan(t, { title: t.plan.title });
    expect((await revisions(t.plan.id, t.ownerToken)).totalCount).toBe(before);
  });
});

describe("CarePlan.revisions: the history of the plan's goals", () => {
  it('records a goal added (its fields from null) and a goal update with its status move', async () => {
    const t = await w.team();
    const input = { carePlanId: t.plan.id, description: 'Walk without a frame', target: 'walks 100 m', dueDate: '2027-03-01' };
    const goal = ok(await hub.gql(AddPlanGoalDocument, { input }, t.ownerToken)).addGoal;
    ok(
      await hub.gql(
        EditPlanGoalDocument,
        { input: { id: goal.id, expectedVersion: goal.version, target: 'walks 500 m', status: 'ACTIVE' } },
        t.ownerToken,
      ),
    );
    const [added, updated] = (await history(t.plan.id, t.nurseToken)).slice(-2);
    expect(added).toMatchObject({
      type: 'GOAL_ADDED',
      carePlan: { id: t.plan.id },
      goal: { id: goal.id },
      summary: `${t.owner.name} added goal "Walk without a frame" to care plan "${t.plan.title}"`,
      changes: [
        { field: 'description', from: null, to: 'Walk without a frame' },
        { field: 'target', from: null, to: 'walks 100 m' },
        { field: 'dueDate', from: null, to: '2027-03-01' },
        { field: 'status', from: null, to: 'PROPOSED' },
      ],
    });
    expect(updated).toMatchObject({
      type: 'GOAL_UPDATED',
      goal: { id: goal.id },
      summary: `${t.owner.name} updated goal "Walk without a frame": target, status (PROPOSED → ACTIVE)`,
      changes: [
        { field: 'target', from: 'walks 100 m', to: 'walks 500 m' },
        { field: 'status', from: 'PROPOSED', to: 'ACTIVE' },
      ],
    });
  });
});

describe("CarePlan.revisions: the history of the plan's tasks", () => {
  it('records a task created, assigned, accepted, reassigned and rejected, naming who assigned it to whom', async () => {
    const t = await w.team();
    const therapist = await w.provider({ name: 'Therapist Tess' });
    await w.addMember(t.patient, therapist, 'physiotherapist');
    const input = { carePlanId: t.plan.id, title: 'Wound check', kind: 'HOME_VISIT' as const, dueAt: '2027-01-15T09:00:00.000Z' };
    const task = ok(await hub.gql(RequestTaskDocument, { input }, t.ownerToken)).createTask;
    let version = task.version;
    const assign = async (assigneeId: string, token: string) => {
      version = ok(await hub.gql(ReassignTaskDocument, { input: { id: task.id, expectedVersion: version, assigneeId } }, token)).assignTask
        .version;
    };
    const move = async (to: TaskStatus, token: string, note?: string) => {
      version = ok(await hub.gql(MoveTaskDocument, { input: { id: task.id, expectedVersion: version, to, note } }, token)).transitionTask
        .version;
    };
    await assign(t.nurse.id, t.ownerToken);
    await move(TaskStatus.ACCEPTED, t.nurseToken);
    await assign(therapist.id, t.ownerToken);
    await move(TaskStatus.REJECTED, await w.token(therapist), 'Not my discipline');

    const events = (await history(t.plan.id, t.nurseToken)).slice(-5);
    expect(events.every((e) => e.task?.id === task.id && e.carePlan?.id === t.plan.id)).toBe(true);
    expect(events.map((e) => [e.type, e.actor?.id, e.summary, e.changes])).toEqual([
      [
        'TASK_CREATED',
        t.owner.id,
        `${t.owner.name} created task "Wound check" (HOME_VISIT, ROUTINE) on care plan "${t.plan.title}", unassigned`,
        [
          { field: 'title', from: null, to: 'Wound check' },
          { field: 'kind', from: null, to: 'HOME_VISIT' },
          { field: 'priority', from: null, to: 'ROUTINE' },
          { field: 'status', from: null, to: 'REQUESTED' },
          { field: 'requester', from: null, to: t.owner.id },
          { field: 'dueAt', from: null, to: '2027-01-15T09:00:00.000Z' },
        ],
      ],
      [
        'TASK_ASSIGNED',
        t.owner.id,
        `${t.owner.name} assigned "Wound check" to ${t.nurse.name}`,
        [{ field: 'assignee', from: null, to: t.nurse.id }],
      ],
      [
        'TASK_STATUS_CHANGED',
        t.nurse.id,
        `${t.nurse.name} moved "Wound check" from REQUESTED to ACCEPTED`,
        [{ field: 'status', from: 'REQUESTED', to: 'ACCEPTED' }],
      ],
      [
        'TASK_ASSIGNED',
        t.owner.id,
        `${t.owner.name} reassigned "Wound check" from ${t.nurse.name} to Therapist Tess`,
        [
          { field: 'assignee', from: t.nurse.id, to: therapist.id },
          { field: 'status', from: 'ACCEPTED', to: 'REQUESTED' },
        ],
      ],
      [
        'TASK_STATUS_CHANGED',
        therapist.id,
        'Therapist Tess moved "Wound check" from REQUESTED to REJECTED',
        [
          { field: 'status', from: 'REQUESTED', to: 'REJECTED' },
          { field: 'statusReason', from: null, to: 'Not my discipline' },
        ],
      ],
    ]);
  });

  it('says a member took on an unassigned task they claimed', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: null, title: 'Fall-risk assessment' });
    ok(
      await hub.gql(ReassignTaskDocument, { input: { id: task.id, expectedVersion: task.version, assigneeId: t.nurse.id } }, t.nurseToken),
    );
    expect(await last(t.plan.id, t.ownerToken)).toMatchObject({
      type: 'TASK_ASSIGNED',
      summary: `${t.nurse.name} took on "Fall-risk assessment"`,
      changes: [{ field: 'assignee', from: null, to: t.nurse.id }],
    });
  });

  it('records a task losing its assignee who left the care team: assignee from them to null, back to REQUESTED', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED], title: 'Dressing change' });
    await w.endMembership(t.nurseMembership);
    expect(await last(t.plan.id, t.ownerToken)).toMatchObject({
      type: 'TASK_UNASSIGNED',
      actor: null,
      task: { id: task.id },
      summary: `"Dressing change" needs a new assignee: ${t.nurse.name} left the care team`,
      changes: [
        { field: 'assignee', from: t.nurse.id, to: null },
        { field: 'status', from: 'ACCEPTED', to: 'REQUESTED' },
        { field: 'statusReason', from: null, to: 'Assignee left the care team' },
      ],
    });
  });

  it('leaves out events that change no field: a note on a task is in the event feed (changes null), not in the revisions', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, title: 'Call the daughter' });
    const before = (await revisions(t.plan.id, t.ownerToken)).totalCount;
    ok(await hub.gql(NoteOnTaskDocument, { input: { taskId: task.id, text: 'Left a voicemail' } }, t.nurseToken));
    expect((await revisions(t.plan.id, t.ownerToken)).totalCount).toBe(before);
    expect((await patientEvents(t.patient.id, t.ownerToken)).at(-1)).toMatchObject({
      type: 'TASK_NOTE_ADDED',
      summary: `${t.nurse.name} added a note to "Call the daughter"`,
      changes: null,
    });
  });
});

describe('CarePlan.revisions: which events, in which order, page by page', () => {
  it("lists the plan's, its goals' and its tasks' changes in the order they happened, and nothing of another plan", async () => {
    const t = await w.team();
    const other = await w.plan(t.patient, t.owner, { category: CarePlanCategory.MENTAL_HEALTH });
    await w.goal(t.plan, t.owner, 'Sleep 7 h');
    await w.goal(other, t.owner, 'Fewer panic attacks');
    await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED] });
    await editPlan(t, { title: 'Heart failure follow-up' });

    const mine = await history(t.plan.id, t.nurseToken);
    expect(mine.map((e) => e.type)).toEqual([
      'CARE_PLAN_CREATED',
      'CARE_PLAN_UPDATED',
      'GOAL_ADDED',
      'TASK_CREATED',
      'TASK_STATUS_CHANGED',
      'CARE_PLAN_UPDATED',
    ]);
    expect(mine.every((e) => e.carePlan?.id === t.plan.id)).toBe(true);
    const sequences = mine.map((e) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect((await history(other.id, t.nurseToken)).map((e) => e.type)).toEqual(['CARE_PLAN_CREATED', 'CARE_PLAN_UPDATED', 'GOAL_ADDED']);
  });

  it('pages oldest first with first/after, counting every revision in totalCount; a cursor stays valid as revisions are added', async () => {
    const t = await w.team();
    for (const title of ['One', 'Two', 'Three', 'Four']) await editPlan(t, { title });
    const all = (await revisions(t.plan.id, t.ownerToken)).edges.map((e) => e.node.sequence);
    expect(all).toHaveLength(6);

    const first = await revisions(t.plan.id, t.ownerToken, { first: 4 });
    expect(first.edges.map((e) => e.node.sequence)).toEqual(all.slice(0, 4));
    expect(first).toMatchObject({ totalCount: 6, pageInfo: { hasNextPage: true, endCursor: first.edges[3].cursor } });

    await editPlan(t, { title: 'Five' });
    const second = await revisions(t.plan.id, t.ownerToken, { first: 4, after: first.pageInfo.endCursor! });
    expect(second.edges.map((e) => e.node.sequence)).toEqual([...all.slice(4), second.edges[2].node.sequence]);
    expect(second.edges[2].node.changes).toEqual([{ field: 'title', from: 'Four', to: 'Five' }]);
    expect(second).toMatchObject({ totalCount: 7, pageInfo: { hasNextPage: false } });

    const past = await revisions(t.plan.id, t.ownerToken, { first: 4, after: second.pageInfo.endCursor! });
    expect(past).toEqual({ totalCount: 7, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it.each([
    ['a cursor it did not hand out', { after: 'not-a-cursor' }, 'after'],
    ['a page larger than 100', { first: 101 }, 'first'],
    ['a negative page size', { first: -1 }, 'first'],
  ])('refuses %s with BAD_USER_INPUT on that argument', async (_name, page, field) => {
    const t = await w.team();
    const error = refusal(await hub.gql(PlanRevisionsDocument, { id: t.plan.id, ...page }, t.ownerToken));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
  });

  it('answers the revisions of every plan of a patient in one statement, as many for three plans as for one', async () => {
    const statementsFor = async (categories: CarePlanCategory[]) => {
      const owner = await w.provider();
      const patient = await w.patient([owner]);
      const plans = [];
      for (const category of categories) plans.push(await w.plan(patient, owner, { category }));
      const token = await w.token(owner);
      hub.countStatements();
      const data = ok(await hub.gql(PatientPlanRevisionsDocument, { id: patient.id, first: 5 }, token));
      const statements = [...hub.statements];
      for (const plan of data.patient!.carePlans) {
        expect(plan.revisions.totalCount).toBe(2);
        expect(plan.revisions.edges.map((e) => [e.node.type, e.node.carePlan?.id])).toEqual([
          ['CARE_PLAN_CREATED', plan.id],
          ['CARE_PLAN_UPDATED', plan.id],
        ]);
      }
      expect(data.patient!.carePlans.map((p) => p.id).sort()).toEqual(plans.map((p) => p.id).sort());
      return statements;
    };
    const one = await statementsFor([CarePlanCategory.GENERAL]);
    const three = await statementsFor([CarePlanCategory.GENERAL, CarePlanCategory.MENTAL_HEALTH, CarePlanCategory.HOME_RECOVERY]);
    expect(three.filter((s) => s.includes('jsonb_to_recordset'))).toHaveLength(1);
    expect(three.length).toBe(one.length);
  });
});

describe('CarePlan.revisions: who may read them', () => {
  it('shows them to every active member of the care team, not only the owner', async () => {
    const t = await w.team();
    expect((await revisions(t.plan.id, t.nurseToken)).totalCount).toBe(2);
  });

  it.each(['a provider off the team', 'a member whose membership ended', 'an ADMIN who is not on the team'] as const)(
    'hides them, with the plan, from %s: NOT_FOUND, on the audit trail as DENIED',
    async (who) => {
      const t = await w.team();
      let token = t.outsiderToken;
      let sub = t.outsider.id;
      if (who === 'a member whose membership ended') {
        await w.endMembership(t.nurseMembership);
        [token, sub] = [t.nurseToken, t.nurse.id];
      } else if (who === 'an ADMIN who is not on the team') {
        [token, sub] = [await w.adminToken(), w.adminViewer.sub];
      }
      const result = await hub.gql(PlanRevisionsDocument, { id: t.plan.id, first: 100 }, token);
      expect(refusal(result).code).toBe('NOT_FOUND');
      expect(result.data?.carePlan ?? null).toBeNull();
      const denied = await hub.orm.em
        .getConnection()
        .execute('select count(*)::int as n from audit_record where actor_sub = ? and patient_id = ? and kind = ?', [
          sub,
          t.patient.id,
          'DENIED',
        ]);
      expect(denied[0].n).toBeGreaterThan(0);
    },
  );
});

describe('Event.changes on the patient event feed', () => {
  it("records the patient's registration and each care-team member joining as their fields from null", async () => {
    const t = await w.team();
    const [registered, ownerJoined] = await patientEvents(t.patient.id, t.ownerToken);
    expect(registered).toMatchObject({ type: 'PATIENT_CREATED', actor: null });
    expect(registered.changes).toEqual([
      { field: 'mrn', from: null, to: t.patient.mrn },
      { field: 'name', from: null, to: t.patient.name },
      { field: 'birthDate', from: null, to: '1960-05-17' },
      { field: 'preferences', from: null, to: ['Prefers mornings'] },
      { field: 'allergies', from: null, to: [{ substance: 'Penicillin', reaction: 'Rash', criticality: 'HIGH' }] },
    ]);
    expect(ownerJoined).toMatchObject({
      type: 'CARE_TEAM_MEMBER_ADDED',
      changes: [
        { field: 'provider', from: null, to: t.owner.id },
        { field: 'role', from: null, to: 'primary physician' },
        { field: 'startedAt', from: null, to: t.ownerMembership.startedAt.toISOString() },
      ],
    });
  });

  it('records a patient record update with embedded lists (allergies, medications) changing as whole lists', async () => {
    const t = await w.team();
    const version = Number((await w.row('patient', t.patient.id)).version);
    const input = {
      id: t.patient.id,
      expectedVersion: version,
      preferredLanguage: 'es',
      allergies: [
        { substance: 'Penicillin', reaction: 'Anaphylaxis', criticality: 'HIGH' as const },
        { substance: 'Latex', criticality: 'LOW' as const },
      ],
      medications: [{ name: 'Furosemide', dose: '40 mg' }],
    };
    ok(await hub.gql(EditPatientRecordDocument, { input }, t.nurseToken));
    expect((await patientEvents(t.patient.id, t.ownerToken)).at(-1)).toMatchObject({
      type: 'PATIENT_UPDATED',
      actor: { id: t.nurse.id },
      summary: `${t.nurse.name} updated the patient record: preferredLanguage, allergies, medications`,
      changes: [
        { field: 'preferredLanguage', from: null, to: 'es' },
        {
          field: 'allergies',
          from: [{ substance: 'Penicillin', reaction: 'Rash', criticality: 'HIGH' }],
          to: [
            { substance: 'Penicillin', reaction: 'Anaphylaxis', criticality: 'HIGH' },
            { substance: 'Latex', reaction: null, criticality: 'LOW' },
          ],
        },
        { field: 'medications', from: [], to: [{ name: 'Furosemide', dose: '40 mg', frequency: null }] },
      ],
    });
  });

  it('records a membership ending as endedAt from null to when it ended', async () => {
    const t = await w.team();
    const ended = await w.endMembership(t.nurseMembership);
    const event = (await patientEvents(t.patient.id, t.ownerToken)).find((e) => e.type === 'CARE_TEAM_MEMBER_ENDED')!;
    expect(event.changes).toEqual([{ field: 'endedAt', from: null, to: ended.endedAt!.toISOString() }]);
  });
});

describe('Event.changes on live subscriptions', () => {
  const client = (token: string) => {
    const c = wsClient(hub.wsUrl, token);
    clients.push(c);
    return c;
  };

  it('gives a live dashboard each change with its fields from → to, so it can update without querying again', async () => {
    const t = await w.team();
    const { last: afterSequence } = await w.eventLog(t.patient.id);
    const sub = subscribe(client(t.nurseToken), LiveEventChangesDocument, { patientId: t.patient.id, afterSequence });
    ok(
      await hub.gql(
        HandOverCarePlanDocument,
        { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id } },
        t.ownerToken,
      ),
    );
    await editPlan(t, { status: CarePlanStatus.ON_HOLD }, t.nurseToken);
    const [handedOver, paused] = (await sub.received(2)).map((r) => r.data!.patientEvents);
    expect(handedOver).toMatchObject({
      sequence: afterSequence + 1,
      type: 'CARE_PLAN_OWNER_CHANGED',
      summary: `${t.owner.name} handed care plan "${t.plan.title}" to ${t.nurse.name}`,
      changes: [{ field: 'owner', from: t.owner.id, to: t.nurse.id }],
    });
    expect(paused).toMatchObject({
      sequence: afterSequence + 2,
      actor: { id: t.nurse.id },
      changes: [{ field: 'status', from: 'ACTIVE', to: 'ON_HOLD' }],
    });
  });

  it('tells myTaskEvents of the reassignment that took a task away from the caller (assignee from them)', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const listening = hub.subscriptions();
    const sub = subscribe(client(t.nurseToken), MyTaskEventsDocument, {});
    // myTaskEvents has no replay: reassign once the hub serves the subscription.
    while (hub.subscriptions() === listening) await new Promise((r) => setTimeout(r, 10));
    ok(
      await hub.gql(ReassignTaskDocument, { input: { id: task.id, expectedVersion: task.version, assigneeId: t.owner.id } }, t.ownerToken),
    );
    const [taken] = await sub.received(1);
    expect(taken.data!.myTaskEvents).toMatchObject({ type: 'TASK_ASSIGNED', task: { id: task.id, assignee: { id: t.owner.id } } });
  });
});
