import { Client } from 'pg';
import { signToken } from '../src/auth/tokens';
import type { DataSet } from './data';
import type { HubStats } from './hub-process';
import { graphql, percentile } from './common';

/** What this section needs of the bench's processes (bench/run.ts). */
interface Proc {
  url?: string;
  request<T>(message: object): Promise<T>;
  stop(): Promise<void>;
}

export interface BusOptions {
  databaseUrl: string;
  data: DataSet;
  secret: string;
  /** `postgres` and the NATS URL of `--bus nats[://host:port]`. */
  buses: string[];
  subscribers: number[];
  rounds: number;
  duration: number;
  startHub(databaseUrl: string, env: Record<string, string>): Promise<Proc>;
  dashboards(): Promise<Proc>;
  progress(message: string, done?: boolean): void;
}

export interface BusFanout {
  bus: string;
  subscribers: number;
  p50: number;
  p99: number;
  max: number;
}
export interface BusWrites {
  bus: string;
  /** addTaskNote per second, 10 clients over both instances, with the dashboards of the largest fan-out open. */
  writesPerSecond: number;
  /** From the last write to every dashboard having its event. */
  drainMs: number;
}
export interface BusComparison {
  fanout: BusFanout[];
  writes: BusWrites[];
}

const ADD_NOTE = 'mutation($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const label = (bus: string) => (bus === 'postgres' ? 'PostgreSQL LISTEN/NOTIFY' : 'NATS JetStream');

/**
 * The buses side by side (issue 18, item 3): for each, two hub instances on
 * the same database; one change through the first reaches N dashboards spread
 * evenly over both (fan-out p50/p99), then 10 writers over both instances add
 * notes while the dashboards stay open (write throughput with delivery).
 */
export async function busComparison(o: BusOptions): Promise<BusComparison> {
  const patientId = o.data.benchPatientIds[0];
  const taskId = o.data.benchTaskIds[0];
  const pg = new Client({ connectionString: o.databaseUrl });
  await pg.connect();
  const lastSequence = async () =>
    Number((await pg.query('select last_event_sequence as s from patient where id = $1', [patientId])).rows[0].s);
  const { rows: team } = await pg.query('select provider_id from care_team_member where patient_id = $1 and ended_at is null', [patientId]);
  const tokens = await Promise.all(team.map((r) => signToken(o.secret, { sub: r.provider_id })));
  const writer = await signToken(o.secret, { sub: o.data.benchProviderId });
  const result: BusComparison = { fanout: [], writes: [] };
  try {
    for (const bus of o.buses) {
      const hubs = [await o.startHub(o.databaseUrl, { EVENT_BUS: bus }), await o.startHub(o.databaseUrl, { EVENT_BUS: bus })];
      const clients = await o.dashboards();
      try {
        const subscriptions = async () => {
          let n = 0;
          for (const hub of hubs) n += (await hub.request<HubStats>({ cmd: 'stats' })).subscriptions;
          return n;
        };
        for (const [i, n] of o.subscribers.entries()) {
          o.progress(`${label(bus)}: opening ${n.toLocaleString('en')} dashboards over 2 instances …`);
          await clients.request({ cmd: 'close' });
          for (const hub of hubs) {
            const opened = await clients.request<{ failures: number }>({
              cmd: 'open',
              url: hub.url!.replace(/^http/, 'ws'),
              tokens,
              n: n / 2,
              patientId,
            });
            if (opened.failures) throw new Error(`buses: ${opened.failures} subscriptions failed`);
          }
          for (let t = 0; (await subscriptions()) < n && t < 600; t++) await sleep(200);
          await sleep(500); // each instance's interest has reached the bus
          const latencies: number[] = [];
          for (let round = 0; round < o.rounds; round++) {
            const sentAt = process.hrtime.bigint();
            const arrived = clients.request<{ latenciesMs: number[] }>({
              cmd: 'expect',
              sequence: (await lastSequence()) + 1,
              sentAt: String(sentAt),
            });
            await graphql(hubs[0].url!, writer, ADD_NOTE, { input: { taskId, text: `Round ${round}` } });
            latencies.push(...(await arrived).latenciesMs);
            await sleep(200);
          }
          latencies.sort((a, b) => a - b);
          const row = {
            bus: label(bus),
            subscribers: n,
            p50: percentile(latencies, 50),
            p99: percentile(latencies, 99),
            max: latencies.at(-1)!,
          };
          result.fanout.push(row);
          o.progress(`${row.bus}, fan-out to ${n.toLocaleString('en')}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms`, true);
          if (i === o.subscribers.length - 1) result.writes.push(await writes(o, bus, hubs, clients, writer, lastSequence));
        }
      } finally {
        await clients.stop();
        for (const hub of hubs) await hub.stop();
      }
    }
  } finally {
    await pg.end();
  }
  return result;
}

/** 10 writers, alternating instances, add notes to the bench tasks for `duration` seconds; then the dashboards' drain. */
async function writes(
  o: BusOptions,
  bus: string,
  hubs: Proc[],
  clients: Proc,
  token: string,
  lastSequence: () => Promise<number>,
): Promise<BusWrites> {
  const tasks = o.data.benchTaskIds;
  let done = 0;
  const started = Date.now();
  const deadline = started + o.duration * 1000;
  await Promise.all(
    Array.from({ length: 10 }, async (_, c) => {
      for (let i = c; Date.now() < deadline; i += 10) {
        await graphql(hubs[i % hubs.length].url!, token, ADD_NOTE, { input: { taskId: tasks[i % tasks.length], text: 'Doing well.' } });
        done++;
      }
    }),
  );
  const ended = process.hrtime.bigint();
  const writesPerSecond = done / ((Date.now() - started) / 1000);
  // The dashboards watch the first bench patient, among those written: when do all have its last event?
  const drained = await clients.request<{ latenciesMs: number[] }>({
    cmd: 'expect',
    sequence: await lastSequence(),
    sentAt: String(ended),
  });
  const drainMs = Math.max(0, ...drained.latenciesMs);
  o.progress(
    `${label(bus)}: ${writesPerSecond.toFixed(0)} writes/s with delivery; every dashboard had the last ${drainMs.toFixed(0)} ms after`,
    true,
  );
  return { bus: label(bus), writesPerSecond, drainMs };
}

export function busesReport(r: BusComparison | null | undefined): string[] {
  const lines = ['', '## Event buses side by side (2 instances; `--bus nats`)', ''];
  if (!r) return [...lines, '_Not measured in this run (`--bus nats`)._'];
  lines.push('One change through instance A reaches N dashboards of one patient spread evenly over instances A and B.', '');
  lines.push('| bus | subscribers | p50 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|');
  for (const x of r.fanout)
    lines.push(`| ${x.bus} | ${x.subscribers.toLocaleString('en')} | ${x.p50.toFixed(1)} | ${x.p99.toFixed(1)} | ${x.max.toFixed(1)} |`);
  lines.push('', '10 writers over both instances add notes while the largest set of dashboards stays open.', '');
  lines.push('| bus | writes/s | last event on every dashboard after the writes ended |', '|---|---:|---:|');
  for (const x of r.writes) lines.push(`| ${x.bus} | ${x.writesPerSecond.toFixed(0)} | ${x.drainMs.toFixed(0)} ms |`);
  return lines;
}
