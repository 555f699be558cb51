import http from 'node:http';
import WebSocket from 'ws';
import { badCase, random, type Auth, type Case, type HttpCase, type Kind, type WsCase } from './bad-input-cases';
import type { BystanderReport } from './bystander';
import type { HubStats } from './hub-process';
import { percentile } from './common';

/**
 * The bench's `badinput` section (issue 19, "Done means"): `requests` bad
 * requests of every kind in bench/bad-input-cases.ts, from `senders`
 * concurrent clients (most with a valid provider token, some with a bad one,
 * some with none), over HTTP and, about one in ten, WebSocket, against a hub
 * of its own (the compiled server, production mode, rate limits off so every
 * request reaches the parsers), while a bystander (bench/bystander.ts, a
 * process of its own) keeps running the Dashboard query and times it.
 *
 * Measured: answers by status (WebSocket: close code or reply), answers
 * ≥ 500 (WebSocket: 1011/4500 or an INTERNAL_SERVER_ERROR), unanswered
 * within 10 s, whether the hub still runs, the slowest bad request, answers
 * that are not JSON or carry a message over 1,000 characters, the
 * bystander's latencies, and the hub's RSS and heap before, at the peak
 * (sampled every 200 ms without a collection) and after (after forced GC).
 */
export interface BadInputOptions {
  hub: { url: string; request<T>(message: object): Promise<T>; alive(): boolean };
  bystander: { request<T>(message: object): Promise<T> };
  /** A provider's token, for the senders that sign in and for the bystander. */
  token: string;
  bystanderBody: string;
  requests: number;
  senders: number;
  seed?: number;
  progress(line: string, done?: boolean): void;
}

interface Outcome {
  /** HTTP status, `ws <close code>`, `ws <message type>`, `timeout` or `error: …`. */
  answer: string;
  ms: number;
  serverError: boolean;
  notJson: boolean;
  longMessage: boolean;
}

export interface BadInputResult {
  requests: number;
  senders: number;
  durationS: number;
  byAnswer: Record<string, number>;
  byKind: Record<string, { requests: number; slowestMs: number; answers: Record<string, number> }>;
  /** The same per variant (`kind: label`). */
  byLabel: Record<string, { requests: number; slowestMs: number; answers: Record<string, number> }>;
  serverErrors: number;
  unanswered: number;
  notJson: number;
  longMessages: number;
  slowest: { kind: string; label: string; ms: number };
  /** The variants behind answers ≥ 500, non-JSON answers and long messages, once each. */
  problems: string[];
  overTwoSeconds: number;
  hubAlive: boolean;
  bystander: { requests: number; failures: number; firstFailures: string[]; p50: number; p99: number; max: number };
  /** The hub process while the bad requests ran: CPU seconds, and its collections (count, pause ms). */
  hub?: { cpuS: number; fullGc: { count: number; ms: number }; youngGc: { count: number; ms: number } };
  /** The hub's HEAP_GROWTH_PERCENT during the run ('default' when unset). */
  heapGrowthPercent?: string;
  memory: {
    rss: { before: number; peak: number; after: number };
    heap: { before: number; peak: number; after: number };
  };
}

const TIMEOUT_MS = 10_000;
const LONG_MESSAGE = 1000;

function authorization(auth: Auth, token: string): Record<string, string> {
  return auth === 'valid' ? { authorization: `Bearer ${token}` } : auth === 'bad' ? { authorization: 'Bearer not.a.token' } : {};
}

/** What an answer's body says about it: JSON or not, a message too long, an internal error. */
function inspect(contentType: string | undefined, body: string) {
  const json = (contentType ?? '').includes('json');
  let messages: string[] = [];
  try {
    const parsed = JSON.parse(body) as { errors?: { message?: string; extensions?: { code?: string } }[] };
    messages = (parsed.errors ?? []).map((e) => `${e.extensions?.code ?? ''} ${e.message ?? ''}`);
  } catch {
    // not JSON: counted below when the status says there should have been a JSON body
  }
  return {
    notJson: body.length > 0 && !json,
    longMessage: messages.some((m) => m.length > LONG_MESSAGE + 30),
    internal: messages.some((m) => m.startsWith('INTERNAL_SERVER_ERROR')),
  };
}

