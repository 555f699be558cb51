import {
  AddPlanGoalDocument,
  CarePlanDetailDocument,
  EditCarePlanDocument,
  EditPlanGoalDocument,
  HandOverCarePlanDocument,
  LatestPatientEventsDocument,
  PatientEventLogDocument,
  StartCarePlanDocument,
  type CarePlanStatus as PlanStatus,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { CarePlanCategory, CarePlanStatus } from '../src/modules/care-plans';

let hub: TestHub;
let w: World;
type Team = Awaited<ReturnType<World['team']>>;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

const repeat = (n: number) => 'x'.repeat(n);
const plansOf = async (patientId: string) =>
  (await hub.orm.em.getConnection().execute('select count(*)::int as n from care_plan where patient_id = ?', [patientId]))[0].n as number;
const lastEvent = async (t: Team) =>
  ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.ownerToken)).patientEvents.edges.at(-1)!.node;

describe('createCarePlan', () => {
  it('lets any team member start a DRAFT plan at version 1 owned by the member they name, recording CARE_PLAN_CREATED', async () => {
    const t = await w.team();
    const data = ok(
      await hub.gql(
        StartCarePlanDocument,
        {
          input: { patientId: t.patient.id, title: ' Home recovery ', category: 'HOME_RECOVERY', ownerId: t.owner.id },
        },
        t.nurseToken,
      ),
    );
    expect(data.createCarePlan).toMatchObject({
      title: 'Home recovery',
      category: 'HOME_RECOVERY',
      status: 'DRAFT',
      version: 1,
      owner: { id: t.owner.id },
      patient: { id: t.patient.id },
    });
    expect(await lastEvent(t)).toMatchObject({
      type: 'CARE_PLAN_CREATED',
      actor: { id: t.nurse.id },
      carePlan: { id: data.createCarePlan.id },
    });
  });

  it.each([
    ['without a token: UNAUTHENTICATED', 'none', {}, 'UNAUTHENTICATED', null],
    ['by a provider off the team: NOT_FOUND', 'outsider', {}, 'NOT_FOUND', null],
    ['for an unknown patient: NOT_FOUND', 'nurse', { patientId: 'pat_0000000000000000000000000000dead' }, 'NOT_FOUND', null],
    ['by an ADMIN who is not on the team: FORBIDDEN', 'admin', {}, 'FORBIDDEN', null],
    ['naming an owner who is not on the team: BAD_USER_INPUT ownerId', 'nurse', { ownerId: 'outsider' }, 'BAD_USER_INPUT', 'ownerId'],
    ['naming a patient id as owner: BAD_USER_INPUT ownerId', 'nurse', { ownerId: 'patient' }, 'BAD_USER_INPUT', 'ownerId'],
    ['with a plan id as patient: BAD_USER_INPUT patientId', 'nurse', { patientId: 'plan' }, 'BAD_USER_INPUT', 'patientId'],
    ['with an empty title: BAD_USER_INPUT title', 'nurse', { title: '' }, 'BAD_USER_INPUT', 'title'],
    ['with a blank title: BAD_USER_INPUT title', 'nurse', { title: '  ' }, 'BAD_USER_INPUT', 'title'],
    ['with a 201-character title: BAD_USER_INPUT title', 'nurse', { title: repeat(201) }, 'BAD_USER_INPUT', 'title'],
    [
      'with 51 warning signs: BAD_USER_INPUT warningSigns',
      'nurse',
      { warningSigns: Array.from({ length: 51 }, () => 'fever') },
      'BAD_USER_INPUT',
      'warningSigns',
    ],
  ] as const)('refuses a plan %s, creating nothing', async (_name, who, override, code, field) => {
    const t = await w.team();
    const token = { none: null, outsider: t.outsiderToken, nurse: t.nurseToken, admin: await w.adminToken() }[who];
    const resolve = (v: unknown) => (v === 'outsider' ? t.outsider.id : v === 'patient' ? t.patient.id : v === 'plan' ? t.plan.id : v);
    const input = {
      patientId: t.patient.id,
      title: 'Plan',
      category: 'MENTAL_HEALTH' as const,
      ownerId: t.owner.id,
      ...Object.fromEntries(Object.entries(override).map(([k, v]) => [k, resolve(v)])),
    };
    const unchanged = await w.snapshot(t.patient.id);
    const plans = await plansOf(t.patient.id);
    const error = refusal(await hub.gql(StartCarePlanDocument, { input }, token));
    expect(error.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    await unchanged();
    expect(await plansOf(t.patient.id)).toBe(plans);
  });

  it('refuses an owner whose membership has ended with BAD_USER_INPUT ownerId', async () => {
    const t = await w.team();
    const former = await w.provider();
    await w.endMembership(await w.addMember(t.patient, former));
    const unchanged = await w.snapshot(t.patient.id);
    const error = refusal(
      await hub.gql(
        StartCarePlanDocument,
        {
          input: { patientId: t.patient.id, title: 'Plan', category: 'GENERAL', ownerId: former.id },
        },
        t.nurseToken,
      ),
    );
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'ownerId' } });
    await unchanged();
  });
});

