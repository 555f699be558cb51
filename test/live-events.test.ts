import { LiveAddNoteDocument, LiveTransitionDocument, MyTaskEventsDocument, PatientEventsDocument } from './__generated__/graphql';
import { busEnv, startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { freePort, startServerProcess } from './support/process';
import { world, type World } from './support/factories';
import { subscribe, wsClient } from './support/ws';
import { TaskStatus } from '../src/modules/tasks';
import { RELAY_APPLICATION_NAME } from '../src/events/outbox-relay';
import type { Client } from 'graphql-ws';

let hub: TestHub;
let w: World;
const clients: Client[] = [];
const client = (token: string | null) => {
  const c = wsClient(hub.wsUrl, token);
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

async function careSetup() {
  const [doctor, nurse, outsider] = [await w.provider(), await w.provider(), await w.provider()];
  const patient = await w.patient([doctor, nurse]);
  const plan = await w.plan(patient, doctor);
  const task = await w.task(plan, doctor, { assignee: nurse });
  const [{ n }] = await hub.orm.em.getConnection().execute('select last_event_sequence as n from patient where id = ?', [patient.id]);
  return { doctor, nurse, outsider, patient, plan, task, lastSequence: Number(n) };
}

describe('patientEvents subscription', () => {
  it('delivers a change made by one provider to another member of the team, live', async () => {
    const { doctor, nurse, patient, task, lastSequence } = await careSetup();
    const sub = subscribe(client(await w.token(nurse)), PatientEventsDocument, { patientId: patient.id });
    await new Promise((r) => setTimeout(r, 200)); // let the subscription start before the change
    await hub.gql(LiveAddNoteDocument, { input: { taskId: task.id, text: 'BP 128/80' } }, await w.token(doctor));
    const [first] = await sub.received(1);
    expect(first.errors).toBeUndefined();
    expect(first.data!.patientEvents).toMatchObject({
      sequence: lastSequence + 1,
      type: 'TASK_NOTE_ADDED',
      actor: { id: doctor.id },
      task: { id: task.id },
    });
  });

  it('replays stored events after afterSequence, then continues live, without gap or duplicate', async () => {
    const { doctor, nurse, patient, task, lastSequence } = await careSetup();
    const sub = subscribe(client(await w.token(nurse)), PatientEventsDocument, { patientId: patient.id, afterSequence: 2 });
    await sub.received(lastSequence - 2);
    await hub.gql(LiveAddNoteDocument, { input: { taskId: task.id, text: 'live' } }, await w.token(doctor));
    const all = await sub.received(lastSequence - 1);
    expect(all.map((r) => r.data!.patientEvents.sequence)).toEqual(range(3, lastSequence + 1));
  });

  it('gives a subscriber starting mid-stream exactly the later sequences, once each and in order, while 20 writers × 10 changes run', async () => {
    const { patient, plan, lastSequence } = await careSetup();
    const writers = await Promise.all(
      range(1, 20).map(async () => {
        const member = await w.provider();
        await w.addMember(patient, member);
        return { token: await w.token(member), task: await w.task(plan, member) };
      }),
    );
    const start = lastSequence + 20 + 20 + 5; // well inside the storm that follows
    const watcher = await w.provider();
    await w.addMember(patient, watcher);
    const storm = Promise.all(
      writers.map(async ({ token, task }) => {
        for (let i = 0; i < 10; i++) {
          const result = await hub.gql(LiveAddNoteDocument, { input: { taskId: task.id, text: `note ${i}` } }, token);
          expect(result.errors).toBeUndefined();
        }
      }),
    );
    const sub = subscribe(client(await w.token(watcher)), PatientEventsDocument, { patientId: patient.id, afterSequence: start });
    await storm;
    const [{ n }] = await hub.orm.em.getConnection().execute('select last_event_sequence as n from patient where id = ?', [patient.id]);
    const results = await sub.received(Number(n) - start, 20_000);
    await new Promise((r) => setTimeout(r, 300)); // nothing extra may trickle in
    expect(sub.results.map((r) => r.data!.patientEvents.sequence)).toEqual(range(start + 1, Number(n)));
    expect(results.every((r) => r.errors === undefined)).toBe(true);
  });

  it('resolves a change once per viewer, not once per dashboard: 12 dashboards cost the statements of 2', async () => {
    const { doctor, nurse, patient, task } = await careSetup();
    const nurseToken = await w.token(nurse);
    const statementsToDeliver = async (dashboards: number) => {
      const subs = Array.from({ length: dashboards }, () =>
        subscribe(client(nurseToken), PatientEventsDocument, { patientId: patient.id }),
      );
      while (hub.subscriptions() < dashboards) await new Promise((r) => setTimeout(r, 20));
      do {
        // until their start-up reads are over: then count only the delivery
        hub.countStatements();
        await new Promise((r) => setTimeout(r, 150));
      } while (hub.statements.length > 0);
      const change = await hub.gql(
        LiveAddNoteDocument,
        { input: { taskId: task.id, text: `${dashboards} dashboards` } },
        await w.token(doctor),
      );
      expect(change.errors).toBeUndefined();
      for (const sub of subs) {
        const [event] = await sub.received(1);
        expect(event.data!.patientEvents).toMatchObject({ type: 'TASK_NOTE_ADDED', actor: { id: doctor.id }, task: { id: task.id } });
      }
      await new Promise((r) => setTimeout(r, 100));
      const counted = hub.statements.length;
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      return counted;
    };
    const forTwo = await statementsToDeliver(2);
    expect(await statementsToDeliver(12)).toBe(forTwo);
  });

  it('refuses a provider who is not on the care team, as if the patient did not exist', async () => {
    const { outsider, patient } = await careSetup();
    const sub = subscribe(client(await w.token(outsider)), PatientEventsDocument, { patientId: patient.id });
    await sub.done; // the server completes the operation at once
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0].data ?? null).toBeNull();
    expect(sub.results[0].errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('refuses the WebSocket handshake without a valid token (close code 4403)', async () => {
    const sub = subscribe(client('not-a-token'), PatientEventsDocument, { patientId: 'pat_00000000000000000000000000000000' });
    const outcome = (await sub.done) as { code?: number };
    expect(outcome.code).toBe(4403);
  });

  it('stops delivering once the membership ends, completing with FORBIDDEN', async () => {
    const { doctor, nurse, patient, plan } = await careSetup();
    const ownTask = await w.task(plan, doctor);
    const sub = subscribe(client(await w.token(nurse)), PatientEventsDocument, { patientId: patient.id });
    await new Promise((r) => setTimeout(r, 200));
    const membership = (await hub.orm.em
      .fork()
      .findOneOrFail('CareTeamMember', { patient: patient.id, provider: nurse.id, endedAt: null } as never)) as { id: string };
    await w.endMembership(membership as never);
    await hub.gql(LiveAddNoteDocument, { input: { taskId: ownTask.id, text: 'after the nurse left' } }, await w.token(doctor));
    await sub.done;
    const errors = sub.results.flatMap((r) => r.errors ?? []);
    expect(errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const delivered = sub.results.filter((r) => r.data?.patientEvents).map((r) => r.data!.patientEvents.type);
    expect(delivered).not.toContain('TASK_NOTE_ADDED');
  });
});

describe('several instances and restarts', () => {
  it('delivers a change made through instance A to a subscriber on instance B, a separate server process', async () => {
    const other = startServerProcess({
      NODE_ENV: 'test',
      DATABASE_URL: process.env.DATABASE_URL!,
      MIGRATION_DATABASE_URL: process.env.MIGRATION_DATABASE_URL!,
      JWT_SECRET: TEST_SECRET,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      ...busEnv(),
    });
    try {
      const wsUrl = /Care hub ready at (\S+)/.exec(await other.ready)![1].replace(/^http/, 'ws');
      const { doctor, nurse, patient, task, lastSequence } = await careSetup();
      const sub = subscribe(wsClient(wsUrl, await w.token(nurse)), PatientEventsDocument, { patientId: patient.id });
      await new Promise((r) => setTimeout(r, 200));
      await hub.gql(LiveAddNoteDocument, { input: { taskId: task.id, text: 'from A' } }, await w.token(doctor));
      const [event] = await sub.received(1);
      expect(event.data!.patientEvents.sequence).toBe(lastSequence + 1);
      await sub.dispose();
    } finally {
      await other.stop();
    }
  });

  it('loses nothing across a restart: resubscribing from the last seen sequence gets what happened meanwhile', async () => {
    const { doctor, nurse, patient, task, lastSequence } = await careSetup();
    let instance = await startTestHub();
    const sub = subscribe(wsClient(instance.wsUrl, await w.token(nurse)), PatientEventsDocument, {
      patientId: patient.id,
      afterSequence: 0,
    });
    const seen = await sub.received(lastSequence);
    await instance.close(); // the dashboard's instance goes away
    for (let i = 0; i < 5; i++) {
      await hub.gql(LiveAddNoteDocument, { input: { taskId: task.id, text: `while down ${i}` } }, await w.token(doctor));
    }
    instance = await startTestHub();
    try {
      const lastSeen = seen.at(-1)!.data!.patientEvents.sequence;
      const again = subscribe(wsClient(instance.wsUrl, await w.token(nurse)), PatientEventsDocument, {
        patientId: patient.id,
        afterSequence: lastSeen,
      });
      const caughtUp = await again.received(5);
      expect(caughtUp.map((r) => r.data!.patientEvents.sequence)).toEqual(range(lastSeen + 1, lastSeen + 5));
      await again.dispose();
    } finally {
      await instance.close();
    }
  });

  it('keeps delivering after the connection that hears of commits (its LISTEN, or on NATS the relay) is cut, catching up from the table', async () => {
    const { doctor, nurse, patient, task, lastSequence } = await careSetup();
    const sub = subscribe(client(await w.token(nurse)), PatientEventsDocument, { patientId: patient.id });
    await new Promise((r) => setTimeout(r, 200));
    await hub.orm.em.getConnection().execute(
      `select pg_terminate_backend(pid) from pg_stat_activity
          where (query ilike 'LISTEN care_events%' or application_name = ?) and pid <> pg_backend_pid()`,
      [RELAY_APPLICATION_NAME],
    );
    await hub.gql(LiveAddNoteDocument, { input: { taskId: task.id, text: 'during the outage' } }, await w.token(doctor));
    const [event] = await sub.received(1, 15_000);
    expect(event.data!.patientEvents.sequence).toBe(lastSequence + 1);
  });
});

describe('myTaskEvents subscription', () => {
  it('delivers events of tasks assigned to the caller, and not of other tasks', async () => {
    const { doctor, nurse, plan, task } = await careSetup();
    const doctorsOwn = await w.task(plan, doctor);
    const sub = subscribe(client(await w.token(nurse)), MyTaskEventsDocument, {});
    await new Promise((r) => setTimeout(r, 200));
    await hub.gql(LiveAddNoteDocument, { input: { taskId: doctorsOwn.id, text: 'not for the nurse' } }, await w.token(doctor));
    const moved = await hub.gql(
      LiveTransitionDocument,
      { input: { id: task.id, expectedVersion: task.version, to: TaskStatus.ACCEPTED } },
      await w.token(nurse),
    );
    expect(moved.errors).toBeUndefined();
    const [event] = await sub.received(1);
    expect(event.data!.myTaskEvents).toMatchObject({ type: 'TASK_STATUS_CHANGED', task: { id: task.id, assignee: { id: nurse.id } } });
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.results).toHaveLength(1);
  });
});

describe('connection hygiene', () => {
  it('caps subscriptions per connection with FORBIDDEN', async () => {
    const capped = await startTestHub({ WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' });
    try {
      const { nurse, patient } = await careSetup();
      const c = wsClient(capped.wsUrl, await w.token(nurse));
      const subs = [1, 2, 3].map(() => subscribe(c, PatientEventsDocument, { patientId: patient.id }));
      const refused = (await subs[2].done) as { extensions?: { code?: string } }[];
      expect(refused[0].extensions?.code).toBe('FORBIDDEN');
      await c.dispose();
    } finally {
      await capped.close();
    }
  });
});

describe('connection hygiene, continued', () => {
  it('caps WebSocket connections per provider: the one past the cap is refused with 4403, and a closed one frees its place', async () => {
    const capped = await startTestHub({ WS_MAX_CONNECTIONS_PER_PROVIDER: '2' });
    try {
      const { nurse, patient } = await careSetup();
      const token = await w.token(nurse);
      const open = () => {
        const c = wsClient(capped.wsUrl, token);
        return { c, sub: subscribe(c, PatientEventsDocument, { patientId: patient.id }) };
      };
      const [a, b] = [open(), open()];
      while (capped.subscriptions() < 2) await new Promise((r) => setTimeout(r, 20));
      const third = open();
      expect(((await third.sub.done) as { code?: number }).code).toBe(4403);
      await a.c.dispose();
      while (capped.subscriptions() > 1) await new Promise((r) => setTimeout(r, 20));
      const fourth = open();
      while (capped.subscriptions() < 2) await new Promise((r) => setTimeout(r, 20));
      await Promise.all([b.c.dispose(), third.c.dispose(), fourth.c.dispose()]);
    } finally {
      await capped.close();
    }
  });

  it('answers an invalid subscription document with GRAPHQL_VALIDATION_FAILED and keeps the connection', async () => {
    const { nurse, patient } = await careSetup();
    const c = client(await w.token(nurse));
    const invalid = await new Promise<unknown>((resolve) => {
      c.subscribe(
        { query: 'subscription { patientEvents(patientId: "x") { noSuchField } }' },
        { next: () => undefined, error: resolve, complete: () => resolve(null) },
      );
    });
    expect((invalid as { extensions?: { code?: string } }[])[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const good = subscribe(c, PatientEventsDocument, { patientId: patient.id, afterSequence: 0 });
    const [first] = await good.received(1);
    expect(first.data!.patientEvents.sequence).toBe(1);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