function sendHttp(url: string, agent: http.Agent, c: HttpCase, auth: Auth, token: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: Omit<Outcome, 'ms'>) => {
      if (done) return;
      done = true;
      resolve({ ...outcome, ms: performance.now() - started });
    };
    const req = http.request(
      `${url}${c.search ?? ''}`,
      { method: c.method, agent, headers: { ...c.headers, ...authorization(auth, token) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const seen = inspect(res.headers['content-type'], Buffer.concat(chunks).toString('utf8'));
          finish({
            answer: String(status),
            serverError: status >= 500 || seen.internal,
            notJson: seen.notJson,
            longMessage: seen.longMessage,
          });
        });
        res.on('error', (err) => finish({ answer: `error: ${err.message}`, serverError: false, notJson: false, longMessage: false }));
      },
    );
    req.setTimeout(TIMEOUT_MS, () => {
      finish({ answer: 'timeout', serverError: false, notJson: false, longMessage: false });
      req.destroy();
    });
    // The server may answer (413, 400) and close before the whole body is sent: an answer, not an error.
    req.on('error', (err) =>
      finish({
        answer: `error: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
        serverError: false,
        notJson: false,
        longMessage: false,
      }),
    );
    req.end(c.body);
  });
}

function sendWs(url: string, c: WsCase, token: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { maxPayload: 64 * 1024 * 1024 });
    let done = false;
    const finish = (answer: string, serverError: boolean, longMessage = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ answer, serverError, notJson: false, longMessage, ms: performance.now() - started });
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      else socket.terminate();
    };
    const timer = setTimeout(() => finish('timeout', false), TIMEOUT_MS);
    const sendFrames = () => c.frames.forEach((f) => socket.send(f.data, { binary: f.binary ?? false }));
    socket.on('open', () => {
      if (c.init) socket.send(JSON.stringify({ type: 'connection_init', payload: authorization(c.init, token) }));
      else sendFrames();
    });
    socket.on('message', (data) => {
      const text = String(data);
      let message: { type?: string; payload?: { message?: string; extensions?: { code?: string } }[] };
      try {
        message = JSON.parse(text);
      } catch {
        return finish('ws not JSON', false);
      }
      if (message.type === 'connection_ack') {
        if (c.frames.length) return sendFrames();
        return finish('ws connection_ack', false);
      }
      if (message.type === 'ping' || message.type === 'pong') return;
      const errors = Array.isArray(message.payload) ? message.payload : [];
      finish(
        `ws ${message.type}`,
        errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR'),
        errors.some((e) => (e.message ?? '').length > LONG_MESSAGE),
      );
    });
    socket.on('close', (code) => finish(`ws ${code}`, code === 1011 || code === 4500));
    socket.on('error', (err) => finish(`error: ${(err as NodeJS.ErrnoException).code ?? err.message}`, false));
  });
}

export async function badInput(o: BadInputOptions): Promise<BadInputResult> {
  const seed = o.seed ?? 19;
  // Drawn before the clock starts (large bodies are built once and shared), each from its own seed.
  const cases = Array.from({ length: o.requests }, (_, i) => {
    const r = random(seed * 1_000_003 + i);
    const c: Case = badCase(r);
    return { c, auth: (r.next() < 0.7 ? 'valid' : r.pick(['bad', 'none'] as const)) as Auth };
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.senders });
  const outcomes: (Outcome & { kind: Kind; label: string })[] = [];
  const memory = { rss: 0, heap: 0 };

  await o.hub.request<HubStats>({ cmd: 'stats' }); // a first collection
  const before = (await o.hub.request<HubStats>({ cmd: 'stats' })).memory;
  let sampling = true;
  const sampler = (async () => {
    while (sampling && o.hub.alive()) {
      const { memory: m } = await o.hub.request<HubStats>({ cmd: 'memory' });
      memory.rss = Math.max(memory.rss, m.rss);
      memory.heap = Math.max(memory.heap, m.heapUsed);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  await o.bystander.request({ cmd: 'start', url: o.hub.url, token: o.token, body: o.bystanderBody, pauseMs: 20 });

  // CPU and collections from samples that force none (the bystander's share included).
  const work = await o.hub.request<HubStats>({ cmd: 'memory' });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: o.senders }, async () => {
      while (next < o.requests && o.hub.alive()) {
        const { c, auth } = cases[next++];
        const outcome = c.kind === 'WebSocket' ? await sendWs(o.hub.url, c, o.token) : await sendHttp(o.hub.url, agent, c, auth, o.token);
        outcomes.push({ ...outcome, kind: c.kind, label: c.label });
        if (outcomes.length % 100 === 0)
          o.progress(`bad input: ${outcomes.length.toLocaleString('en')} / ${o.requests.toLocaleString('en')} …`);
      }
    }),
  );
  const durationS = (performance.now() - started) / 1000;
  const worked = o.hub.alive() ? await o.hub.request<HubStats>({ cmd: 'memory' }) : work;
  const bystander = await o.bystander.request<BystanderReport>({ cmd: 'stop' });
  sampling = false;
  await sampler;
  agent.destroy();
  const hubAlive = o.hub.alive();
  await new Promise((resolve) => setTimeout(resolve, 1000)); // sockets closing, responses released
  const after = hubAlive ? (await o.hub.request<HubStats>({ cmd: 'stats' })).memory : before;

  const byAnswer: Record<string, number> = {};
  const byKind: BadInputResult['byKind'] = {};
  const byLabel: BadInputResult['byLabel'] = {};
  for (const x of outcomes) {
    byAnswer[x.answer] = (byAnswer[x.answer] ?? 0) + 1;
    for (const k of [
      (byKind[x.kind] ??= { requests: 0, slowestMs: 0, answers: {} }),
      (byLabel[`${x.kind}: ${x.label}`] ??= { requests: 0, slowestMs: 0, answers: {} }),
    ]) {
      k.requests++;
      k.slowestMs = Math.max(k.slowestMs, Math.round(x.ms));
      k.answers[x.answer] = (k.answers[x.answer] ?? 0) + 1;
    }
  }
  const slowest = outcomes.reduce((a, b) => (b.ms > a.ms ? b : a), outcomes[0]);
  const latencies = [...bystander.latenciesMs].sort((a, b) => a - b);
  const result: BadInputResult = {
    requests: outcomes.length,
    senders: o.senders,
    durationS: Math.round(durationS),
    byAnswer,
    byKind,
    byLabel,
    serverErrors: outcomes.filter((x) => x.serverError).length,
    unanswered: outcomes.filter((x) => x.answer === 'timeout').length,
    notJson: outcomes.filter((x) => x.notJson).length,
    longMessages: outcomes.filter((x) => x.longMessage).length,
    slowest: { kind: slowest.kind, label: slowest.label, ms: Math.round(slowest.ms) },
    problems: [
      ...new Set(
        outcomes.flatMap((x) =>
          [x.serverError && 'answer ≥ 500', x.notJson && 'not JSON', x.longMessage && 'long message']
            .filter(Boolean)
            .map((what) => `${what}: ${x.kind}: ${x.label} → ${x.answer}`),
        ),
      ),
    ],
    overTwoSeconds: outcomes.filter((x) => x.ms > 2000).length,
    hubAlive,
    bystander: {
      requests: latencies.length,
      failures: bystander.failures.length,
      firstFailures: bystander.failures.slice(0, 3),
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      max: Math.round(latencies.at(-1) ?? NaN),
    },
    heapGrowthPercent: process.env.HEAP_GROWTH_PERCENT ?? 'default',
    hub: {
      cpuS: (worked.cpu.user + worked.cpu.system - work.cpu.user - work.cpu.system) / 1e6,
      fullGc: { count: worked.gc.full.count - work.gc.full.count, ms: Math.round(worked.gc.full.ms - work.gc.full.ms) },
      youngGc: { count: worked.gc.young.count - work.gc.young.count, ms: Math.round(worked.gc.young.ms - work.gc.young.ms) },
    },
    memory: {
      rss: { before: before.rss, peak: Math.max(memory.rss, after.rss), after: after.rss },
      heap: { before: before.heapUsed, peak: Math.max(memory.heap, after.heapUsed), after: after.heapUsed },
    },
  };
  o.progress(
    `bad input: ${result.requests.toLocaleString('en')} requests in ${result.durationS} s, ${result.serverErrors} answers ≥ 500, ` +
      `${result.unanswered} unanswered, slowest ${result.slowest.ms} ms, bystander max ${result.bystander.max} ms`,
    true,
  );
  return result;
}

const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** The growth the target bounds: the peak over the start. */
export const rssGrowth = (r: BadInputResult) => r.memory.rss.peak - r.memory.rss.before;

/** The section of bench/results.md. */
export function badInputReport(r: BadInputResult | null): string[] {
  const lines = ['', '## Bad input (issue 19)', ''];
  if (!r) return [...lines, '_Not measured in this run (`--bad-input`)._'];
  lines.push(
    `${r.requests.toLocaleString('en')} bad requests from ${r.senders} senders in ${r.durationS} s (compiled server, production mode, rate limits off), ` +
      `while a bystander ran the Dashboard query ${r.bystander.requests.toLocaleString('en')} times.`,
    '',
    '| kind | requests | slowest ms | answers |',
    '|---|---:|---:|---|',
  );
  for (const [kind, k] of Object.entries(r.byKind).sort()) {
    const answers = Object.entries(k.answers)
      .sort((a, b) => b[1] - a[1])
      .map(([a, n]) => `${a}: ${n}`)
      .join(', ');
    lines.push(`| ${kind} | ${k.requests} | ${k.slowestMs} | ${answers} |`);
  }
  lines.push(
    '',
    `Answers ≥ 500: ${r.serverErrors}; unanswered within 10 s: ${r.unanswered}; not JSON: ${r.notJson}; error messages over 1,000 characters: ${r.longMessages}; ` +
      `slowest: ${r.slowest.ms} ms (${r.slowest.kind}: ${r.slowest.label}); over 2 s: ${r.overTwoSeconds}; hub process still running: ${r.hubAlive ? 'yes' : '**no**'}.`,
    '',
    `Bystander (Dashboard query): p50 ${r.bystander.p50} ms, p99 ${r.bystander.p99} ms, max ${r.bystander.max} ms, ${r.bystander.failures} failed.`,
    '',
    `Hub memory: RSS ${MB(r.memory.rss.before)} before, ${MB(r.memory.rss.peak)} at the peak, ${MB(r.memory.rss.after)} after (after GC); ` +
      `heap used ${MB(r.memory.heap.before)}, ${MB(r.memory.heap.peak)}, ${MB(r.memory.heap.after)}.`,
  );
  // Results written before the hub's CPU was recorded have none.
  if (r.hub)
    lines.push(
      '',
      `Hub CPU while the bad requests ran: ${r.hub.cpuS.toFixed(1)} s, of which ${r.hub.fullGc.count} full collections paused ${r.hub.fullGc.ms} ms ` +
        `and ${r.hub.youngGc.count} young ones ${r.hub.youngGc.ms} ms (HEAP_GROWTH_PERCENT ${r.heapGrowthPercent}).`,
    );
  return lines;
}

/** The targets of issue 19's "Done means". */
export function badInputTargets(r: BadInputResult) {
  return [
    { target: 'bad input: 0 answers ≥ 500', measured: String(r.serverErrors), ok: r.serverErrors === 0 },
    {
      target: 'bad input: 0 crashes, every request answered',
      measured: `${r.hubAlive ? 'running' : 'crashed'}, ${r.unanswered} unanswered`,
      ok: r.hubAlive && r.unanswered === 0,
    },
    { target: 'bad input: no request slower than 2 s', measured: `slowest ${r.slowest.ms} ms`, ok: r.slowest.ms <= 2000 },
    {
      target: 'bad input: other users answered within 1 s',
      measured: `max ${r.bystander.max} ms, ${r.bystander.failures} failed`,
      ok: r.bystander.max <= 1000 && r.bystander.failures === 0,
    },
    { target: 'bad input: hub RSS grows < 200 MB', measured: `+${MB(rssGrowth(r))} (peak)`, ok: rssGrowth(r) < 200 * 2 ** 20 },
  ];
}