describe('updateCarePlan', () => {
  it('lets the owner edit title and description: +1 version, CARE_PLAN_UPDATED by the owner', async () => {
    const t = await w.team();
    const data = ok(
      await hub.gql(
        EditCarePlanDocument,
        {
          input: { id: t.plan.id, expectedVersion: t.plan.version, title: 'Renamed', description: 'Walk daily' },
        },
        t.ownerToken,
      ),
    );
    expect(data.updateCarePlan).toMatchObject({
      title: 'Renamed',
      description: 'Walk daily',
      version: t.plan.version + 1,
      status: 'ACTIVE',
    });
    expect(await lastEvent(t)).toMatchObject({ type: 'CARE_PLAN_UPDATED', actor: { id: t.owner.id }, carePlan: { id: t.plan.id } });
  });

  it('writes neither a version nor an event when nothing changes', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    const data = ok(
      await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version, title: t.plan.title } }, t.ownerToken),
    );
    expect(data.updateCarePlan.version).toBe(t.plan.version);
    await unchanged();
  });

  describe('moves status along DRAFT → ACTIVE ⇄ ON_HOLD → COMPLETED | REVOKED (a DRAFT may be revoked)', () => {
    const STATUSES: PlanStatus[] = ['DRAFT', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'REVOKED'];
    const ALLOWED: Record<PlanStatus, PlanStatus[]> = {
      DRAFT: ['ACTIVE', 'REVOKED'],
      ACTIVE: ['ON_HOLD', 'COMPLETED', 'REVOKED'],
      ON_HOLD: ['ACTIVE', 'COMPLETED', 'REVOKED'],
      COMPLETED: [],
      REVOKED: [],
    };
    const pairs = STATUSES.flatMap((from) =>
      STATUSES.filter((to) => to !== from).map((to) => ({ from, to, allowed: ALLOWED[from].includes(to) })),
    );

    it.each(pairs.filter((p) => p.allowed))(
      'lets the owner move a plan from $from to $to (+1 version, CARE_PLAN_UPDATED)',
      async ({ from, to }) => {
        const t = await w.team({ planStatus: CarePlanStatus[from] });
        const before = await w.eventLog(t.patient.id);
        const data = ok(
          await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version, status: to } }, t.ownerToken),
        );
        expect(data.updateCarePlan).toMatchObject({ status: to, version: t.plan.version + 1 });
        const after = await w.eventLog(t.patient.id);
        expect(after.last).toBe(before.last + 1);
        expect(after.types.at(-1)).toBe('CARE_PLAN_UPDATED');
      },
    );

    it.each(pairs.filter((p) => !p.allowed))(
      'refuses $from → $to with INVALID_TRANSITION naming both, changing nothing',
      async ({ from, to }) => {
        const t = await w.team({ planStatus: CarePlanStatus[from] });
        const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
        const error = refusal(
          await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version, status: to } }, t.ownerToken),
        );
        expect(error).toMatchObject({ code: 'INVALID_TRANSITION', extensions: { from, to } });
        await unchanged();
      },
    );

    it('refuses any other edit of a COMPLETED or REVOKED plan with FORBIDDEN', async () => {
      for (const status of [CarePlanStatus.COMPLETED, CarePlanStatus.REVOKED]) {
        const t = await w.team({ planStatus: status });
        const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
        const error = refusal(
          await hub.gql(
            EditCarePlanDocument,
            { input: { id: t.plan.id, expectedVersion: t.plan.version, title: 'Reopened?' } },
            t.ownerToken,
          ),
        );
        expect(error.code).toBe('FORBIDDEN');
        await unchanged();
      }
    });
  });

  describe('at most one ACTIVE plan per patient and category', () => {
    it('refuses to activate a second plan of the same category with BAD_USER_INPUT status', async () => {
      const t = await w.team(); // an ACTIVE GENERAL plan
      const second = await w.plan(t.patient, t.nurse, { status: CarePlanStatus.DRAFT });
      const unchanged = await w.snapshot(t.patient.id, 'care_plan', second.id);
      const error = refusal(
        await hub.gql(EditCarePlanDocument, { input: { id: second.id, expectedVersion: second.version, status: 'ACTIVE' } }, t.nurseToken),
      );
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'status' } });
      await unchanged();
    });

    it('activates exactly one of two DRAFT plans of one category activated at the same time; the other gets BAD_USER_INPUT', async () => {
      const t = await w.team({ planStatus: CarePlanStatus.COMPLETED });
      const drafts = [
        await w.plan(t.patient, t.nurse, { status: CarePlanStatus.DRAFT }),
        await w.plan(t.patient, t.owner, { status: CarePlanStatus.DRAFT }),
      ];
      const before = await w.eventLog(t.patient.id);
      const results = await Promise.all(
        drafts.map((plan, i) =>
          hub.gql(
            EditCarePlanDocument,
            { input: { id: plan.id, expectedVersion: plan.version, status: 'ACTIVE' } },
            i ? t.ownerToken : t.nurseToken,
          ),
        ),
      );
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(refusal(results.find((r) => r.errors)!)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'status' } });
      const active = await hub.orm.em
        .getConnection()
        .execute('select id from care_plan where patient_id = ? and status = ?', [t.patient.id, 'ACTIVE']);
      expect(active).toHaveLength(1);
      expect((await w.eventLog(t.patient.id)).last).toBe(before.last + 1);
    });

    it('refuses to resume an ON_HOLD plan while another of its category became ACTIVE', async () => {
      const t = await w.team({ planStatus: CarePlanStatus.ON_HOLD });
      await w.plan(t.patient, t.nurse); // the new ACTIVE GENERAL plan
      const error = refusal(
        await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version, status: 'ACTIVE' } }, t.ownerToken),
      );
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'status' } });
    });

    it('allows ACTIVE plans of different categories side by side, and a new ACTIVE one once the old is COMPLETED', async () => {
      const t = await w.team();
      const mental = await w.plan(t.patient, t.nurse, { status: CarePlanStatus.DRAFT, category: CarePlanCategory.MENTAL_HEALTH });
      ok(
        await hub.gql(EditCarePlanDocument, { input: { id: mental.id, expectedVersion: mental.version, status: 'ACTIVE' } }, t.nurseToken),
      );
      const next = await w.plan(t.patient, t.nurse, { status: CarePlanStatus.DRAFT });
      ok(
        await hub.gql(
          EditCarePlanDocument,
          { input: { id: t.plan.id, expectedVersion: t.plan.version, status: 'COMPLETED' } },
          t.ownerToken,
        ),
      );
      ok(await hub.gql(EditCarePlanDocument, { input: { id: next.id, expectedVersion: next.version, status: 'ACTIVE' } }, t.nurseToken));
      const statuses = await hub.orm.em
        .getConnection()
        .execute<{ category: string; status: string }[]>(
          'select category, status from care_plan where patient_id = ? and status = ? order by category',
          [t.patient.id, 'ACTIVE'],
        );
      expect(statuses.map((s) => s.category)).toEqual(['GENERAL', 'MENTAL_HEALTH']);
    });
  });

  it('refuses without a token (UNAUTHENTICATED), off the team or for an unknown plan (NOT_FOUND), and a non-owner (FORBIDDEN)', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    const input = { id: t.plan.id, expectedVersion: t.plan.version, title: 'Hijacked' };
    expect(refusal(await hub.gql(EditCarePlanDocument, { input }, null)).code).toBe('UNAUTHENTICATED');
    expect(refusal(await hub.gql(EditCarePlanDocument, { input }, t.outsiderToken)).code).toBe('NOT_FOUND');
    expect(
      refusal(await hub.gql(EditCarePlanDocument, { input: { ...input, id: 'cpl_0000000000000000000000000000dead' } }, t.ownerToken)).code,
    ).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(EditCarePlanDocument, { input }, t.nurseToken)).code).toBe('FORBIDDEN');
    await unchanged();
  });

  it('refuses an empty or blank title, and a task id as plan id, with BAD_USER_INPUT and the field', async () => {
    const t = await w.team();
    const task = await w.task(t.plan, t.owner);
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    for (const title of ['', ' ', repeat(201)]) {
      expect(
        refusal(await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version, title } }, t.ownerToken)),
      ).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'title' } });
    }
    expect(
      refusal(await hub.gql(EditCarePlanDocument, { input: { id: task.id, expectedVersion: 1, title: 'x' } }, t.ownerToken)),
    ).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'id' } });
    await unchanged();
  });

  it('refuses a stale expectedVersion with CONFLICT carrying the current version, and writes nothing', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    const error = refusal(
      await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version - 1, title: 'Stale' } }, t.ownerToken),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', extensions: { currentVersion: t.plan.version } });
    await unchanged();
  });

  it('lets exactly one of two concurrent edits with the same expectedVersion win; the other gets CONFLICT; one event', async () => {
    const t = await w.team();
    const before = await w.eventLog(t.patient.id);
    const results = await Promise.all(
      ['First', 'Second'].map((title) =>
        hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version, title } }, t.ownerToken),
      ),
    );
    const winners = results.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(refusal(results.find((r) => r.errors)!)).toMatchObject({ code: 'CONFLICT', extensions: { currentVersion: t.plan.version + 1 } });
    expect(await w.row('care_plan', t.plan.id)).toMatchObject({
      title: winners[0].data!.updateCarePlan.title,
      version: t.plan.version + 1,
    });
    const after = await w.eventLog(t.patient.id);
    expect([after.last, after.count]).toEqual([before.last + 1, before.count + 1]);
  });
});

