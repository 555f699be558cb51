import { Client } from 'pg';
import { carePlans, CarePlanCategory } from '../src/modules/care-plans';
import { TaskKind, tasks } from '../src/modules/tasks';
import { writePatient } from '../src/core/patient-write';
import { world, type World } from './support/factories';
import { startTestHub, type TestHub } from './support/hub';

/**
 * One change to a patient is one unit of work, whichever modules take part
 * (docs/architecture.md, "The patient write"). These tests call two modules'
 * services inside one write, as a check-in that raises a task or a plan
 * template will.
 */
describe('a patient write', () => {
  let hub: TestHub;
  let w: World;
  beforeAll(async () => {
    hub = await startTestHub();
    w = await world(hub);
  });
  afterAll(() => hub.close());

  /** Transaction ids (xmin) of rows: equal ids mean one transaction wrote them. */
  async function writers(table: string, ids: string[]): Promise<string[]> {
    const rows = await hub.orm.em
      .getConnection()
      .execute<{ xmin: string }[]>(`select xmin::text from ${table} where id in (${ids.map(() => '?').join(', ')}) order by id`, ids);
    return rows.map((r) => r.xmin);
  }

  async function eventsAfter(patientId: string, after: number) {
    return hub.orm.em
      .getConnection()
      .execute<{ id: string; sequence: number; type: string; xmin: string }[]>(
        'select id, sequence, type, xmin::text from event where patient_id = ? and sequence > ? order by sequence',
        [patientId, after],
      );
  }

  /** Collects the NOTIFY payloads of the events channel while `run` runs. */
  async function notifications(run: () => Promise<unknown>): Promise<string[]> {
    const client = new Client({ connectionString: hub.config.databaseUrl });
    await client.connect();
    const payloads: string[] = [];
    client.on('notification', (n) => payloads.push(n.payload ?? ''));
    await client.query('LISTEN care_events');
    try {
      await run();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end();
    }
    return payloads;
  }

  it("lets another module's service join it: one transaction, both modules' events in order with gap-free sequences, one NOTIFY", async () => {
    const { owner, nurse, patient } = await w.team();
    const before = (await w.eventLog(patient.id)).last;
    let planId = '';
    let taskId = '';
    const payloads = await notifications(() =>
      writePatient(w.contextOf(owner), patient.id, async (write) => {
        const plan = await carePlans.create(await write.context(), {
          patientId: patient.id,
          title: 'Falls prevention',
          category: CarePlanCategory.HOME_RECOVERY,
          ownerId: owner.id,
        });
        // The task module reads the plan created a moment ago, inside the same transaction.
        const task = await tasks.create(await write.context(), {
          carePlanId: plan.id,
          title: 'Home safety check',
          kind: TaskKind.HOME_VISIT,
          assigneeId: nurse.id,
        });
        planId = plan.id;
        taskId = task.id;
      }),
    );

    const events = await eventsAfter(patient.id, before);
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [before + 1, 'CARE_PLAN_CREATED'],
      [before + 2, 'TASK_CREATED'],
    ]);
    expect((await w.eventLog(patient.id)).last).toBe(before + 2);
    const [planTx] = await writers('care_plan', [planId]);
    expect(await writers('task', [taskId])).toEqual([planTx]);
    expect(new Set(events.map((e) => e.xmin))).toEqual(new Set([planTx]));
    expect(payloads.filter((p) => p.startsWith(`${patient.id}:`))).toEqual([`${patient.id}:${before + 1}:${before + 2}`]);
  });

  it("rolls back the outer module's change when the inner module refuses its part", async () => {
    const { owner, outsider, patient } = await w.team();
    const unchanged = await w.snapshot(patient.id);
    const plansBefore = await hub.orm.em.getConnection().execute('select id from care_plan where patient_id = ?', [patient.id]);

    const attempt = writePatient(w.contextOf(owner), patient.id, async (write) => {
      const plan = await carePlans.create(await write.context(), {
        patientId: patient.id,
        title: 'Never stored',
        category: CarePlanCategory.MENTAL_HEALTH,
        ownerId: owner.id,
      });
      await tasks.create(await write.context(), {
        carePlanId: plan.id,
        title: 'For someone off the team',
        kind: TaskKind.OTHER,
        assigneeId: outsider.id,
      });
    });

    await expect(attempt).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'assigneeId' } });
    await unchanged();
    expect(await hub.orm.em.getConnection().execute('select id from care_plan where patient_id = ?', [patient.id])).toEqual(plansBefore);
  });

  it('refuses, at once and without writing, a service inside it that was handed the outer context (it would wait forever for the lock)', async () => {
    const { owner, plan, patient } = await w.team();
    const unchanged = await w.snapshot(patient.id);
    const outer = w.contextOf(owner);

    const attempt = writePatient(outer, patient.id, async () => {
      await tasks.create(outer, { carePlanId: plan.id, title: 'Wrong context', kind: TaskKind.OTHER });
    });

    await expect(attempt).rejects.toThrow('must be given await write.context()');
    await unchanged();
  });

  it('keeps a write to one patient from changing another', async () => {
    const first = await w.team();
    const second = await w.team();
    await w.addMember(second.patient, first.owner); // may write to both, but not in one write
    const unchanged = await w.snapshot(first.patient.id);
    const secondUnchanged = await w.snapshot(second.patient.id);

    const attempt = writePatient(w.contextOf(first.owner), first.patient.id, async (write) => {
      await tasks.create(await write.context(), { carePlanId: second.plan.id, title: 'Elsewhere', kind: TaskKind.OTHER });
    });

    await expect(attempt).rejects.toThrow('cannot change another patient');
    await unchanged();
    await secondUnchanged();
  });

  it("ends a membership and unassigns the leaver's open tasks (care-team and tasks modules) in one transaction", async () => {
    const { owner, nurse, plan, patient, nurseMembership } = await w.team();
    const open = await w.task(plan, owner, { assignee: nurse });
    const before = (await w.eventLog(patient.id)).last;

    await w.endMembership(nurseMembership);

    const events = await eventsAfter(patient.id, before);
    expect(events.map((e) => e.type)).toEqual(['CARE_TEAM_MEMBER_ENDED', 'TASK_UNASSIGNED']);
    const [memberTx] = await writers('care_team_member', [nurseMembership.id]);
    expect(await writers('task', [open.id])).toEqual([memberTx]);
    expect(new Set(events.map((e) => e.xmin))).toEqual(new Set([memberTx]));
  });
});
