import http from 'node:http';

/**
 * Another user of the hub while the bad-input run goes on: a signed-in
 * portal that sends one legitimate query after another (a pause of
 * `pauseMs` between them) and times each. In a process of its own, so the
 * bad senders' work in the bench process does not delay its clock.
 *
 *   start {url, token, body, pauseMs} → begins
 *   stop                             → replies {latenciesMs, failures}
 */
export type BystanderRequest = { cmd: 'start'; url: string; token: string; body: string; pauseMs: number } | { cmd: 'stop' };
export interface BystanderReport {
  latenciesMs: number[];
  /** Answers that were not 200 with data, or no answer at all. */
  failures: string[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let running = false;
let loop: Promise<void> = Promise.resolve();
const latenciesMs: number[] = [];
const failures: string[] = [];

function once(url: string, token: string, body: string): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', agent, timeout: 30_000, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          latenciesMs.push(performance.now() - started);
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200 || !text.startsWith('{"data"')) failures.push(`${res.statusCode}: ${text.slice(0, 200)}`);
          resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) => {
      latenciesMs.push(performance.now() - started);
      failures.push(err.message);
      resolve();
    });
    req.end(body);
  });
}

process.on('message', async (request: BystanderRequest) => {
  if (request.cmd === 'start') {
    running = true;
    loop = (async () => {
      while (running) {
        await once(request.url, request.token, request.body);
        await new Promise((resolve) => setTimeout(resolve, request.pauseMs));
      }
    })();
    process.send!({ ok: true });
  } else if (request.cmd === 'stop') {
    running = false;
    await loop;
    const report: BystanderReport = { latenciesMs, failures };
    process.send!(report);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
