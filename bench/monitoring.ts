import { Client } from 'pg';
import type { DataSet } from './data';
import { graphql, percentile } from './common';

/**
 * The bench's `monitoring` section: check-ins with warning-sign rules.
 *
 * 1. Throughput: 10 clients (care-team members) record check-ins (weight,
 *    SpO2, heart rate) for their own share of patients, whose ACTIVE plans
 *    carry 3 rules on those measures; about 1 check-in in 20 has an SpO2
 *    below the rule's 92 %. Every check-in evaluates the 3 rules inside its
 *    write; one that crosses raises an alert and its task, unless that rule
 *    already has an open alert.
 * 2. Alert latency: a dashboard (graphql-ws, in the fan-out clients' own
 *    process) is subscribed to one patient's `patientEvents`; the bench sends
 *    `recordCheckIn` with an SpO2 of 88 and times until ALERT_RAISED arrives.
 *    The alert is resolved before the next sample (a rule raises no second
 *    alert while one is open).
 */

export interface MonitoringOptions {
  hubUrl: string;
  databaseUrl: string;
  token: string;
  data: DataSet;
  duration: number;
  samples: number;
  /** Starts bench/fanout-clients.ts (a process of its own). */
  dashboards(): Promise<{ request<T>(message: object): Promise<T>; stop(): Promise<void> }>;
  progress(line: string, done?: boolean): void;
}

export interface MonitoringResult {
  clients: number;
  patients: number;
  rulesPerPatient: number;
  checkIns: number;
  perSecond: number;
  p50: number;
  p99: number;
  crossing: number;
  alertsRaised: number;
  alert: { samples: number; p50: number; p99: number; max: number; responseP50: number };
}

const WEIGHT = '29463-7';
const SPO2 = '59408-5';
const HEART_RATE = '8867-4';

const RULES = [
  { measure: WEIGHT, comparison: 'RISES_BY_MORE_THAN', threshold: 2, withinDays: 3, severity: 'HIGH', instruction: 'Call today.' },
  { measure: SPO2, comparison: 'BELOW', threshold: 92, severity: 'HIGH', instruction: 'Same-day review.' },
  { measure: HEART_RATE, comparison: 'ABOVE', threshold: 120, consecutive: 2, severity: 'MODERATE', instruction: 'Check rhythm.' },
];

const RECORD = 'mutation($input: RecordCheckInInput!) { recordCheckIn(input: $input) { id } }';
const CLIENTS = 10;

