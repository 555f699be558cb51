import {
  ArchiveTemplateDocument,
  CoordinatorAddsMemberDocument,
  CoordinatorEndsMembershipDocument,
  MyTaskEventsDocument,
  PatientEventsDocument,
  CreateTemplateDocument,
  PlanFromTemplateDocument,
  TemplateDetailDocument,
  TemplateListDocument,
  TemplateNodeDocument,
  TemplatePlanEventsDocument,
  UpdateTemplateDocument,
  type CreatePlanTemplateInput,
  type CreateCarePlanFromTemplateInput,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { post } from './support/raw';
import { subscribe, wsClient } from './support/ws';
import { CarePlanCategory } from '../src/modules/care-plans';
import { loadDemoTemplates } from '../src/app/demo-templates';

let hub: TestHub;
let w: World;
let elsewhere: World; // another organization
type Team = Awaited<ReturnType<World['team']>>;

beforeAll(async () => {
  hub = await startTestHub();
  [w, elsewhere] = [await world(hub), await world(hub)];
});
afterAll(() => hub.close());

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => hub.orm.em.getConnection().execute<T[]>(query, params);

const WEIGHT = '29463-7';
const DAY = 86_400_000;

/**
 * The Friday before a change to summer time in Stockholm (the last Sunday of
 * March) at least 30 days ahead, YYYY-MM-DD: a plan starting then has a
 * recurring task whose first session is on the day the clocks change, and
 * the series' horizon (14 days) holds only its first occurrence.
 */
function fridayBeforeSummerTime(): string {
  for (let year = new Date().getUTCFullYear(); ; year++) {
    const lastSunday = new Date(Date.UTC(year, 2, 31));
    lastSunday.setUTCDate(31 - lastSunday.getUTCDay());
    const friday = new Date(lastSunday.getTime() - 2 * DAY);
    if (friday.getTime() > Date.now() + 30 * DAY) return friday.toISOString().slice(0, 10);
  }
}
const START = fridayBeforeSummerTime();
const dayAfterStart = (days: number) => new Date(Date.parse(START) + days * DAY).toISOString().slice(0, 10);

/** A small hip-recovery template of `org`: two goals, three tasks for two roles (one repeating), two rules, two expected check-ins. */
function hipTemplate(org: { id: string }, fields: Partial<CreatePlanTemplateInput> = {}): CreatePlanTemplateInput {
  return {
    organizationId: org.id,
    title: 'Home recovery after hip replacement',
    category: 'HOME_RECOVERY',
    description: 'Six weeks of home rehabilitation.',
    warningSigns: ['Calf pain or swelling'],
    goals: [
      { description: 'Wound healed', target: 'Clips out, no infection', dueInDays: 14 },
      { description: 'Walk with a cane', dueInDays: 42 },
    ],
    tasks: [
      { title: 'Wound check', kind: 'HOME_VISIT', assignRole: 'Home nurse', dueInDays: 0, dueTime: '09:00' },
      {
        title: 'Gait training',
        kind: 'THERAPY_SESSION',
        assignRole: 'physiotherapist',
        dueInDays: 2,
        dueTime: '09:00',
        recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18',
      },
      { title: 'Review analgesia', kind: 'MEDICATION', priority: 'URGENT', assignRole: 'home nurse ' },
    ],
    warningSignRules: [
      {
        measure: '8310-5',
        comparison: 'ABOVE',
        threshold: 38,
        severity: 'HIGH',
        instruction: 'Check the wound and calf',
        assignRole: 'home nurse',
      },
      {
        measure: 'wound-status',
        comparison: 'IS_ONE_OF',
        codes: ['INFECTION_SIGNS'],
        severity: 'HIGH',
        instruction: 'Same-day wound review',
      },
    ],
    expectedCheckIns: [
      { measure: '72514-3', everyDays: 1 },
      { measure: 'wound-status', everyDays: 3, graceHours: 12, severity: 'HIGH', instruction: 'Phone the patient' },
    ],
    ...fields,
  };
}

async function createTemplate(input: CreatePlanTemplateInput, world: World = w) {
  return ok(await hub.gql(CreateTemplateDocument, { input }, await world.adminToken())).createPlanTemplate;
}

function fromTemplate(
  team: Team,
  templateId: string,
  fields: Partial<CreateCarePlanFromTemplateInput> = {},
): CreateCarePlanFromTemplateInput {
  return {
    patientId: team.patient.id,
    templateId,
    ownerId: team.owner.id,
    startDate: START,
    timeZone: 'Europe/Stockholm',
    assign: [{ role: 'home nurse', providerId: team.nurse.id }],
    ...fields,
  };
}

/** Rows of the patient's care: what a plan from a template adds to. */
async function careRows(patientId: string) {
  const count = async (table: string) =>
    Number((await sql<{ n: number }>(`select count(*)::int as n from ${table} where patient_id = ?`, [patientId]))[0].n);
  return {
    plans: await count('care_plan'),
    goals: await count('goal'),
    tasks: await count('task'),
    rules: await count('warning_sign_rule'),
    expectations: await count('check_in_expectation'),
    events: await count('event'),
    jobs: Number(
      (
        await sql<{ n: number }>(
          "select count(*)::int as n from graphile_worker.jobs where key in (select 'missed-check-in:' || id from check_in_expectation where patient_id = ?)",
          [patientId],
        )
      )[0].n,
    ),
    writesAudited: Number(
      (await sql<{ n: number }>("select count(*)::int as n from audit_record where patient_id = ? and kind = 'WRITE'", [patientId]))[0].n,
    ),
  };
}

describe('plan templates', () => {
  it('are created, changed and archived by an ADMIN, versioned, and read by every provider of the organization', async () => {
    const reader = await w.provider();
    const template = await createTemplate(hipTemplate(w.org));
    expect(template).toMatchObject({
      version: 1,
      category: 'HOME_RECOVERY',
      archivedAt: null,
      organization: { id: w.org.id },
      roles: ['Home nurse', 'physiotherapist'],
      goals: [
        { description: 'Wound healed', target: 'Clips out, no infection', dueInDays: 14 },
        { description: 'Walk with a cane', target: null, dueInDays: 42 },
      ],
    });
    expect(template.tasks[1]).toMatchObject({ dueTime: '09:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18', priority: 'ROUTINE' });
    expect(template.tasks[2]).toMatchObject({ priority: 'URGENT', assignRole: 'home nurse', dueInDays: null, dueTime: '17:00' });
    expect(template.warningSignRules[0]).toMatchObject({
      consecutive: 1,
      codes: [],
      description: expect.stringMatching(/^Body temperature above 38/),
    });
    expect(template.expectedCheckIns[0]).toMatchObject({ everyDays: 1, graceHours: 6, severity: 'MODERATE' });
    expect(template.expectedCheckIns[0].instruction).toMatch(/^Contact the patient/);

    const token = await w.token(reader);
    expect(ok(await hub.gql(TemplateDetailDocument, { id: template.id }, token)).planTemplate).toEqual(template);
    expect(ok(await hub.gql(TemplateNodeDocument, { id: template.id }, token)).node).toEqual({ id: template.id, title: template.title });
    const listed = ok(await hub.gql(TemplateListDocument, { first: 100 }, token)).planTemplates;
    expect(listed.edges.map((e) => e.node.id)).toContain(template.id);

    const admin = await w.adminToken();
    const update = {
      id: template.id,
      expectedVersion: 1,
      title: 'Hip recovery (6 weeks)',
      goals: [{ description: 'Walk 500 m', dueInDays: 42 }],
    };
    const updated = ok(await hub.gql(UpdateTemplateDocument, { input: update }, admin)).updatePlanTemplate;
    expect(updated).toMatchObject({ version: 2, title: 'Hip recovery (6 weeks)', goals: [{ description: 'Walk 500 m' }] });
    expect(updated.tasks).toEqual(template.tasks); // lists left out stay
    expect(refusal(await hub.gql(UpdateTemplateDocument, { input: { ...update, title: 'Stale' } }, admin))).toMatchObject({
      code: 'CONFLICT',
      extensions: { currentVersion: 2 },
    });

    const archived = ok(
      await hub.gql(ArchiveTemplateDocument, { input: { id: template.id, expectedVersion: 2 } }, admin),
    ).archivePlanTemplate;
    expect(archived).toMatchObject({ version: 3, archivedAt: expect.any(String) });
    const active = ok(await hub.gql(TemplateListDocument, { first: 100 }, token)).planTemplates;
    expect(active.edges.map((e) => e.node.id)).not.toContain(template.id);
    const all = ok(await hub.gql(TemplateListDocument, { first: 100, includeArchived: true }, token)).planTemplates;
    expect(all.edges.map((e) => e.node.id)).toContain(template.id);
    expect(
      refusal(await hub.gql(UpdateTemplateDocument, { input: { id: template.id, expectedVersion: 3, title: 'Again' } }, admin)).code,
    ).toBe('FORBIDDEN');
  });

  it('are listed by organization, category and words of the title, with keyset cursors', async () => {
    const org = await elsewhere.provider();
    const token = await elsewhere.token(org);
    const mental = await createTemplate(hipTemplate(elsewhere.org, { title: 'CBT', category: 'MENTAL_HEALTH' }), elsewhere);
    const first = ok(await hub.gql(TemplateListDocument, { category: 'MENTAL_HEALTH', first: 1 }, token)).planTemplates;
    expect(first.edges.map((e) => e.node.id)).toEqual([mental.id]);
    const second = await createTemplate(hipTemplate(elsewhere.org, { title: 'CBT 2', category: 'MENTAL_HEALTH' }), elsewhere);
    const next = ok(
      await hub.gql(TemplateListDocument, { category: 'MENTAL_HEALTH', first: 1, after: first.pageInfo.endCursor }, token),
    ).planTemplates;
    expect({ ids: next.edges.map((e) => e.node.id), totalCount: next.totalCount }).toEqual({ ids: [second.id], totalCount: 2 });
    const searched = ok(await hub.gql(TemplateListDocument, { search: 'cbt 2' }, token)).planTemplates;
    expect(searched.edges.map((e) => e.node.id)).toEqual([second.id]);
    expect(ok(await hub.gql(TemplateListDocument, { search: '%' }, token)).planTemplates.totalCount).toBe(0);
  });

  it("are managed by a COORDINATOR of one of the organization's care teams as by ADMIN, and by no coordinator once that membership ends", async () => {
    const team = await w.team();
    const coordinator = await w.provider();
    const token = await w.token(coordinator);
    const joined = ok(
      await hub.gql(
        CoordinatorAddsMemberDocument,
        { input: { patientId: team.patient.id, providerId: coordinator.id, role: 'care coordinator', roleKind: 'COORDINATOR' } },
        await w.adminToken(),
      ),
    ).addCareTeamMember;
    const made = ok(await hub.gql(CreateTemplateDocument, { input: hipTemplate(w.org, { title: 'Coordinated recovery' }) }, token));
    const template = made.createPlanTemplate;
    expect(template).toMatchObject({ title: 'Coordinated recovery', version: 1 });
    const renamed = ok(await hub.gql(UpdateTemplateDocument, { input: { id: template.id, expectedVersion: 1, title: 'Ours' } }, token));
    expect(renamed.updatePlanTemplate).toMatchObject({ title: 'Ours', version: 2 });
    // Another organization's templates are not theirs to manage.
    const theirs = await createTemplate(hipTemplate(elsewhere.org), elsewhere);
    expect(refusal(await hub.gql(CreateTemplateDocument, { input: hipTemplate(elsewhere.org) }, token)).code).toBe('FORBIDDEN');
    expect(refusal(await hub.gql(ArchiveTemplateDocument, { input: { id: theirs.id, expectedVersion: 1 } }, token)).code).toBe('NOT_FOUND');

    ok(await hub.gql(CoordinatorEndsMembershipDocument, { input: { membershipId: joined.id } }, await w.adminToken()));
    expect(refusal(await hub.gql(ArchiveTemplateDocument, { input: { id: template.id, expectedVersion: 2 } }, token)).code).toBe(
      'FORBIDDEN',
    );
  });

  it('are not managed by a provider of the organization who coordinates no team: FORBIDDEN to create, change or archive one', async () => {
    const provider = await w.provider();
    const token = await w.token(provider);
    const template = await createTemplate(hipTemplate(w.org));
    expect(refusal(await hub.gql(CreateTemplateDocument, { input: hipTemplate(w.org) }, token)).code).toBe('FORBIDDEN');
    expect(
      refusal(await hub.gql(UpdateTemplateDocument, { input: { id: template.id, expectedVersion: 1, title: 'Mine' } }, token)).code,
    ).toBe('FORBIDDEN');
    expect(refusal(await hub.gql(ArchiveTemplateDocument, { input: { id: template.id, expectedVersion: 1 } }, token)).code).toBe(
      'FORBIDDEN',
    );
    expect(ok(await hub.gql(TemplateDetailDocument, { id: template.id }, token)).planTemplate?.version).toBe(1);
  });

  it('of another organization do not exist for a provider: NOT_FOUND by id, null by node, FORBIDDEN as a list', async () => {
    const stranger = await elsewhere.provider();
    const token = await elsewhere.token(stranger);
    const template = await createTemplate(hipTemplate(w.org));
    expect(refusal(await hub.gql(TemplateDetailDocument, { id: template.id }, token)).code).toBe('NOT_FOUND');
    expect(ok(await hub.gql(TemplateNodeDocument, { id: template.id }, token)).node).toBeNull();
    expect(refusal(await hub.gql(TemplateListDocument, { organizationId: w.org.id }, token)).code).toBe('FORBIDDEN');
    const own = ok(await hub.gql(TemplateListDocument, { first: 100 }, token)).planTemplates;
    expect(own.edges.map((e) => e.node.id)).not.toContain(template.id);
  });

  it.each([
    [
      'a rule that does not fit its measure',
      'warningSignRules.0.comparison',
      {
        warningSignRules: [{ measure: WEIGHT, comparison: 'IS_ONE_OF' as const, codes: ['X'], severity: 'LOW' as const, instruction: 'x' }],
      },
    ],
    [
      'a rule of an unknown measure',
      'warningSignRules.0.measure',
      {
        warningSignRules: [{ measure: 'no-such', comparison: 'ABOVE' as const, threshold: 1, severity: 'LOW' as const, instruction: 'x' }],
      },
    ],
    [
      'an expected check-in of an unknown measure',
      'expectedCheckIns.0.measure',
      { expectedCheckIns: [{ measure: 'no-such', everyDays: 1 }] },
    ],
    [
      'a measure expected twice',
      'expectedCheckIns.1.measure',
      {
        expectedCheckIns: [
          { measure: WEIGHT, everyDays: 1 },
          { measure: WEIGHT, everyDays: 2 },
        ],
      },
    ],
    ['an expected check-in every 0 days', 'expectedCheckIns.0.everyDays', { expectedCheckIns: [{ measure: WEIGHT, everyDays: 0 }] }],
    [
      'a recurrence that is no RRULE',
      'tasks.0.recurrence',
      { tasks: [{ title: 'T', kind: 'OTHER' as const, dueInDays: 1, recurrence: 'every Monday' }] },
    ],
    [
      'a recurrence with an absolute end',
      'tasks.0.recurrence',
      { tasks: [{ title: 'T', kind: 'OTHER' as const, dueInDays: 1, recurrence: 'FREQ=DAILY;UNTIL=20270101T000000Z' }] },
    ],
    [
      'a recurrence more often than daily',
      'tasks.0.recurrence',
      { tasks: [{ title: 'T', kind: 'OTHER' as const, dueInDays: 1, recurrence: 'FREQ=HOURLY' }] },
    ],
    [
      'a recurrence without a first due day',
      'tasks.0.dueInDays',
      { tasks: [{ title: 'T', kind: 'OTHER' as const, recurrence: 'FREQ=DAILY;COUNT=3' }] },
    ],
    ['a due time that is no time', 'tasks.0.dueTime', { tasks: [{ title: 'T', kind: 'OTHER' as const, dueInDays: 1, dueTime: '25:00' }] }],
    ['a blank goal', 'goals.0.description', { goals: [{ description: '  ' }] }],
  ])('are checked as their parts are when added to a plan: %s is BAD_USER_INPUT on %s', async (_what, field, fields) => {
    const input = { organizationId: w.org.id, title: `Refused ${field}`, category: 'GENERAL' as const, ...fields };
    expect(refusal(await hub.gql(CreateTemplateDocument, { input }, await w.adminToken()))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field },
    });
    expect(await sql('select id from plan_template where title = ?', [input.title])).toEqual([]);
  });
});

