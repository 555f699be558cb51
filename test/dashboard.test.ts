import { DashboardDocument } from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, world, type World } from './support/factories';
import { Discipline, type Provider } from '../src/modules/providers';
import { TaskStatus } from '../src/modules/tasks';

let hub: TestHub;
let w: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

/**
 * `doctor` on the team of `n` patients, each with a nurse on the team too, an
 * ACTIVE plan owned by the doctor with two goals, three open tasks (two of
 * them the nurse's) and one completed task.
 */
async function caseload(doctor: Provider, n: number) {
  const nurse = await w.provider({ discipline: Discipline.NURSE });
  const one = async (i: number) => {
    const patient = await w.patient(
      [
        [doctor, 'primary physician'],
        [nurse, 'home nurse'],
      ],
      { name: `Dashboard patient ${String(i).padStart(3, '0')}` },
    );
    const plan = await w.plan(patient, doctor);
    await w.goal(plan, doctor, 'Walk 500 m');
    await w.goal(plan, doctor, 'Sleep 7 h');
    await w.task(plan, doctor, { assignee: nurse });
    await w.task(plan, doctor, { assignee: nurse, path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS] });
    await w.task(plan, doctor, { assignee: doctor, path: [TaskStatus.ACCEPTED] });
    await w.task(plan, doctor, { assignee: doctor, path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED] });
  };
  // Different patients do not contend for the same row lock: build ten at a time.
  for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, k) => one(i + k)));
  return nurse;
}

async function dashboard(doctor: Provider, n: number) {
  const token = await w.token(doctor);
  hub.countStatements();
  const data = ok(await hub.gql(DashboardDocument, { first: n }, token));
  const statements = [...hub.statements];
  return { data, statements };
}

describe('the Dashboard query', () => {
  it("answers with every patient's team, active plan, goals and open tasks", async () => {
    const doctor = await w.provider({ name: 'Dr. Dashboard' });
    const nurse = await caseload(doctor, 3);
    const { data } = await dashboard(doctor, 3);
    expect(data.patients.totalCount).toBe(3);
    for (const { node } of data.patients.edges) {
      expect(node.careTeam.map((m) => [m.role, m.provider.id])).toEqual([
        ['primary physician', doctor.id],
        ['home nurse', nurse.id],
      ]);
      expect(node.activeCarePlan).toMatchObject({ status: 'ACTIVE', owner: { id: doctor.id, name: 'Dr. Dashboard' } });
      expect(node.activeCarePlan!.goals.map((g) => g.description)).toEqual(['Walk 500 m', 'Sleep 7 h']);
      const tasks = node.activeCarePlan!.tasks.edges.map((e) => [e.node.status, e.node.assignee?.id]);
      expect(tasks).toEqual([
        ['REQUESTED', nurse.id],
        ['IN_PROGRESS', nurse.id],
        ['ACCEPTED', doctor.id],
      ]);
    }
  });

  it('costs the same seven SQL statements for 5 and for 50 patients', async () => {
    const few = await w.provider();
    const many = await w.provider();
    await caseload(few, 5);
    await caseload(many, 50);

    const small = await dashboard(few, 5);
    const large = await dashboard(many, 50);
    expect(small.data.patients.edges).toHaveLength(5);
    expect(large.data.patients.edges).toHaveLength(50);
    expect(
      large.data.patients.edges.every((e) => e.node.activeCarePlan!.tasks.edges.length === 3 && e.node.activeCarePlan!.goals.length === 2),
    ).toBe(true);
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.statements.length).toBe(7);
  }, 120_000);
});