describe('transferCarePlanOwnership', () => {
  it('lets the owner hand the plan to another active member: +1 version, CARE_PLAN_OWNER_CHANGED; the new owner edits, the old may not', async () => {
    const t = await w.team();
    const data = ok(
      await hub.gql(
        HandOverCarePlanDocument,
        { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id } },
        t.ownerToken,
      ),
    );
    expect(data.transferCarePlanOwnership).toEqual({ id: t.plan.id, version: t.plan.version + 1, owner: { id: t.nurse.id } });
    expect(await lastEvent(t)).toMatchObject({ type: 'CARE_PLAN_OWNER_CHANGED', actor: { id: t.owner.id }, carePlan: { id: t.plan.id } });
    const version = t.plan.version + 1;
    expect(
      refusal(await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: version, title: 'Old owner' } }, t.ownerToken))
        .code,
    ).toBe('FORBIDDEN');
    ok(await hub.gql(EditCarePlanDocument, { input: { id: t.plan.id, expectedVersion: version, title: 'New owner' } }, t.nurseToken));
  });

  it('keeps the hand-over note whole on the CARE_PLAN_OWNER_CHANGED event, and its summary names both people and quotes the note', async () => {
    const t = await w.team();
    const note = 'S: post-op day 3, stable.\nB: right hip replacement.\nA: pain 3/10, wound dry.\nR: continue enoxaparin, physio daily.';
    ok(
      await hub.gql(
        HandOverCarePlanDocument,
        { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id, note } },
        t.ownerToken,
      ),
    );
    const [event] = ok(await hub.gql(LatestPatientEventsDocument, { patientId: t.patient.id, last: 1 }, t.ownerToken)).patientEvents.edges;
    expect(event.node).toMatchObject({ type: 'CARE_PLAN_OWNER_CHANGED', note });
    expect(event.node.summary).toBe(`${t.owner.name} handed care plan "${t.plan.title}" to ${t.nurse.name}: ${note.replace(/\s+/g, ' ')}`);

    const long = `Handing over: ${'details '.repeat(400)}`.trim();
    ok(
      await hub.gql(
        HandOverCarePlanDocument,
        { input: { id: t.plan.id, expectedVersion: t.plan.version + 1, newOwnerId: t.owner.id, note: long } },
        t.nurseToken,
      ),
    );
    const [second] = ok(await hub.gql(LatestPatientEventsDocument, { patientId: t.patient.id, last: 1 }, t.ownerToken)).patientEvents.edges;
    expect(second.node.note).toBe(long);
    expect(second.node.summary).toMatch(/^.+ handed care plan ".+" to .+: Handing over: details .*…$/);
    expect(second.node.summary.length).toBeLessThan(long.length);
  });

  it('records no note when none is given, and refuses a blank or over-long note with BAD_USER_INPUT note, changing nothing', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    for (const note of ['   ', 'x'.repeat(4001)]) {
      const error = refusal(
        await hub.gql(
          HandOverCarePlanDocument,
          { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id, note } },
          t.ownerToken,
        ),
      );
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'note' } });
    }
    await unchanged();
    ok(
      await hub.gql(
        HandOverCarePlanDocument,
        { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id } },
        t.ownerToken,
      ),
    );
    const [event] = ok(await hub.gql(LatestPatientEventsDocument, { patientId: t.patient.id, last: 1 }, t.ownerToken)).patientEvents.edges;
    expect(event.node).toMatchObject({
      type: 'CARE_PLAN_OWNER_CHANGED',
      note: null,
      summary: `${t.owner.name} handed care plan "${t.plan.title}" to ${t.nurse.name}`,
    });
  });

  it.each([
    ['to a provider who is not on the team', 'outsider'],
    ['to a member whose membership ended', 'former'],
    ['to the current owner', 'owner'],
    ['to a malformed id', 'malformed'],
  ] as const)('refuses a transfer %s with BAD_USER_INPUT newOwnerId, changing nothing', async (_name, who) => {
    const t = await w.team();
    const former = await w.provider();
    await w.endMembership(await w.addMember(t.patient, former));
    const newOwnerId = { outsider: t.outsider.id, former: former.id, owner: t.owner.id, malformed: 'prv_123' }[who];
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    const error = refusal(
      await hub.gql(HandOverCarePlanDocument, { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId } }, t.ownerToken),
    );
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'newOwnerId' } });
    await unchanged();
  });

  it('refuses without a token, off the team, by a non-owner, with a stale version, and on a COMPLETED plan', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    const input = { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id };
    expect(refusal(await hub.gql(HandOverCarePlanDocument, { input }, null)).code).toBe('UNAUTHENTICATED');
    expect(refusal(await hub.gql(HandOverCarePlanDocument, { input }, t.outsiderToken)).code).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(HandOverCarePlanDocument, { input }, t.nurseToken)).code).toBe('FORBIDDEN');
    expect(refusal(await hub.gql(HandOverCarePlanDocument, { input: { ...input, expectedVersion: 1 } }, t.ownerToken))).toMatchObject({
      code: 'CONFLICT',
      extensions: { currentVersion: t.plan.version },
    });
    await unchanged();

    const done = await w.team({ planStatus: CarePlanStatus.COMPLETED });
    const doneUnchanged = await w.snapshot(done.patient.id, 'care_plan', done.plan.id);
    expect(
      refusal(
        await hub.gql(
          HandOverCarePlanDocument,
          { input: { id: done.plan.id, expectedVersion: done.plan.version, newOwnerId: done.nurse.id } },
          done.ownerToken,
        ),
      ).code,
    ).toBe('FORBIDDEN');
    await doneUnchanged();
  });
});

