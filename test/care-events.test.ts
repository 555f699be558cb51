import type { Client } from 'graphql-ws';
import {
  CareDashboardDocument,
  CareEventsCursorDocument,
  CareEventsDocument,
  LiveAddNoteDocument,
  type CareEventsSubscription,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, world, type World } from './support/factories';
import { subscribe, wsClient, type Subscription } from './support/ws';
import { encodeCareCursor } from '../src/events/care-cursor';
import type { CareTeamMember } from '../src/modules/care-team';
import type { Patient } from '../src/modules/patients';
import type { Provider } from '../src/modules/providers';
import type { Task } from '../src/modules/tasks';

let hub: TestHub;
let w: World;
const clients: Client[] = [];
const client = async (provider: Provider) => {
  const c = wsClient(hub.wsUrl, await w.token(provider));
  clients.push(c);
  return c;
};

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => hub.close());

type Feed = Subscription<CareEventsSubscription>;

/** "patientId:sequence:type" of what a feed delivered, in order of arrival. */
const delivered = (feed: Feed) =>
  feed.results.map((r) => {
    expect(r.errors).toBeUndefined();
    const { event } = r.data!.careEvents;
    return `${event.patient.id}:${event.sequence}:${event.type}`;
  });

/** The same, from the events table: the patient's events after `after` (through `through`). */
async function stored(patient: Patient, after = 0, through = Infinity): Promise<string[]> {
  const rows = await hub.orm.em
    .getConnection()
    .execute<{ sequence: number; type: string }[]>('select sequence, type from event where patient_id = ? order by sequence', [patient.id]);
  return rows.filter((r) => r.sequence > after && r.sequence <= through).map((r) => `${patient.id}:${r.sequence}:${r.type}`);
}

const lastSequence = async (patient: Patient) => (await stored(patient)).length;

const ofPatient = (items: string[], patient: Patient) => items.filter((item) => item.startsWith(`${patient.id}:`));
const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

async function cursorOf(provider: Provider): Promise<string> {
  return ok(await hub.gql(CareEventsCursorDocument, {}, await w.token(provider))).careEventsCursor;
}

async function watch(provider: Provider, afterCursor?: string | null): Promise<Feed> {
  return subscribe(await client(provider), CareEventsDocument, { afterCursor });
}

async function note(task: Task, by: Provider, text: string) {
  ok(await hub.gql(LiveAddNoteDocument, { input: { taskId: task.id, text } }, await w.token(by)));
}

/** A patient with `caller` and a doctor on the team, a plan and a task of the doctor's. */
async function patientOf(caller: Provider, doctor: Provider) {
  const patient = await w.patient([doctor, caller]);
  const plan = await w.plan(patient, doctor);
  const task = await w.task(plan, doctor);
  return { patient, plan, task };
}

async function membershipOf(patient: Patient, provider: Provider): Promise<CareTeamMember> {
  return (await hub.orm.em
    .fork()
    .findOneOrFail('CareTeamMember', { patient: patient.id, provider: provider.id, endedAt: null } as never)) as CareTeamMember;
}