export async function monitoring(o: MonitoringOptions): Promise<MonitoringResult> {
  const gql = (query: string, variables: object) => graphql(o.hubUrl, o.token, query, variables);
  const pg = new Client({ connectionString: o.databaseUrl });
  await pg.connect();
  try {
    // The bench provider owns the ACTIVE plans of its patients: it adds the rules, as a plan owner would.
    const { rows: plans } = await pg.query<{ id: string; patient_id: string }>(
      `select id, patient_id from care_plan where patient_id = any($1) and status = 'ACTIVE'`,
      [o.data.benchPatientIds],
    );
    const planOf = new Map(plans.map((p) => [p.patient_id, p.id]));
    o.progress(`monitoring: adding ${RULES.length} rules to ${o.data.benchPatientIds.length} plans …`);
    for (const patientId of o.data.benchPatientIds) {
      for (const rule of RULES) {
        await gql('mutation($input: AddWarningSignRuleInput!) { addWarningSignRule(input: $input) { id } }', {
          input: { carePlanId: planOf.get(patientId), ...rule },
        });
      }
    }
    const [alertPatient, ...patients] = o.data.benchPatientIds;

    // 1. Throughput at 10 clients, each on its own patients (as a ward's nurses would be).
    const latencies: number[] = [];
    let crossing = 0;
    const deadline = Date.now() + o.duration * 1000;
    const started = Date.now();
    o.progress(`monitoring: check-ins at ${CLIENTS} clients, ${o.duration} s …`);
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const mine = patients.filter((_, i) => i % CLIENTS === c % patients.length);
        for (let i = 0; Date.now() < deadline; i++) {
          const crosses = Math.random() < 0.05;
          if (crosses) crossing++;
          const values = [
            { measure: WEIGHT, value: Math.round((70 + Math.random() - 0.5) * 10) / 10 },
            { measure: SPO2, value: crosses ? 89 : 95 + Math.floor(Math.random() * 4) },
            { measure: HEART_RATE, value: 60 + Math.floor(Math.random() * 30) },
          ];
          const sent = performance.now();
          await gql(RECORD, { input: { patientId: mine[i % mine.length], takenAt: new Date().toISOString(), source: 'DEVICE', values } });
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const {
      rows: [{ n: alertsRaised }],
    } = await pg.query<{ n: number }>('select count(*)::int as n from alert');
    const throughput = {
      clients: CLIENTS,
      patients: patients.length,
      rulesPerPatient: RULES.length,
      checkIns: latencies.length,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      crossing,
      alertsRaised,
    };
    o.progress(
      `recordCheckIn (3 rules): ${throughput.perSecond.toFixed(0)} /s at ${CLIENTS} clients, p50 ${throughput.p50.toFixed(1)} ms, ` +
        `p99 ${throughput.p99.toFixed(1)} ms; ${crossing} crossed a rule, ${alertsRaised} alerts raised`,
      true,
    );

    // 2. recordCheckIn → ALERT_RAISED at a subscribed dashboard.
    const alert = await alertLatency(o, pg, gql, alertPatient);
    return { ...throughput, alert };
  } finally {
    await pg.end();
  }
}

async function alertLatency(
  o: MonitoringOptions,
  pg: Client,
  gql: (query: string, variables: object) => Promise<Record<string, any>>,
  patientId: string,
): Promise<MonitoringResult['alert']> {
  const dashboards = await o.dashboards();
  const latencies: number[] = [];
  const responses: number[] = [];
  try {
    const url = o.hubUrl.replace(/^http/, 'ws');
    const opened = await dashboards.request<{ failures: number }>({ cmd: 'open', url, tokens: [o.token], n: 1, patientId });
    if (opened.failures) throw new Error('monitoring: the dashboard subscription failed');
    await sleep(200); // the subscription starts on the hub after the connection is acknowledged
    for (let i = 0; i < o.samples; i++) {
      o.progress(`monitoring: alert latency, sample ${i + 1} / ${o.samples} …`);
      const {
        rows: [{ s }],
      } = await pg.query('select last_event_sequence as s from patient where id = $1', [patientId]);
      // The check-in's events: CHECK_IN_RECORDED (s + 1), ALERT_RAISED (s + 2), TASK_CREATED (s + 3).
      const sentAt = process.hrtime.bigint();
      const arrived = dashboards.request<{ latenciesMs: number[] }>({ cmd: 'expect', sequence: Number(s) + 2, sentAt: String(sentAt) });
      const { recordCheckIn } = await gql(RECORD, {
        input: { patientId, takenAt: new Date().toISOString(), source: 'DEVICE', values: [{ measure: SPO2, value: 88 }] },
      });
      responses.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      latencies.push(...(await withTimeout(arrived, 10_000, 'monitoring: ALERT_RAISED did not arrive')).latenciesMs);
      const {
        rows: [event],
      } = await pg.query('select type from event where patient_id = $1 and sequence = $2', [patientId, Number(s) + 2]);
      if (event?.type !== 'ALERT_RAISED') throw new Error(`monitoring: event ${Number(s) + 2} is ${event?.type}, not ALERT_RAISED`);
      const {
        node: { alerts },
      } = await gql('query($id: ID!) { node(id: $id) { ... on Patient { alerts { edges { node { id version checkIn { id } } } } } } }', {
        id: patientId,
      });
      const raised = alerts.edges.find((e: any) => e.node.checkIn?.id === recordCheckIn.id);
      if (!raised) throw new Error('monitoring: the check-in raised no alert');
      await gql('mutation($input: ResolveAlertInput!) { resolveAlert(input: $input) { id } }', {
        input: { id: raised.node.id, expectedVersion: raised.node.version, note: 'Rechecked: 96 % at rest.' },
      });
    }
  } finally {
    await dashboards.request({ cmd: 'close' }).catch(() => undefined);
    await dashboards.stop();
  }
  latencies.sort((a, b) => a - b);
  responses.sort((a, b) => a - b);
  const result = {
    samples: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1)!,
    responseP50: percentile(responses, 50),
  };
  o.progress(
    `recordCheckIn → ALERT_RAISED at a dashboard: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
      `max ${result.max.toFixed(1)} ms (${result.samples} samples; the mutation's own response p50 ${result.responseP50.toFixed(1)} ms)`,
    true,
  );
  return result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}

/** The report's rows for the section (bench/results.md). */
export function monitoringReport(r: MonitoringResult | null): string[] {
  const lines = ['', '## Monitoring: check-ins with warning-sign rules', ''];
  if (!r) return [...lines, '_Not measured in this run._'];
  lines.push(
    `${r.clients} clients record check-ins (weight, SpO2, heart rate) for ${r.patients} patients, each plan with ${r.rulesPerPatient} rules ` +
      `on those measures, evaluated in the check-in's write; ${r.crossing} of ${r.checkIns} check-ins crossed a rule, ${r.alertsRaised} alerts raised ` +
      `(a rule with an open alert raises none). Alert latency: recordCheckIn sent → ALERT_RAISED received by a dashboard subscribed over ` +
      `graphql-ws (another process), ${r.alert.samples} samples, the alert resolved between samples.`,
    '',
    '| measurement | per second | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| recordCheckIn with rule evaluation (${r.clients} clients) | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
    `| recordCheckIn → ALERT_RAISED at the dashboard | | ${r.alert.p50.toFixed(1)} | ${r.alert.p99.toFixed(1)} |`,
  );
  return lines;
}