describe('createCarePlanFromTemplate', () => {
  it('sets up the plan, its goals, tasks, rules and expected check-ins in one write, with their events in that order', async () => {
    const team = await w.team();
    const template = await createTemplate(hipTemplate(w.org));
    const before = await careRows(team.patient.id);
    const [{ last }] = await sql<{ last: number }>('select last_event_sequence as last from patient where id = ?', [team.patient.id]);

    // A team member who does not own the plan sets it up, naming the physician owner.
    const plan = ok(
      await hub.gql(PlanFromTemplateDocument, { input: fromTemplate(team, template.id) }, team.nurseToken),
    ).createCarePlanFromTemplate;
    expect(plan).toMatchObject({
      title: template.title,
      category: 'HOME_RECOVERY',
      status: 'DRAFT',
      description: 'Six weeks of home rehabilitation.',
      warningSigns: ['Calf pain or swelling'],
      owner: { id: team.owner.id },
      goals: [
        { description: 'Wound healed', target: 'Clips out, no infection', dueDate: dayAfterStart(14), status: 'PROPOSED' },
        { description: 'Walk with a cane', target: null, dueDate: dayAfterStart(42), status: 'PROPOSED' },
      ],
      warningSignRules: [
        { measure: { code: '8310-5' }, comparison: 'ABOVE', threshold: 38, severity: 'HIGH', assignRole: 'home nurse' },
        { measure: { code: 'wound-status' }, comparison: 'IS_ONE_OF', severity: 'HIGH', assignRole: null },
      ],
      expectedCheckIns: [
        { everyDays: 1, graceHours: 6, measure: { code: '72514-3' } },
        { everyDays: 3, graceHours: 12, measure: { code: 'wound-status' } },
      ],
    });
    // Due times are wall-clock times in the plan's zone: 09:00 in Stockholm is 08:00Z on day 0 (CET) and
    // 07:00Z after the clocks change to summer time on day 2: gait training recurs on MO, WE and FR, so its
    // first session is the first of those from day 2 on, the Monday.
    expect(plan.tasks.edges.map((e) => [e.node.title, e.node.dueAt, e.node.status, e.node.requester.id])).toEqual([
      ['Wound check', `${START}T08:00:00.000Z`, 'REQUESTED', team.nurse.id],
      ['Gait training', `${dayAfterStart(3)}T07:00:00.000Z`, 'REQUESTED', team.nurse.id],
      ['Review analgesia', null, 'REQUESTED', team.nurse.id],
    ]);

    const events = ok(await hub.gql(TemplatePlanEventsDocument, { patientId: team.patient.id }, team.ownerToken))
      .patientEvents.edges.map((e) => e.node)
      .filter((e) => e.sequence > last);
    expect(events.map((e) => e.type)).toEqual([
      'CARE_PLAN_CREATED',
      'GOAL_ADDED',
      'GOAL_ADDED',
      'TASK_CREATED',
      'TASK_SERIES_CREATED', // gait training recurs: its series, then its first session
      'TASK_CREATED',
      'TASK_CREATED',
      'WARNING_SIGN_RULE_ADDED',
      'WARNING_SIGN_RULE_ADDED',
      'CHECK_IN_EXPECTED',
      'CHECK_IN_EXPECTED',
    ]);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => last + 1 + i));
    expect(new Set(events.map((e) => e.carePlan?.id))).toEqual(new Set([plan.id]));
    expect(new Set(events.map((e) => e.actor?.id))).toEqual(new Set([team.nurse.id]));

    // One transaction: every row and event it wrote carries the same transaction id, and it is one audited write.
    const transactions = await sql<{ xmin: string }>(
      `select distinct xmin::text from (
         select xmin from event where patient_id = ? and sequence > ?
         union all select xmin from goal where care_plan_id = ? union all select xmin from task where care_plan_id = ?
         union all select xmin from warning_sign_rule where care_plan_id = ? union all select xmin from check_in_expectation where care_plan_id = ?
         union all select xmin from care_plan where id = ?) as written`,
      [team.patient.id, last, plan.id, plan.id, plan.id, plan.id, plan.id],
    );
    expect(transactions).toHaveLength(1);
    const after = await careRows(team.patient.id);
    expect(after).toEqual({
      plans: before.plans + 1,
      goals: before.goals + 2,
      tasks: before.tasks + 3,
      rules: before.rules + 2,
      expectations: before.expectations + 2,
      events: before.events + 11,
      jobs: before.jobs + 2,
      writesAudited: before.writesAudited + 1,
    });
  });

  it("reaches a dashboard watching the patient as one change, every event in order, and each assignee's task feed", async () => {
    const team = await w.team();
    const template = await createTemplate(hipTemplate(w.org));
    const [{ last }] = await sql<{ last: number }>('select last_event_sequence as last from patient where id = ?', [team.patient.id]);
    const dashboard = wsClient(hub.wsUrl, team.ownerToken);
    const nurseFeed = wsClient(hub.wsUrl, team.nurseToken);
    try {
      const watching = hub.subscriptions();
      const events = subscribe(dashboard, PatientEventsDocument, { patientId: team.patient.id, afterSequence: last });
      const mine = subscribe(nurseFeed, MyTaskEventsDocument, {});
      for (let i = 0; i < 150 && hub.subscriptions() < watching + 2; i++) await new Promise((r) => setTimeout(r, 20));
      ok(await hub.gql(PlanFromTemplateDocument, { input: fromTemplate(team, template.id) }, team.ownerToken));
      const received = (await events.received(11)).map((r) => r.data!.patientEvents);
      expect(received.map((e) => [e.sequence, e.type])).toEqual(
        ['CARE_PLAN_CREATED', 'GOAL_ADDED', 'GOAL_ADDED', 'TASK_CREATED', 'TASK_SERIES_CREATED', 'TASK_CREATED', 'TASK_CREATED']
          .concat(['WARNING_SIGN_RULE_ADDED', 'WARNING_SIGN_RULE_ADDED', 'CHECK_IN_EXPECTED', 'CHECK_IN_EXPECTED'])
          .map((type, i) => [last + 1 + i, type]),
      );
      const nurseTasks = (await mine.received(2)).map((r) => [r.data!.myTaskEvents.type, r.data!.myTaskEvents.task?.title]);
      expect(nurseTasks).toEqual([
        ['TASK_CREATED', 'Wound check'],
        ['TASK_CREATED', 'Review analgesia'],
      ]);
    } finally {
      await Promise.all([dashboard.dispose(), nurseFeed.dispose()]);
    }
  });

  it("makes a template task's recurrence a task series of the plan, its rule read in the plan's time zone from the task's first due time", async () => {
    const team = await w.team();
    const template = await createTemplate(hipTemplate(w.org));
    const plan = ok(
      await hub.gql(PlanFromTemplateDocument, { input: fromTemplate(team, template.id, { assign: [] }) }, team.ownerToken),
    ).createCarePlanFromTemplate;
    const series = await sql<{ title: string; rule: string; time_zone: string; start: string; status: string }>(
      `select title, rule, time_zone, to_char(start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as start, status
         from task_series where care_plan_id = ?`,
      [plan.id],
    );
    expect(series).toEqual([
      {
        title: 'Gait training',
        rule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18',
        time_zone: 'Europe/Stockholm',
        start: `${dayAfterStart(2)}T07:00`, // day 2 at 09:00 in Stockholm, summer time (UTC here)
        status: 'ACTIVE',
      },
    ]);
    const sessions = await sql<{ n: number }>(
      'select count(*)::int as n from task where series_id = (select id from task_series where care_plan_id = ?)',
      [plan.id],
    );
    expect(sessions[0].n).toBe(1); // the first session; the rest are created as the horizon reaches them

    // A series cannot start in the past: a plan started last month with that template is refused, naming the template's task.
    const other = await w.team();
    const lastMonth = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    const before = await careRows(other.patient.id);
    const refused = refusal(
      await hub.gql(
        PlanFromTemplateDocument,
        { input: fromTemplate(other, template.id, { startDate: lastMonth, assign: [] }) },
        other.ownerToken,
      ),
    );
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'tasks.1.dueAt' } });
    expect(await careRows(other.patient.id)).toEqual(before);
  });

  it('assigns each task to the provider named for its role (case aside), and leaves a role nobody is named for unassigned', async () => {
    const team = await w.team();
    const template = await createTemplate(hipTemplate(w.org));
    const input = fromTemplate(team, template.id, { assign: [{ role: ' HOME NURSE', providerId: team.nurse.id }] });
    const plan = ok(await hub.gql(PlanFromTemplateDocument, { input }, team.ownerToken)).createCarePlanFromTemplate;
    expect(plan.tasks.edges.map((e) => [e.node.title, e.node.assignee?.id ?? null])).toEqual([
      ['Wound check', team.nurse.id],
      ['Gait training', null],
      ['Review analgesia', team.nurse.id],
    ]);
  });

  it.each([
    ['a role the template does not have', (t: Team) => ({ assign: [{ role: 'surgeon', providerId: t.owner.id }] }), 'assign.0.role'],
    [
      'a role named twice',
      (t: Team) => ({
        assign: [
          { role: 'home nurse', providerId: t.nurse.id },
          { role: 'Home Nurse', providerId: t.owner.id },
        ],
      }),
      'assign.1.role',
    ],
    [
      'an assignee who is not on the team',
      (t: Team) => ({ assign: [{ role: 'home nurse', providerId: t.outsider.id }] }),
      'assign.0.providerId',
    ],
    ['an owner who is not on the team', (t: Team) => ({ ownerId: t.outsider.id }), 'ownerId'],
    ['an unknown time zone', () => ({ timeZone: 'Mars/Olympus_Mons' }), 'timeZone'],
    ['a start date out of range', () => ({ startDate: '2099-06-01' }), 'startDate'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_what, fields, field) => {
    const team = await w.team();
    const template = await createTemplate(hipTemplate(w.org));
    const before = await careRows(team.patient.id);
    const input = fromTemplate(team, template.id, fields(team));
    expect(refusal(await hub.gql(PlanFromTemplateDocument, { input }, team.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field },
    });
    expect(await careRows(team.patient.id)).toEqual(before);
  });

  it("is refused as createCarePlan is: NOT_FOUND to a non-member, FORBIDDEN to an ADMIN; an archived template or another organization's is BAD_USER_INPUT", async () => {
    const team = await w.team();
    const template = await createTemplate(hipTemplate(w.org));
    const before = await careRows(team.patient.id);
    const input = fromTemplate(team, template.id);
    expect(refusal(await hub.gql(PlanFromTemplateDocument, { input }, team.outsiderToken)).code).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(PlanFromTemplateDocument, { input }, await w.adminToken())).code).toBe('FORBIDDEN');
    const foreign = await createTemplate(hipTemplate(elsewhere.org), elsewhere);
    expect(
      refusal(await hub.gql(PlanFromTemplateDocument, { input: { ...input, templateId: foreign.id } }, team.ownerToken)),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'templateId' },
    });
    ok(await hub.gql(ArchiveTemplateDocument, { input: { id: template.id, expectedVersion: 1 } }, await w.adminToken()));
    expect(refusal(await hub.gql(PlanFromTemplateDocument, { input }, team.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'templateId' },
    });
    expect(await careRows(team.patient.id)).toEqual(before);
  });

  it('makes a DRAFT that becomes ACTIVE only while no other plan of its category is, as any plan', async () => {
    const team = await w.team();
    await w.plan(team.patient, team.owner, { category: CarePlanCategory.HOME_RECOVERY }); // ACTIVE
    const template = await createTemplate(hipTemplate(w.org));
    const plan = ok(
      await hub.gql(PlanFromTemplateDocument, { input: fromTemplate(team, template.id) }, team.ownerToken),
    ).createCarePlanFromTemplate;
    expect(plan.status).toBe('DRAFT');
    const activate = `mutation TemplateActivate($input: UpdateCarePlanInput!) { updateCarePlan(input: $input) { status } }`;
    const result = await post(hub, activate, { input: { id: plan.id, expectedVersion: plan.version, status: 'ACTIVE' } }, team.ownerToken);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
  });

  it('writes nothing when its last step fails: no plan, goal, task, rule, expected check-in, job or event', async () => {
    const team = await w.team();
    const template = await createTemplate(hipTemplate(w.org));
    // A stored template whose last expected check-in repeats the first one's measure (its checks refuse that
    // on save; here the row is changed underneath): the second CHECK_IN_EXPECTED is refused inside the write,
    // after the plan, its goals, tasks, rules and first expectation were written in it.
    await sql(
      `update plan_template set expected_check_ins = expected_check_ins || jsonb_build_array(expected_check_ins -> 0) where id = ?`,
      [template.id],
    );
    const before = await careRows(team.patient.id);
    const [{ last }] = await sql<{ last: number }>('select last_event_sequence as last from patient where id = ?', [team.patient.id]);
    expect(refusal(await hub.gql(PlanFromTemplateDocument, { input: fromTemplate(team, template.id) }, team.ownerToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'expectedCheckIns.2.measure' },
    });
    expect(await careRows(team.patient.id)).toEqual(before);
    const [{ after }] = await sql<{ after: number }>('select last_event_sequence as after from patient where id = ?', [team.patient.id]);
    expect(after).toBe(last);
    expect(await sql('select id from care_plan where patient_id = ? and category = ?', [team.patient.id, 'HOME_RECOVERY'])).toEqual([]);
  });
});