describe('careEvents: one feed of every patient on the caller’s panel', () => {
  it('delivers the events of all my patients in one subscription, each patient’s in sequence order, from the cursor read with the panel', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const a = await patientOf(nurse, doctor);
    const b = await patientOf(nurse, doctor);
    const dashboard = ok(await hub.gql(CareDashboardDocument, {}, await w.token(nurse)));
    expect(dashboard.patients.edges.map((e) => e.node.id).sort()).toEqual([a.patient.id, b.patient.id].sort());
    const [fromA, fromB] = [await lastSequence(a.patient), await lastSequence(b.patient)];

    await note(a.task, doctor, 'written while the page was loading'); // before subscribing: not missed
    const feed = await watch(nurse, dashboard.careEventsCursor);
    for (let i = 0; i < 3; i++) {
      await note(b.task, doctor, `b ${i}`);
      await note(a.task, doctor, `a ${i}`);
    }
    await feed.received(7);
    await settle();
    const got = delivered(feed);
    expect(ofPatient(got, a.patient)).toEqual(await stored(a.patient, fromA));
    expect(ofPatient(got, b.patient)).toEqual(await stored(b.patient, fromB));
    expect(got).toHaveLength(7);
    expect(feed.results[0].data!.careEvents.event.patient.name).toBe(a.patient.name);
  });

  it('answers careEventsCursor over the WebSocket as over HTTP', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    await patientOf(nurse, doctor);
    const overSocket = subscribe(await client(nurse), CareEventsCursorDocument, {});
    const [result] = await overSocket.received(1);
    expect(result.errors).toBeUndefined();
    expect(result.data!.careEventsCursor).toBe(await cursorOf(nurse));
  });

  it('without afterCursor delivers live events only', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const a = await patientOf(nurse, doctor);
    for (let i = 0; i < 150 && hub.subscriptions() > 0; i++) await settle(20); // earlier tests' closed
    const feed = await watch(nurse);
    for (let i = 0; i < 150 && hub.subscriptions() === 0; i++) await settle(20);
    await settle(300); // and has read where the panel stands
    const from = await lastSequence(a.patient);
    await note(a.task, doctor, 'live');
    await feed.received(1);
    await settle();
    expect(delivered(feed)).toEqual(await stored(a.patient, from));
  });

  it('resumes after a disconnect with the last cursor: every event written meanwhile arrives once, then live ones', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const a = await patientOf(nurse, doctor);
    const b = await patientOf(nurse, doctor);
    const start = await cursorOf(nurse);
    const [fromA, fromB] = [await lastSequence(a.patient), await lastSequence(b.patient)];
    const first = await watch(nurse, start);
    await note(a.task, doctor, 'seen');
    await note(b.task, doctor, 'seen');
    await first.received(2);
    const lastCursor = first.results.at(-1)!.data!.careEvents.cursor;
    await Promise.all(clients.splice(0).map((c) => c.dispose())); // the dashboard loses its connection

    for (let i = 0; i < 3; i++) {
      await note(a.task, doctor, `meanwhile a ${i}`);
      await note(b.task, doctor, `meanwhile b ${i}`);
    }
    const again = await watch(nurse, lastCursor);
    await again.received(6);
    await note(b.task, doctor, 'live again');
    await again.received(7);
    await settle();
    const all = [...delivered(first), ...delivered(again)];
    expect(ofPatient(all, a.patient)).toEqual(await stored(a.patient, fromA));
    expect(ofPatient(all, b.patient)).toEqual(await stored(b.patient, fromB));
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives every event once and in per-patient order while writers on several patients run concurrently, across a reconnect mid-storm', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const cases = await Promise.all([1, 2, 3].map(() => patientOf(nurse, doctor)));
    const writers = await Promise.all(
      cases.flatMap(({ patient, plan }) =>
        [1, 2, 3].map(async () => {
          const member = await w.provider();
          await w.addMember(patient, member);
          return { member, task: await w.task(plan, member) };
        }),
      ),
    );
    const from = await Promise.all(cases.map(({ patient }) => lastSequence(patient)));
    const first = await watch(nurse, await cursorOf(nurse));
    const storm = Promise.all(
      writers.map(async ({ member, task }) => {
        for (let i = 0; i < 8; i++) await note(task, member, `note ${i}`);
      }),
    );
    await first.received(10, 20_000);
    await Promise.all(clients.splice(0).map((c) => c.dispose())); // cut mid-storm
    const seenBefore = delivered(first);
    const lastCursor = first.results.at(-1)!.data!.careEvents.cursor;
    const again = await watch(nurse, lastCursor);
    await storm;
    const total = writers.length * 8;
    await again.received(total - seenBefore.length, 20_000);
    await settle();
    const all = [...seenBefore, ...delivered(again)];
    for (const [i, { patient }] of cases.entries()) {
      expect(ofPatient(all, patient)).toEqual(await stored(patient, from[i]));
    }
    expect(all).toHaveLength(total);
  });

  it('starts a patient whose team I join mid-stream with the event that adds me, not before, and later events follow', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const mine = await patientOf(nurse, doctor);
    const other = await w.patient([doctor]);
    const plan = await w.plan(other, doctor);
    const task = await w.task(plan, doctor);
    const feed = await watch(nurse, await cursorOf(nurse));
    await note(task, doctor, 'before I joined');
    const joinedAt = (await lastSequence(other)) + 1;
    await w.addMember(other, nurse, 'home nurse');
    await note(task, doctor, 'after I joined');
    await note(mine.task, doctor, 'elsewhere');
    await feed.received(3);
    await settle();
    const got = delivered(feed);
    expect(ofPatient(got, other)).toEqual(await stored(other, joinedAt - 1));
    expect(ofPatient(got, other)[0]).toBe(`${other.id}:${joinedAt}:CARE_TEAM_MEMBER_ADDED`);
  });

  it('stops a patient after the event that ends my membership: nothing of the same write after it, nothing later', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const { patient, plan, task } = await patientOf(nurse, doctor);
    await w.task(plan, doctor, { assignee: nurse }); // handed back to the team in the write that ends the membership
    const from = await lastSequence(patient);
    const feed = await watch(nurse, await cursorOf(nurse));
    await note(task, doctor, 'while on the team');
    await w.endMembership(await membershipOf(patient, nurse));
    const endedAt = (await stored(patient)).findIndex((e) => e.endsWith(':CARE_TEAM_MEMBER_ENDED')) + 1;
    expect(await lastSequence(patient)).toBeGreaterThan(endedAt); // the task went back to the team after it
    await note(task, doctor, 'after the nurse left');
    await feed.received(2);
    await settle();
    expect(delivered(feed)).toEqual(await stored(patient, from, endedAt));
    expect(delivered(feed).at(-1)).toBe(`${patient.id}:${endedAt}:CARE_TEAM_MEMBER_ENDED`);
    // The last cursor no longer names the patient: resuming with it gives nothing of it.
    const again = await watch(nurse, feed.results.at(-1)!.data!.careEvents.cursor);
    await note(task, doctor, 'still after');
    await settle();
    expect(again.results).toEqual([]);
  });

  it('delivers a membership that starts and ends while I watch, and nothing between two memberships', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const mine = await patientOf(nurse, doctor);
    const other = await w.patient([doctor]);
    const task = await w.task(await w.plan(other, doctor), doctor);
    const feed = await watch(nurse, await cursorOf(nurse));
    const first = await w.addMember(other, nurse);
    const firstFrom = await lastSequence(other);
    await note(task, doctor, 'first stint');
    await w.endMembership(first);
    const firstTo = (await stored(other)).findIndex((e) => e.endsWith(':CARE_TEAM_MEMBER_ENDED')) + 1;
    await note(task, doctor, 'between stints');
    await w.addMember(other, nurse);
    const secondFrom = await lastSequence(other);
    await note(task, doctor, 'second stint');
    await note(mine.task, doctor, 'elsewhere');
    await feed.received(6);
    await settle();
    expect(ofPatient(delivered(feed), other)).toEqual([
      ...(await stored(other, firstFrom - 1, firstTo)),
      ...(await stored(other, secondFrom - 1)),
    ]);
  });

  it('on resuming, catches up a patient joined while disconnected from the membership start, and drops one left meanwhile', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const left = await patientOf(nurse, doctor);
    const stays = await patientOf(nurse, doctor);
    const joined = await w.patient([doctor]);
    const joinedTask = await w.task(await w.plan(joined, doctor), doctor);
    const passing = await w.patient([doctor]);
    const passingTask = await w.task(await w.plan(passing, doctor), doctor);
    const cursor = await cursorOf(nurse);
    const fromStays = await lastSequence(stays.patient);

    // Disconnected: nobody watches.
    await note(left.task, doctor, 'before the nurse left');
    await w.endMembership(await membershipOf(left.patient, nurse));
    await note(joinedTask, doctor, 'before the nurse joined');
    const joinedFrom = (await lastSequence(joined)) + 1;
    await w.addMember(joined, nurse);
    await note(joinedTask, doctor, 'after the nurse joined');
    const stint = await w.addMember(passing, nurse); // joined and left while away: not a member now
    await note(passingTask, doctor, 'during the short stint');
    await w.endMembership(stint);
    await note(stays.task, doctor, 'meanwhile');

    const feed = await watch(nurse, cursor);
    const expected = [...(await stored(stays.patient, fromStays)), ...(await stored(joined, joinedFrom - 1))];
    await feed.received(expected.length);
    await settle();
    const got = delivered(feed);
    expect([...got].sort()).toEqual([...expected].sort());
    expect(ofPatient(got, joined)).toEqual(await stored(joined, joinedFrom - 1));
    expect(ofPatient(got, left.patient)).toEqual([]);
    expect(ofPatient(got, passing)).toEqual([]);
  });

  it('catches up from the table after its LISTEN connection is cut, a patient joined during the outage from the event that adds me', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const mine = await patientOf(nurse, doctor);
    const other = await w.patient([doctor]);
    const task = await w.task(await w.plan(other, doctor), doctor);
    const from = await lastSequence(mine.patient);
    const feed = await watch(nurse, await cursorOf(nurse));
    await settle(300);
    await hub.orm.em
      .getConnection()
      .execute(
        "select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN care_events%' and pid <> pg_backend_pid()",
      );
    await note(mine.task, doctor, 'during the outage');
    await note(task, doctor, 'before the nurse joined');
    const joinedAt = (await lastSequence(other)) + 1;
    await w.addMember(other, nurse);
    await note(task, doctor, 'after the nurse joined');
    await feed.received(3, 15_000);
    await settle();
    const got = delivered(feed);
    expect(ofPatient(got, mine.patient)).toEqual(await stored(mine.patient, from));
    expect(ofPatient(got, other)).toEqual(await stored(other, joinedAt - 1));
  });

  it('puts every patient it reads on the audit trail: the cursor’s panel, and each delivered event’s patient, named after the operation', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const a = await patientOf(nurse, doctor);
    const b = await patientOf(nurse, doctor);
    const feed = await watch(nurse, await cursorOf(nurse));
    await note(a.task, doctor, 'audited');
    await feed.received(1);
    const reads = async (patient: Patient) =>
      (
        await hub.orm.em
          .getConnection()
          .execute<{ operation: string }[]>(
            "select operation from audit_record where patient_id = ? and actor_sub = ? and kind = 'READ' order by id",
            [patient.id, nurse.id],
          )
      ).map((r) => r.operation);
    expect(await reads(a.patient)).toEqual(['query CareEventsCursor { careEventsCursor }', 'subscription CareEvents { careEvents }']);
    expect(await reads(b.patient)).toEqual(['query CareEventsCursor { careEventsCursor }']);
  });

  it('refuses a cursor it did not hand out, or handed to someone else, with BAD_USER_INPUT on afterCursor', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    await patientOf(nurse, doctor);
    const genuine = await cursorOf(nurse);
    const bytes = Buffer.from(genuine, 'base64url');
    bytes[bytes.length - 12] ^= 1; // a sequence or id byte changed
    const forged = [
      'not-a-cursor!',
      'AQ',
      bytes.toString('base64url'),
      genuine.slice(0, -3),
      await cursorOf(doctor), // the doctor's own: not the nurse's
    ];
    for (const afterCursor of forged) {
      const feed = await watch(nurse, afterCursor);
      await feed.done;
      expect([afterCursor, feed.results.flatMap((r) => r.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.field])]).toEqual([
        afterCursor,
        [['BAD_USER_INPUT', 'afterCursor']],
      ]);
    }
  });

  it('yields nothing from before my membership or of a patient not on my panel, whatever positions a cursor claims', async () => {
    const [nurse, doctor] = [await w.provider(), await w.provider()];
    const { patient } = await patientOf(nurse, doctor);
    const stranger = await w.patient([doctor]);
    const added = (await stored(patient)).filter((e) => e.endsWith(':CARE_TEAM_MEMBER_ADDED'));
    const nurseJoinedAt = Number(added[1].split(':')[1]); // the doctor joined first
    const crafted = encodeCareCursor(nurse.id, new Map([[stranger.id, 0]]));
    const feed = await watch(nurse, crafted);
    await feed.received(1);
    await settle();
    // The stranger is dropped; the patient not in the cursor comes from the nurse's membership start.
    expect(delivered(feed)).toEqual(await stored(patient, nurseJoinedAt - 1));
    expect(delivered(feed)[0]).toBe(`${patient.id}:${nurseJoinedAt}:CARE_TEAM_MEMBER_ADDED`);

    const fromZero = await watch(nurse, encodeCareCursor(nurse.id, new Map([[patient.id, 0]])));
    await fromZero.received(1);
    await settle();
    expect(delivered(fromZero)).toEqual(await stored(patient, nurseJoinedAt - 1));

    const ahead = await watch(nurse, encodeCareCursor(nurse.id, new Map([[patient.id, 1000]])));
    await ahead.done;
    expect(ahead.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
