import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Dashboards for the fan-out benchmark, in a process of their own so that
 * their parsing does not run on the hub's event loop. Driven over IPC:
 *
 *   open   {url, tokens, n, patientId} → n connections, one patientEvents subscription each
 *   expect {sequence}                  → arms the clocks for that event
 *   (the bench makes the change)         → replies {latenciesMs} once every dashboard has it
 *   close                              → disconnects all
 *
 * Receive times are process.hrtime (CLOCK_MONOTONIC, shared by all processes
 * on the machine), compared with the send time the bench passes along.
 *
 * BENCH_FANOUT_CPU_LOG=<file>: also appends, per round, the hub's CPU time
 * (all its threads, /proc/<pid>/task/<tid>/schedstat) from `expect` until
 * every dashboard has the event (the change's request and its fan-out), a
 * figure the machine's other load does not inflate as it does latencies.
 */
export type ClientsRequest =
  | { cmd: 'open'; url: string; tokens: string[]; n: number; patientId: string }
  | { cmd: 'expect'; sequence: number; sentAt: string }
  | { cmd: 'close' };

const SUBSCRIPTION = `subscription Dashboard($patientId: ID!) {
  patientEvents(patientId: $patientId) { id sequence type summary at actor { id name discipline } task { id title status } }
}`;

let clients: Client[] = [];
const arrivals = new Map<number, bigint[]>();
let expected: { sequence: number; sentAt: bigint } | null = null;
const cpuLog = process.env.BENCH_FANOUT_CPU_LOG;
let hub: { pid: string; cpuAtExpect: number } | null = null;

/** The hub: the bench's child running hub-process.ts (a sibling of this process). */
function hubPid(): string {
  const pids = execFileSync('pgrep', ['-P', String(process.ppid), '-f', 'hub-process.ts'])
    .toString()
    .trim()
    .split('\n');
  if (pids.length !== 1) throw new Error(`expected one hub process, found ${pids.length}`);
  return pids[0];
}

/** CPU time of every thread of the process, in milliseconds. */
function cpuMs(pid: string): number {
  let ns = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  }
  return ns / 1e6;
}

function record(sequence: number) {
  const now = process.hrtime.bigint();
  let list = arrivals.get(sequence);
  if (!list) arrivals.set(sequence, (list = []));
  list.push(now);
  maybeReport();
}

function maybeReport() {
  if (!expected) return;
  const list = arrivals.get(expected.sequence) ?? [];
  if (list.length < clients.length) return;
  const sentAt = expected.sentAt;
  expected = null;
  if (cpuLog && hub) {
    const latest = Number(list.reduce((a, b) => (a > b ? a : b)) - sentAt) / 1e6;
    fs.appendFileSync(
      cpuLog,
      `${list.length} dashboards: hub CPU ${(cpuMs(hub.pid) - hub.cpuAtExpect).toFixed(1)} ms, last arrival ${latest.toFixed(1)} ms\n`,
    );
  }
  process.send!({ latenciesMs: list.map((t) => Number(t - sentAt) / 1e6) });
}

async function open({ url, tokens, n, patientId }: Extract<ClientsRequest, { cmd: 'open' }>) {
  let failures = 0;
  for (let i = 0; i < n; i += 250) {
    const batch = Array.from({ length: Math.min(250, n - i) }, (_, j) => {
      const token = tokens[(i + j) % tokens.length];
      return new Promise<Client>((resolve, reject) => {
        const client = createClient({
          url,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${token}` },
          lazy: false,
          retryAttempts: 0,
          on: { connected: () => resolve(client), closed: (e) => reject(e) },
        });
        client.subscribe<{ patientEvents: { sequence: number } }>(
          { query: SUBSCRIPTION, variables: { patientId } },
          {
            next: (result) => (result.data ? record(result.data.patientEvents.sequence) : failures++),
            error: () => failures++,
            complete: () => undefined,
          },
        );
      });
    });
    clients.push(...(await Promise.all(batch)));
  }
  return { opened: clients.length, failures };
}

process.on('message', async (request: ClientsRequest) => {
  try {
    if (request.cmd === 'open') process.send!(await open(request));
    else if (request.cmd === 'expect') {
      expected = { sequence: request.sequence, sentAt: BigInt(request.sentAt) };
      if (cpuLog) {
        const pid = hub?.pid ?? hubPid();
        hub = { pid, cpuAtExpect: cpuMs(pid) };
      }
      maybeReport();
    } else if (request.cmd === 'close') {
      await Promise.all(clients.map((c) => c.dispose()));
      clients = [];
      arrivals.clear();
      process.send!({ closed: true });
    }
  } catch (err) {
    process.send!({ error: String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