describe('the demo clinic', () => {
  it('ships three templates (hip replacement, depression with CBT, heart failure) that each set up a whole plan for a team with their roles', async () => {
    const clinic = await world(hub);
    const templates = await loadDemoTemplates(clinic.contextOf(null), clinic.org.id);
    expect(templates.map((t) => [t.title, t.category])).toEqual([
      ['Home recovery after hip replacement', 'HOME_RECOVERY'],
      ['Depression: CBT first', 'MENTAL_HEALTH'],
      ['Heart-failure follow-up', 'CHRONIC_CONDITION'],
    ]);
    for (const template of templates) {
      const members = await Promise.all(template.roles.map(async (role) => [await clinic.provider(), role] as const));
      const patient = await clinic.patient(members.map(([p, role]) => [p, role]));
      const [owner] = members[0];
      const input = {
        patientId: patient.id,
        templateId: template.id,
        ownerId: owner.id,
        startDate: START, // over 30 days ahead: each recurring task has its first session only (the horizon is 14 days)
        timeZone: 'Europe/Amsterdam',
        assign: members.map(([p, role]) => ({ role, providerId: p.id })),
      };
      const plan = ok(await hub.gql(PlanFromTemplateDocument, { input }, await clinic.token(owner))).createCarePlanFromTemplate;
      expect({
        goals: plan.goals.length,
        tasks: plan.tasks.totalCount,
        unassigned: plan.tasks.edges.filter((e) => !e.node.assignee).length,
        rules: plan.warningSignRules.length,
        expected: plan.expectedCheckIns.length,
      }).toEqual({
        goals: template.goals.length,
        tasks: template.tasks.length,
        unassigned: 0,
        rules: template.warningSignRules.length,
        expected: template.expectedCheckIns.length,
      });
    }
  });
});
