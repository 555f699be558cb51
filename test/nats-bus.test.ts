import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LiveAddNoteDocument, MyTaskEventsDocument, PatientEventsDocument } from './__generated__/graphql';
import { busEnv, onNats, startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { freePort, startServerProcess } from './support/process';
import { world, type World } from './support/factories';
import { subscribe, wsClient, type Subscription } from './support/ws';
import type { Client } from 'graphql-ws';
import type { Patient } from '../src/modules/patients';
import type { Provider } from '../src/modules/providers';
import type { Task } from '../src/modules/tasks';
import { loadConfig } from '../src/core/config';

/**
 * Delivery across instances and the faults a broker brings (docs/architecture.md,
 * "Delivery"). The first case runs on whichever bus EVENT_BUS names; the NATS
 * cases run when it names NATS (`.ci/run`'s second pass). Test hubs here run
 * no outbox relay unless a case starts one, so a case knows which instance relays.
 */
let hub: TestHub;
let w: World;
const clients: Client[] = [];
const client = (wsUrl: string, token: string) => {
  const c = wsClient(wsUrl, token);
  clients.push(c);
  return c;
};
const hubs: TestHub[] = [];
const startHub = async (env: Record<string, string> = {}) => {
  const started = await startTestHub(env);
  hubs.push(started);
  return started;
};

beforeAll(async () => {
  hub = await startTestHub({ EVENT_RELAY: 'false' });
  w = await world(hub);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});
afterAll(() => hub.close());

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A patient with a doctor and a nurse on the team, and a task to write notes on; its last sequence. */
async function careSetup() {
  const [doctor, nurse] = [await w.provider(), await w.provider()];
  const patient = await w.patient([doctor, nurse]);
  const plan = await w.plan(patient, doctor);
  const task = await w.task(plan, doctor, { assignee: nurse });
  return { doctor, nurse, patient, plan, task, last: (await w.eventLog(patient.id)).last };
}

/** `count` notes on the task through `via`, one after the other. */
async function writeNotes(via: TestHub, by: Provider, task: Task, count: number, label: string) {
  for (let i = 0; i < count; i++) {
    const result = await via.gql(LiveAddNoteDocument, { input: { taskId: task.id, text: `${label} ${i}` } }, await w.token(by));
    expect(result.errors).toBeUndefined();
  }
}

/** A dashboard of the patient's events from `after`. */
async function dashboard(on: TestHub, viewer: Provider, patient: Patient, after: number) {
  return subscribe(client(on.wsUrl, await w.token(viewer)), PatientEventsDocument, { patientId: patient.id, afterSequence: after });
}

/** Every sequence after `after` up to `last`, each exactly once and in order, and nothing more. */
async function expectExactly(sub: Subscription<{ patientEvents: { sequence: number } }>, after: number, last: number, ms = 20_000) {
  await sub.received(last - after, ms);
  await sleep(300); // a repeat would arrive by now
  expect(sub.results.map((r) => r.data!.patientEvents.sequence)).toEqual(range(after + 1, last));
}

describe('choosing the bus', () => {
  it('is PostgreSQL unless EVENT_BUS names a NATS server, and refuses anything else', () => {
    expect(loadConfig({}).eventBus).toEqual({ kind: 'postgres' });
    expect(loadConfig({ EVENT_BUS: 'nats://nats.internal:4222', EVENT_BUS_RETENTION_S: '3600', EVENT_RELAY: 'false' }).eventBus).toEqual({
      kind: 'nats',
      url: 'nats://nats.internal:4222',
      stream: { name: 'CARE_EVENTS', retentionSeconds: 3600 },
      relay: false,
    });
    expect(() => loadConfig({ EVENT_BUS: 'redis://localhost:6379' })).toThrow(/EVENT_BUS/);
    expect(() => loadConfig({ EVENT_BUS: 'nats://localhost:4222', EVENT_BUS_RETENTION_S: '0' })).toThrow(/EVENT_BUS_RETENTION_S/);
  });
});

describe('many instances', () => {
  it('delivers to dashboards spread over 3 instances every event of their patients, once each and in order, with writers on all three', async () => {
    const instances = [await startHub(), await startHub(), await startHub()];
    const teams = [await careSetup(), await careSetup()];
    const dashboards = [];
    for (const team of teams) {
      for (const instance of instances) {
        dashboards.push({ team, sub: await dashboard(instance, team.nurse, team.patient, team.last) });
        dashboards.push({ team, sub: await dashboard(instance, team.doctor, team.patient, team.last) });
      }
    }
    await sleep(300);
    const perWriter = 6;
    await Promise.all(
      teams.flatMap((team) =>
        instances.map((instance, i) => writeNotes(instance, i % 2 ? team.doctor : team.nurse, team.task, perWriter, `via ${i}`)),
      ),
    );
    for (const { team, sub } of dashboards) await expectExactly(sub, team.last, team.last + instances.length * perWriter);
  }, 90_000);

  it("follows, on a provider's task dashboard, a patient whose care team the provider joins after it opened", async () => {
    const [a, b] = [await startHub(), await startHub()];
    const { doctor, patient, plan } = await careSetup();
    const newcomer = await w.provider();
    const sub = subscribe(client(b.wsUrl, await w.token(newcomer)), MyTaskEventsDocument, {});
    await sleep(300);
    await w.addMember(patient, newcomer);
    const task = await w.task(plan, doctor, { assignee: newcomer });
    await sleep(500); // the join has reached instance B: later notes are its patient's events
    await writeNotes(a, doctor, task, 2, 'for the newcomer');
    const results = await sub.received(3, 15_000);
    expect(results.map((r) => r.data!.myTaskEvents.type)).toEqual(['TASK_CREATED', 'TASK_NOTE_ADDED', 'TASK_NOTE_ADDED']);
    expect(results.every((r) => r.data!.myTaskEvents.task!.id === task.id)).toBe(true);
  });
});

(onNats() ? describe : describe.skip)('NATS JetStream faults', () => {
  it("reads on an instance only the events of patients its clients follow: a task panel's, not another team's", async () => {
    const instance = await startHub(); // it relays too (in SQL of its own, not counted below)
    const [mine, elsewhere] = [await careSetup(), await careSetup()];
    const sub = subscribe(client(instance.wsUrl, await w.token(mine.nurse)), MyTaskEventsDocument, {});
    await sleep(500);
    instance.countStatements();
    const eventReads = () => instance.statements.filter((sql) => /from "event"/.test(sql));
    await writeNotes(hub, elsewhere.doctor, elsewhere.task, 3, 'another team');
    await sleep(1000);
    expect(eventReads()).toEqual([]);
    await writeNotes(hub, mine.doctor, mine.task, 1, "on the nurse's task");
    await sub.received(1);
    expect(eventReads().length).toBeGreaterThan(0);
  });

  it('loses nothing when NATS restarts mid-stream: the dashboard ends with every sequence once, in order', async () => {
    const nats = await startNats();
    try {
      const env = { EVENT_BUS: nats.url };
      const [writer, reader] = [await startHub(env), await startHub({ ...env, EVENT_RELAY: 'false' })];
      const { doctor, nurse, patient, task, last } = await careSetup();
      const sub = await dashboard(reader, nurse, patient, last);
      await writeNotes(writer, doctor, task, 5, 'before');
      await sub.received(5);
      await nats.stop();
      await writeNotes(writer, doctor, task, 5, 'while NATS is down');
      await nats.start();
      await writeNotes(writer, doctor, task, 5, 'after');
      await expectExactly(sub, last, last + 15, 30_000);
    } finally {
      await nats.stop();
      fs.rmSync(nats.dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('loses nothing when the relaying instance is killed (SIGKILL) mid-batch: another takes over and publishes again', async () => {
    const relaying = startServerProcess({
      NODE_ENV: 'test',
      DATABASE_URL: process.env.DATABASE_URL!,
      MIGRATION_DATABASE_URL: process.env.MIGRATION_DATABASE_URL!,
      JWT_SECRET: TEST_SECRET,
      PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      ...busEnv(),
    });
    try {
      await relaying.ready;
      await waitFor(() => /this instance relays committed events/.test(relaying.output()), 10_000);
      const standby = await startHub(); // its relay waits for the lock
      const { doctor, nurse, patient, task, last } = await careSetup();
      const subs = [await dashboard(standby, nurse, patient, last), await dashboard(standby, doctor, patient, last)];
      await sleep(300);
      const writing = Promise.all([1, 2, 3].map((n) => writeNotes(standby, doctor, task, 10, `writer ${n}`)));
      await subs[0].received(3, 15_000); // the relay is publishing this patient's events
      relaying.child.kill('SIGKILL');
      await writing;
      for (const sub of subs) await expectExactly(sub, last, last + 30, 30_000);
    } finally {
      if (!relaying.child.killed) await relaying.stop('SIGKILL');
    }
  }, 90_000);
});

async function waitFor(condition: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

/** A private nats-server with JetStream (port and storage of its own) that a test stops and starts again. */
async function startNats() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-nats-'));
  let child: ChildProcess | null = null;
  const server = {
    url: `nats://127.0.0.1:${port}`,
    dir,
    async start() {
      child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
      await waitForPort(port);
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGTERM');
      await exited;
    },
  };
  await server.start();
  return server;
}

async function waitForPort(port: number) {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(true));
      socket.on('error', () => resolve(false));
      socket.once('connect', () => socket.end());
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`nats-server did not listen on ${port}`);
}
