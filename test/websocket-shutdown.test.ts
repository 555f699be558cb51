import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { PatientEventsDocument } from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { world, type World } from './support/factories';
import { subscribe, wsClient } from './support/ws';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A socket that sends `connection_init` and hangs up without waiting for the answer. */
function hangUpDuringHandshake(wsUrl: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      socket.close(1000);
    });
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
}

describe('WebSocket handshakes', () => {
  let hub: TestHub;
  let w: World;
  beforeAll(async () => {
    hub = await startTestHub({ WS_MAX_CONNECTIONS_PER_PROVIDER: '1' });
    w = await world(hub);
  });
  afterAll(() => hub.close());

  it('a dashboard that hangs up while its token is being checked keeps no place under the per-provider cap', async () => {
    const [doctor, nurse] = [await w.provider(), await w.provider()];
    const patient = await w.patient([doctor, nurse]);
    const token = await w.token(nurse);
    // Another session holds the provider table, so checking a token waits until the sockets have hung up.
    const blocker = new PgClient({ connectionString: hub.config.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table provider in access exclusive mode');
      await Promise.all([1, 2, 3].map(() => hangUpDuringHandshake(hub.wsUrl, token)));
    } finally {
      await blocker.query('commit');
      await blocker.end();
    }
    await sleep(200); // the server finishes checking the abandoned handshakes

    const client = wsClient(hub.wsUrl, token);
    try {
      const sub = subscribe(client, PatientEventsDocument, { patientId: patient.id, afterSequence: 0 });
      const outcome = await Promise.race([
        sub.received(1).then(() => 'served'),
        sub.done.then((end) => `closed: ${(end as { code?: number }).code}`),
      ]);
      expect(outcome).toBe('served');
    } finally {
      await client.dispose();
    }
  });
});

/**
 * A hub, a patient and the dashboard client of a nurse on the team (not yet
 * connected), and another session that has begun a transaction, ready to
 * hold a table so that a subscription's start waits on it.
 */
async function dashboardAndBlocker() {
  const hub = await startTestHub();
  const w = await world(hub);
  const [doctor, nurse] = [await w.provider(), await w.provider()];
  const patient = await w.patient([doctor, nurse]);
  const client = wsClient(hub.wsUrl, await w.token(nurse));
  const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  const blocker = new PgClient({ connectionString: hub.config.databaseUrl });
  await blocker.connect();
  await blocker.query('begin');
  return { hub, nurse, patient, client, connected, blocker };
}

describe('shutdown with WebSocket work under way', () => {
  it('waits for a subscription that is starting to finish its database work before it closes the database', async () => {
    const { hub, nurse, patient, client, connected, blocker } = await dashboardAndBlocker();
    const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
    let closing: Promise<void> | undefined;
    try {
      // The care team table is held, so the subscription's access check waits for it (the handshake does not).
      await blocker.query('lock table care_team_member in access exclusive mode');
      subscribe(client, PatientEventsDocument, { patientId: patient.id, afterSequence: 0 });
      await connected;
      await sleep(200); // the subscription's start is now waiting on the lock
      const started = Date.now();
      closing = hub.close();
      expect(await closed).toBe(1001); // sockets close at once with "Going away"
      await sleep(300);
      await blocker.query('commit'); // the start can go on; shutdown is still waiting for it
      await closing;
      expect(Date.now() - started).toBeLessThan(hub.config.shutdownTimeoutMs);

      // It finished its database work, down to its audit record, rather than being cut off by a closing pool.
      const { rows } = await blocker.query(
        `select operation, kind from audit_record where patient_id = $1 and actor_provider_id = $2 and operation like 'subscription%'`,
        [patient.id, nurse.id],
      );
      expect(rows).toEqual([{ operation: expect.stringContaining('patientEvents'), kind: 'READ' }]);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      await blocker.end();
      await client.dispose();
      if (!closing) await hub.close();
    }
  });
});

describe('a dashboard that leaves while its subscription is being set up', () => {
  it('leaves nothing subscribed on the server once the subscription would have started', async () => {
    const { hub, patient, client, connected, blocker } = await dashboardAndBlocker();
    try {
      // The patient table is held: the subscription (live only) has joined the feed and now waits to read where
      // the patient's events stand, when the dashboard goes away.
      await blocker.query('lock table patient in access exclusive mode');
      subscribe(client, PatientEventsDocument, { patientId: patient.id });
      await connected;
      await sleep(300);
      expect(hub.subscriptions()).toBe(1);
      await client.dispose();
      await sleep(100);
      await blocker.query('commit');
      await sleep(300); // the set-up finishes, finds its client gone, and must leave the feed
      expect(hub.subscriptions()).toBe(0);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      await blocker.end();
      await hub.close();
    }
  });
});