describe('addGoal and updateGoal', () => {
  it("lets the owner add a PROPOSED goal; the plan's version moves too; GOAL_ADDED by the owner", async () => {
    const t = await w.team();
    const data = ok(
      await hub.gql(
        AddPlanGoalDocument,
        {
          input: { carePlanId: t.plan.id, description: ' Walk 500 m ', target: 'unaided', dueDate: '2030-06-30' },
        },
        t.ownerToken,
      ),
    );
    expect(data.addGoal).toMatchObject({
      description: 'Walk 500 m',
      target: 'unaided',
      dueDate: '2030-06-30',
      status: 'PROPOSED',
      version: 1,
      carePlan: { id: t.plan.id, version: t.plan.version + 1 },
    });
    expect(await lastEvent(t)).toMatchObject({
      type: 'GOAL_ADDED',
      actor: { id: t.owner.id },
      goal: { id: data.addGoal.id },
      carePlan: { id: t.plan.id },
    });
    const plan = ok(await hub.gql(CarePlanDetailDocument, { id: t.plan.id }, t.nurseToken)).carePlan!;
    expect(plan.goals.map((g) => g.id)).toEqual([data.addGoal.id]);
  });

  it.each([
    ['without a token: UNAUTHENTICATED', 'none', {}, 'UNAUTHENTICATED', null],
    ['by a provider off the team: NOT_FOUND', 'outsider', {}, 'NOT_FOUND', null],
    ['on an unknown plan: NOT_FOUND', 'owner', { carePlanId: 'cpl_0000000000000000000000000000dead' }, 'NOT_FOUND', null],
    ['by a team member who does not own the plan: FORBIDDEN', 'nurse', {}, 'FORBIDDEN', null],
    ['with an empty description: BAD_USER_INPUT description', 'owner', { description: '' }, 'BAD_USER_INPUT', 'description'],
    ['with a blank description: BAD_USER_INPUT description', 'owner', { description: '\t' }, 'BAD_USER_INPUT', 'description'],
    [
      'with a 1001-character description: BAD_USER_INPUT description',
      'owner',
      { description: repeat(1001) },
      'BAD_USER_INPUT',
      'description',
    ],
    ['with a 501-character target: BAD_USER_INPUT target', 'owner', { target: repeat(501) }, 'BAD_USER_INPUT', 'target'],
    ['due in 1900: BAD_USER_INPUT dueDate', 'owner', { dueDate: '1900-01-01' }, 'BAD_USER_INPUT', 'dueDate'],
    ['due in 3000: BAD_USER_INPUT dueDate', 'owner', { dueDate: '3000-01-01' }, 'BAD_USER_INPUT', 'dueDate'],
    ['with a patient id as plan: BAD_USER_INPUT carePlanId', 'owner', { carePlanId: 'patient' }, 'BAD_USER_INPUT', 'carePlanId'],
  ] as const)('refuses a goal %s, changing nothing', async (_name, who, override, code, field) => {
    const t = await w.team();
    const token = { none: null, outsider: t.outsiderToken, nurse: t.nurseToken, owner: t.ownerToken }[who];
    const input = { carePlanId: t.plan.id, description: 'Sleep 7 h', ...override } as { carePlanId: string; description: string };
    if (input.carePlanId === 'patient') input.carePlanId = t.patient.id;
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    const error = refusal(await hub.gql(AddPlanGoalDocument, { input }, token));
    expect(error.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    await unchanged();
  });

  it('refuses a goal on a REVOKED plan with FORBIDDEN', async () => {
    const t = await w.team({ planStatus: CarePlanStatus.REVOKED });
    const unchanged = await w.snapshot(t.patient.id, 'care_plan', t.plan.id);
    expect(refusal(await hub.gql(AddPlanGoalDocument, { input: { carePlanId: t.plan.id, description: 'Late' } }, t.ownerToken)).code).toBe(
      'FORBIDDEN',
    );
    await unchanged();
  });

  it('lets the owner update a goal and move it PROPOSED → ACTIVE → ACHIEVED: +1 goal version each, GOAL_UPDATED', async () => {
    const t = await w.team();
    const goal = await w.goal(t.plan, t.owner);
    const active = ok(
      await hub.gql(
        EditPlanGoalDocument,
        { input: { id: goal.id, expectedVersion: 1, status: 'ACTIVE', description: 'Walk 1 km' } },
        t.ownerToken,
      ),
    );
    expect(active.updateGoal).toMatchObject({ status: 'ACTIVE', description: 'Walk 1 km', version: 2 });
    const achieved = ok(await hub.gql(EditPlanGoalDocument, { input: { id: goal.id, status: 'ACHIEVED' } }, t.ownerToken));
    expect(achieved.updateGoal).toMatchObject({ status: 'ACHIEVED', version: 3 });
    expect(await lastEvent(t)).toMatchObject({ type: 'GOAL_UPDATED', actor: { id: t.owner.id }, goal: { id: goal.id } });
  });

  it('refuses a goal moving PROPOSED → ACHIEVED, or out of CANCELLED, with INVALID_TRANSITION naming both', async () => {
    const t = await w.team();
    const goal = await w.goal(t.plan, t.owner);
    const unchanged = await w.snapshot(t.patient.id, 'goal', goal.id);
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input: { id: goal.id, status: 'ACHIEVED' } }, t.ownerToken))).toMatchObject({
      code: 'INVALID_TRANSITION',
      extensions: { from: 'PROPOSED', to: 'ACHIEVED' },
    });
    await unchanged();
    ok(await hub.gql(EditPlanGoalDocument, { input: { id: goal.id, status: 'CANCELLED' } }, t.ownerToken));
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input: { id: goal.id, status: 'ACTIVE' } }, t.ownerToken))).toMatchObject({
      code: 'INVALID_TRANSITION',
      extensions: { from: 'CANCELLED', to: 'ACTIVE' },
    });
  });

  it('refuses a goal update without a token, off the team, by a non-owner, stale, or with bad input — changing nothing', async () => {
    const t = await w.team();
    const goal = await w.goal(t.plan, t.owner);
    const unchanged = await w.snapshot(t.patient.id, 'goal', goal.id);
    const input = { id: goal.id, expectedVersion: 1, description: 'Changed' };
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input }, null)).code).toBe('UNAUTHENTICATED');
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input }, t.outsiderToken)).code).toBe('NOT_FOUND');
    expect(
      refusal(await hub.gql(EditPlanGoalDocument, { input: { ...input, id: 'gol_0000000000000000000000000000dead' } }, t.ownerToken)).code,
    ).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input }, t.nurseToken)).code).toBe('FORBIDDEN');
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input: { ...input, expectedVersion: 7 } }, t.ownerToken))).toMatchObject({
      code: 'CONFLICT',
      extensions: { currentVersion: 1 },
    });
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input: { ...input, description: ' ' } }, t.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'description' },
    });
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input: { ...input, id: t.plan.id } }, t.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'id' },
    });
    expect(refusal(await hub.gql(EditPlanGoalDocument, { input: { ...input, dueDate: '1900-05-01' } }, t.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'dueDate' },
    });
    await unchanged();
  });
});
