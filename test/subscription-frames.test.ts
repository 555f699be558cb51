import WebSocket from 'ws';
import { LiveAddNoteDocument } from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { world, type World } from './support/factories';

/*
 * One change is serialised once per shared result and each subscriber gets
 * its own frame around it (src/app/shared-frames.ts). These tests read the
 * frames as they arrive on the wire, so a frame built around the wrong
 * payload, or carrying another subscription's id, fails them.
 */

let hub: TestHub;
let w: World;
const sockets: WebSocket[] = [];
beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterEach(() => sockets.splice(0).forEach((s) => s.terminate()));
afterAll(() => hub.close());

const FULL = `subscription Full($patientId: ID!) {
  patientEvents(patientId: $patientId) { id sequence type summary actor { id name } task { id title status } }
}`;
const SHORT = `subscription Short($patientId: ID!) { patientEvents(patientId: $patientId) { sequence type } }`;
const CARE = `subscription Care($afterCursor: String) { careEvents(afterCursor: $afterCursor) { cursor event { sequence type patient { id } } } }`;

interface Frame {
  raw: string;
  message: { id?: string; type: string; payload?: { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } };
}

/** A dashboard speaking graphql-transport-ws by hand: every frame it receives, as text. */
async function dashboard(token: string) {
  const socket = new WebSocket(hub.wsUrl, 'graphql-transport-ws');
  sockets.push(socket);
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    const raw = String(data);
    frames.push({ raw, message: JSON.parse(raw) });
    waiters.forEach((check) => check());
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  const until = (ok: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: got ${JSON.stringify(frames.map((f) => f.raw))}`)), 10_000);
      const check = () => {
        if (!ok()) return;
        clearTimeout(timer);
        resolve();
      };
      waiters.push(check);
      check();
    });
  await until(() => frames.some((f) => f.message.type === 'connection_ack'), 'connection_ack');
  return {
    frames,
    subscribe(id: string, query: string, variables: Record<string, unknown>) {
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    },
    /** The frames for `id` once `n` of them arrived. */
    async received(id: string, n: number): Promise<Frame[]> {
      const mine = () => frames.filter((f) => f.message.id === id);
      await until(() => mine().length >= n, `${n} frames for ${id}`);
      return mine();
    },
    /** The frames for `id` once one of them contains `text`. */
    async receivedUntil(id: string, text: string): Promise<Frame[]> {
      const mine = () => frames.filter((f) => f.message.id === id);
      await until(() => mine().some((f) => f.raw.includes(text)), `a frame for ${id} with ${text}`);
      return mine();
    },
  };
}

async function setup() {
  const [doctor, nurse] = [await w.provider(), await w.provider()];
  const patient = await w.patient([doctor, nurse]);
  const plan = await w.plan(patient, doctor);
  const task = await w.task(plan, doctor, { assignee: nurse });
  return { doctor, nurse, patient, plan, task };
}

/** Until the hub runs `n` subscriptions, so that a change made now reaches them live. */
async function started(n: number) {
  while (hub.subscriptions() < n) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
}

async function addNote(taskId: string, text: string, token: string) {
  const result = await hub.gql(LiveAddNoteDocument, { input: { taskId, text } }, token);
  expect(result.errors).toBeUndefined();
}

describe('one change, one serialisation, a frame per subscriber', () => {
  it('gives every subscription on a socket its own id, and each operation its own payload, for the same event', async () => {
    const { doctor, nurse, patient, task } = await setup();
    const socket = await dashboard(await w.token(nurse));
    socket.subscribe('full-1', FULL, { patientId: patient.id });
    socket.subscribe('short', SHORT, { patientId: patient.id });
    socket.subscribe('full-2', FULL, { patientId: patient.id });
    await started(3);
    await addNote(task.id, 'BP 128/80', await w.token(doctor));

    const [[full1], [short], [full2]] = await Promise.all(['full-1', 'short', 'full-2'].map((id) => socket.received(id, 1)));
    for (const [frame, id] of [
      [full1, 'full-1'],
      [short, 'short'],
      [full2, 'full-2'],
    ] as const) {
      // Exactly what graphql-ws writes: its keys in its order, the id of the subscription, nothing else.
      expect(Object.keys(frame.message)).toEqual(['id', 'type', 'payload']);
      expect(frame.message).toMatchObject({ id, type: 'next' });
      expect(frame.raw).toBe(JSON.stringify(frame.message));
    }
    const event = full1.message.payload!.data!.patientEvents as { sequence: number; type: string };
    expect(full1.message.payload).toEqual({
      data: {
        patientEvents: {
          id: expect.stringMatching(/^evt_/),
          sequence: event.sequence,
          type: 'TASK_NOTE_ADDED',
          summary: expect.any(String),
          actor: { id: doctor.id, name: doctor.name },
          task: { id: task.id, title: task.title, status: expect.any(String) },
        },
      },
    });
    expect(full2.message.payload).toEqual(full1.message.payload);
    expect(short.message.payload).toEqual({ data: { patientEvents: { sequence: event.sequence, type: 'TASK_NOTE_ADDED' } } });
  });

  it('decides access per viewer: of two dashboards sending the same operation, the one whose membership ended gets FORBIDDEN, the other the event', async () => {
    const { doctor, nurse, patient, plan } = await setup();
    const ownTask = await w.task(plan, doctor);
    const [doctorSocket, nurseSocket] = [await dashboard(await w.token(doctor)), await dashboard(await w.token(nurse))];
    doctorSocket.subscribe('1', FULL, { patientId: patient.id });
    nurseSocket.subscribe('1', FULL, { patientId: patient.id });
    await started(2);
    const membership = (await hub.orm.em
      .fork()
      .findOneOrFail('CareTeamMember', { patient: patient.id, provider: nurse.id, endedAt: null } as never)) as never;
    await w.endMembership(membership);
    await addNote(ownTask.id, 'after the nurse left', await w.token(doctor));

    const types = (await doctorSocket.receivedUntil('1', 'TASK_NOTE_ADDED')).map(
      (f) => (f.message.payload?.data?.patientEvents as { type: string }).type,
    );
    expect(types[0]).toBe('CARE_TEAM_MEMBER_ENDED');
    expect(types.at(-1)).toBe('TASK_NOTE_ADDED');
    const nurseFrames = await nurseSocket.received('1', 2);
    expect(nurseFrames.map((f) => f.message.type)).toEqual(['next', 'complete']);
    expect(nurseFrames[0].message.payload?.data ?? null).toBeNull();
    expect(nurseFrames[0].message.payload?.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(nurseFrames.map((f) => f.raw).join()).not.toContain('after the nurse left');
  });

  it('gives each careEvents stream its own cursor with a shared event, the cursor that resumes that stream', async () => {
    const { doctor, nurse, patient, task } = await setup();
    const other = await w.patient([nurse]);
    const otherTask = await w.task(await w.plan(other, nurse), nurse);
    const nurseToken = await w.token(nurse);
    const [cursorBefore] = await Promise.all([careCursor(nurseToken)]);
    await addNote(otherTask.id, 'on the other patient, before the resumed stream starts', nurseToken);

    const socket = await dashboard(nurseToken);
    socket.subscribe('live', CARE, {});
    socket.subscribe('resumed', CARE, { afterCursor: cursorBefore });
    socket.subscribe('live-again', CARE, {});
    const [caughtUp] = await socket.received('resumed', 1); // the note on the other patient, from the table
    expect((caughtUp.message.payload!.data!.careEvents as { event: { patient: { id: string } } }).event.patient.id).toBe(other.id);
    await started(3);
    await addNote(task.id, 'shared event', await w.token(doctor));

    const [[live], resumed, [liveAgain]] = await Promise.all([
      socket.received('live', 1),
      socket.received('resumed', 2),
      socket.received('live-again', 1),
    ]);
    const care = (frame: Frame) => frame.message.payload!.data!.careEvents as { cursor: string; event: { sequence: number } };
    expect(care(live).event).toEqual(care(resumed[1]).event);
    expect(care(liveAgain)).toEqual(care(live));
    // Each stream's cursor is its own: resuming from it with no news yields nothing, from the one before yields the event.
    for (const cursor of [care(live).cursor, care(resumed[1]).cursor]) {
      const again = await dashboard(nurseToken);
      again.subscribe('after', CARE, { afterCursor: cursor });
      again.subscribe('before', CARE, { afterCursor: care(resumed[0]).cursor });
      const [fromBefore] = await again.received('before', 1);
      expect(care(fromBefore).event).toEqual(care(live).event);
      expect(again.frames.filter((f) => f.message.id === 'after')).toEqual([]);
    }
    expect(patient.id).not.toBe(other.id);
  });
});

/** `careEventsCursor` over HTTP. */
async function careCursor(token: string): Promise<string> {
  const response = await fetch(hub.url + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ careEventsCursor }' }),
  });
  const body = (await response.json()) as { data: { careEventsCursor: string } };
  return body.data.careEventsCursor;
}
