import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { LiveAddNoteDocument, LiveTransitionDocument } from './__generated__/graphql';
import { startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { ok, world, type World } from './support/factories';
import { signToken } from '../src/auth/tokens';
import { Discipline, type Provider } from '../src/modules/providers';
import { TaskKind, TaskPriority, TaskStatus, tasks, type Task } from '../src/modules/tasks';
import type { CarePlan } from '../src/modules/care-plans';
import { CheckInSource, checkIns } from '../src/modules/check-ins';
import { AlertSeverity, RuleComparison, warningSigns } from '../src/modules/warning-signs';
import type { Patient } from '../src/modules/patients';

/**
 * The dashboard page end to end in Debian's Chromium (`apt-get install -y
 * chromium`), driven by playwright-core: one hub and one browser for the
 * file, a fresh browser context (its own sessionStorage) per clinician.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** README's picture of the panel, taken by the test: written to docs/ when UPDATE_SCREENSHOT=1, else to a temporary file (no churn in the tree). */
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOT === '1'
    ? path.resolve(__dirname, '../docs/dashboard.png')
    : path.join(os.tmpdir(), `dashboard-${process.pid}.png`);

let hub: TestHub;
let w: World;
let browser: Browser;
const contexts: BrowserContext[] = [];
const unique = () => crypto.randomBytes(3).toString('hex');
const origin = () => hub.url.replace(/\/graphql$/, '');

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  [hub, browser] = await Promise.all([
    startTestHub(),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    }),
  ]);
  w = await world(hub);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** A page in a context of its own, 1280 px wide, in a time zone other than the server's. */
async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: 'America/Chicago', locale: 'en-GB' });
  contexts.push(context);
  return context.newPage();
}

/** Opens the page and signs in with one click on the demo provider; resolves once the panel shows and the feed is live. */
async function signIn(page: Page, provider: Provider): Promise<number> {
  await page.goto(`${origin()}/`);
  await page.getByLabel('Find a provider').fill(provider.name);
  const button = page.getByRole('button', { name: new RegExp(provider.name) });
  await button.waitFor();
  const clicked = Date.now();
  await button.click();
  await page.locator('[data-panel-ready]').waitFor();
  const ms = Date.now() - clicked;
  await page.locator('[data-live="live"]').waitFor();
  return ms;
}

/** Waits until the locator matches exactly `count` elements (playwright-core has no expect of its own). */
async function countReaches(locator: Locator, count: number, timeout = 10_000): Promise<void> {
  const until = Date.now() + timeout;
  let seen = await locator.count();
  while (seen !== count && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await locator.count();
  }
  expect(seen).toBe(count);
}

const card = (page: Page, patient: Patient) => page.locator(`article[data-patient="${patient.id}"]`);
const taskRow = (page: Page, task: Task) => page.locator(`tr[data-task="${task.id}"]`);

async function task(
  plan: CarePlan,
  by: Provider,
  assignee: Provider,
  fields: { title?: string; priority?: TaskPriority; path?: TaskStatus[] } = {},
) {
  let t = await tasks.create(w.contextOf(by), {
    carePlanId: plan.id,
    title: fields.title ?? `Task ${unique()}`,
    kind: TaskKind.HOME_VISIT,
    priority: fields.priority ?? TaskPriority.ROUTINE,
    assigneeId: assignee.id,
    dueAt: new Date(Date.now() + 86_400_000),
  });
  for (const to of fields.path ?? []) t = await tasks.transition(w.contextOf(assignee), { id: t.id, expectedVersion: t.version, to });
  return t;
}

describe('the care-team dashboard page', () => {
  let doctor: Provider;
  let nurse: Provider;
  let patients: Patient[];
  let plans: CarePlan[];
  let page: Page;

  beforeAll(async () => {
    const tag = unique();
    doctor = await w.provider({ name: `Dr. Page ${tag}`, discipline: Discipline.PHYSICIAN });
    nurse = await w.provider({ name: `Nurse Page ${tag}`, discipline: Discipline.NURSE });
    // 25 patients, alphabetical by name; the last one alphabetically gets a STAT task, so attention-first is visible.
    patients = [];
    plans = [];
    for (let i = 0; i < 25; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: 5 }, async (_, k) => {
          const patient = await w.patient(
            [
              [doctor, 'primary physician'],
              [nurse, 'home nurse'],
            ],
            { name: `Patient ${String(i + k + 1).padStart(2, '0')} ${tag}` },
          );
          const plan = await w.plan(patient, doctor, { title: `Home recovery ${i + k + 1}` });
          await task(plan, doctor, nurse);
          await task(plan, doctor, doctor, { path: [TaskStatus.ACCEPTED] });
          return [patient, plan] as const;
        }),
      );
      for (const [patient, plan] of batch) {
        patients.push(patient);
        plans.push(plan);
      }
    }
    await task(plans[24], doctor, nurse, { title: 'Same-day wound review', priority: TaskPriority.STAT });
  }, 120_000);

  it('signs a demo clinician in with one click and shows the panel, patients needing attention first', async () => {
    page = await newPage();
    const ms = await signIn(page, doctor);
    await countReaches(page.locator('article[data-patient]'), 25);
    const first = page.locator('article[data-patient]').first();
    expect(await first.getAttribute('data-patient')).toBe(patients[24].id);
    expect(await first.locator('.badges').innerText()).toMatch(/1 STAT\/ASAP task/);
    expect(await page.locator('article[data-patient]').nth(1).getAttribute('data-patient')).toBe(patients[0].id);
    // The plan, its owner (the viewer: "you"), its open tasks with priority and assignee.
    await card(page, patients[0]).getByText(`Home recovery 1`).first().waitFor();
    expect(await card(page, patients[0]).locator('.plan').innerText()).toMatch(/owner you/);
    expect(await card(page, patients[24]).locator('tbody tr').count()).toBe(3);

    // First load: the JavaScript the page needs, gzipped; time to panel (logged, not asserted).
    const html = await (await fetch(`${origin()}/`)).text();
    let gzipped = 0;
    for (const [, asset] of html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)) {
      gzipped += zlib.gzipSync(Buffer.from(await (await fetch(`${origin()}${asset}`)).arrayBuffer())).length;
    }
    expect(gzipped).toBeLessThan(300 * 1024);
    // Three reloads (the session stays in the tab): the median is less at the mercy of a busy machine.
    const reloads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await page.reload();
      await page.locator('[data-panel-ready]').waitFor();
      reloads.push(Date.now() - started);
    }
    const median = [...reloads].sort((a, b) => a - b)[1];
    console.log(
      `dashboard page: first-load JavaScript ${(gzipped / 1024).toFixed(1)} KB gzipped; panel of 25 patients ${ms} ms after the ` +
        `sign-in click; after a reload ${median} ms (median of ${reloads.join(', ')} ms)`,
    );
    await page.locator('[data-live="live"]').waitFor();
  });

  it('acknowledges an open alert, and charts check-ins with the warning-sign thresholds', async () => {
    const patient = await w.patient(
      [
        [doctor, 'cardiologist'],
        [nurse, 'heart-failure nurse'],
      ],
      { name: 'Helen Achterberg' },
    );
    const plan = await w.plan(patient, doctor, { title: 'Heart-failure follow-up' });
    await task(plan, doctor, nurse, { title: 'Telephone follow-up: weights and symptoms', path: [TaskStatus.ACCEPTED] });
    await warningSigns.add(w.contextOf(doctor), {
      carePlanId: plan.id,
      measure: '29463-7',
      comparison: RuleComparison.ABOVE,
      threshold: 70,
      severity: AlertSeverity.HIGH,
      instruction: 'Call the patient today: breathlessness, ankles; consider an extra furosemide dose.',
      assignRole: 'heart-failure nurse',
    });
    const weights = [68.2, 68.4, 68.1, 68.6, 68.3, 68.9, 69.5, 70.9];
    for (const [i, value] of weights.entries()) {
      await checkIns.record(w.contextOf(nurse), {
        patientId: patient.id,
        takenAt: new Date(Date.now() - (weights.length - 1 - i) * 2 * 86_400_000 - 3_600_000),
        source: CheckInSource.DEVICE,
        values: [{ measure: '29463-7', value }],
      });
    }
    // The alert (raised by the last check-in) puts the patient first, live.
    const first = page.locator('article[data-patient]').first();
    await page.locator(`article[data-patient="${patient.id}"]:first-child`).waitFor();
    expect(await first.locator('.badges').innerText()).toMatch(/1 open alert/);
    await first.getByRole('button', { name: 'Acknowledge alert' }).waitFor();
    await first.locator('.checkin', { hasText: /^Latest check-in .*\(device\): Body weight 70\.9 kg$/ }).waitFor();

    await first.getByText('Check-ins, trends and timeline').click();
    const chart = first.getByRole('img', { name: /Body weight|Weight/ });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/8 values, latest 70\.9 kg; warning sign above 70 kg/);
    expect(await first.locator('.threshold line').count()).toBe(1);
    await page.screenshot({ path: SCREENSHOT });

    await first.getByRole('button', { name: 'Acknowledge alert' }).click();
    await page.getByText('Alert acknowledged.').waitFor();
    await page.locator('.events li[data-type="ALERT_ACKNOWLEDGED"]', { hasText: patient.name }).waitFor();
    await first.getByRole('button', { name: 'Acknowledge alert' }).waitFor({ state: 'detached' });
  });

  it('shows a change sent over HTTP by someone else within a second, highlighted', async () => {
    const target = plans[3];
    const t = await task(target, doctor, nurse, { title: `Check blood pressure ${unique()}` });
    await taskRow(page, t).first().waitFor();
    const sent = Date.now();
    ok(await hub.gql(LiveAddNoteDocument, { input: { taskId: t.id, text: 'Called, will visit at 3 pm' } }, await w.token(nurse)));
    await page
      .locator('.events li', { hasText: `${t.title}` })
      .filter({ hasText: 'note' })
      .first()
      .waitFor();
    await card(page, patients[3]).and(page.locator('.highlight')).waitFor();
    console.log(`dashboard page: a note added over HTTP showed ${Date.now() - sent} ms later`);
  });

  it('completes a task in the page, and the event reaches a second browser live', async () => {
    const t = await task(plans[5], doctor, doctor, {
      title: `Review medication ${unique()}`,
      path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS],
    });
    const nursePage = await newPage({ width: 1024, height: 768 });
    await signIn(nursePage, nurse);
    await taskRow(nursePage, t).first().waitFor();
    await taskRow(page, t).first().waitFor();

    await taskRow(page, t)
      .getByRole('button', { name: `Complete task “${t.title}”` })
      .click();
    await page.getByText(`“${t.title}”: completed.`).waitFor();
    // The nurse's page learns of it over its own subscription: the event is listed and the task leaves the open tasks.
    await nursePage.locator('.events li[data-type="TASK_STATUS_CHANGED"]', { hasText: t.title }).waitFor();
    await taskRow(nursePage, t).waitFor({ state: 'detached' });
    await taskRow(page, t).waitFor({ state: 'detached' });
  });

  it('adds a note to a task, and the plan owner hands the plan over with a note', async () => {
    const t = await task(plans[6], doctor, doctor, { title: `Call the family ${unique()}` });
    const row = taskRow(page, t);
    await row.getByRole('button', { name: `Add a note to “${t.title}”` }).click();
    await page.getByLabel(`Note on “${t.title}”`).fill('Daughter will be there on Tuesday');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByText(`Note added to “${t.title}”.`).waitFor();
    await page.locator('.events li[data-type="TASK_NOTE_ADDED"]', { hasText: t.title }).waitFor();

    const patient = patients[6];
    await card(page, patient).getByRole('button', { name: 'Hand over this plan…' }).click();
    await card(page, patient)
      .getByLabel('New owner')
      .selectOption({ label: `${nurse.name} (home nurse)` });
    await card(page, patient).getByLabel('Hand-over note').fill('Back on Monday; wound care is the priority');
    await card(page, patient).getByRole('button', { name: 'Hand over', exact: true }).click();
    await page.locator('.events li[data-type="CARE_PLAN_OWNER_CHANGED"]', { hasText: patient.name }).waitFor();
    await card(page, patient).locator('.plan').getByText(`owner ${nurse.name}`).first().waitFor();
  });

  it('shows a CONFLICT as "changed by someone else — reloaded", never overwriting it', async () => {
    const t = await task(plans[7], doctor, doctor, { title: `Order blood test ${unique()}` });
    // A page whose live feed never connects: it keeps the version it loaded while the task changes elsewhere.
    const stale = await newPage();
    await stale.routeWebSocket(/\/graphql$/, () => {});
    await stale.goto(`${origin()}/`);
    await stale.getByLabel('Find a provider').fill(doctor.name);
    await stale.getByRole('button', { name: new RegExp(doctor.name) }).click();
    await taskRow(stale, t)
      .getByRole('button', { name: `Accept task “${t.title}”` })
      .waitFor();

    ok(
      await hub.gql(
        LiveTransitionDocument,
        { input: { id: t.id, expectedVersion: t.version, to: TaskStatus.ACCEPTED } },
        await w.token(doctor),
      ),
    );
    await taskRow(stale, t)
      .getByRole('button', { name: `Accept task “${t.title}”` })
      .click();
    await stale.getByText(`“${t.title}” was changed by someone else — reloaded`).waitFor();
    // Reloaded: the task as it is now (accepted, so the next step is Start).
    await taskRow(stale, t)
      .getByRole('button', { name: `Start task “${t.title}”` })
      .waitFor();
    expect(await taskRow(stale, t).locator('.status').innerText()).toBe('accepted');
  });

  it('asks to sign in again when the token expires and the hub closes the live connection (4403)', async () => {
    const short = await newPage();
    await short.goto(`${origin()}/`);
    await short.getByLabel(/^Token/).fill(await signToken(TEST_SECRET, { sub: doctor.id }, '4s'));
    await short.getByRole('button', { name: 'Sign in', exact: true }).click();
    await short.locator('[data-live="live"]').waitFor();
    await short.getByText('Your session has ended (the token expired or was refused): sign in again.').waitFor({ timeout: 10_000 });
    await short.getByRole('heading', { name: 'Sign in with a bearer token' }).waitFor();
    expect(await short.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);
  });

  it('drops a patient from the panel live when the clinician leaves the care team', async () => {
    const patient = await w.patient([nurse], { name: `Leaving ${unique()}` });
    const membership = await w.addMember(patient, doctor, 'consultant');
    await card(page, patient).waitFor();
    await w.endMembership(membership);
    await card(page, patient).waitFor({ state: 'detached' });
    expect(await page.locator('[role="alert"]').count()).toBe(0);
  });

  it('works with the keyboard alone and fits a tablet screen', async () => {
    const tablet = await newPage({ width: 768, height: 1024 });
    await tablet.goto(`${origin()}/`);
    await tablet.getByLabel('Find a provider').waitFor();
    // Tab order: the provider search first (before it only the page itself), then each provider's button.
    await tablet.keyboard.press('Tab');
    expect(await tablet.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('type'))).toBe('search');
    await tablet.keyboard.type(nurse.name);
    await tablet.getByRole('button', { name: new RegExp(nurse.name) }).waitFor();
    await tablet.keyboard.press('Tab');
    await tablet.keyboard.press('Enter');
    await tablet.locator('[data-panel-ready]').waitFor();
    // No sideways scrolling at 768 px: the live activity moves below the panel.
    const overflow = await tablet.evaluate(() => {
      const root = (globalThis as any).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    // Every button and field has an accessible name.
    const unnamed = await tablet
      .locator('button, input, select, textarea')
      .evaluateAll(
        (elements) => elements.filter((e: any) => !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim())).length,
      );
    expect(unnamed).toBe(0);
  });

  it('catches up after a server restart with every missed event, each once', async () => {
    const port = Number(new URL(hub.url).port);
    const t = await task(plans[9], doctor, nurse, { title: `Physiotherapy ${unique()}` });
    await taskRow(page, t).first().waitFor();
    const nurseToken = await w.token(nurse);

    await hub.close();
    await page.locator('[data-live="reconnecting"]').waitFor();
    // While the page's hub is down, another instance on the same database takes three notes.
    const other = await startTestHub();
    try {
      const notes = ['First call', 'Second call', 'Third call'];
      for (const text of notes) ok(await other.gql(LiveAddNoteDocument, { input: { taskId: t.id, text } }, nurseToken));
      hub = await startTestHub({}, undefined, port);
      await page.locator('[data-live="live"]').waitFor({ timeout: 20_000 });
      const missed = page.locator('.events li[data-type="TASK_NOTE_ADDED"]', { hasText: t.title });
      await countReaches(missed, 3);
      const ids = await missed.evaluateAll((items) => items.map((i) => i.getAttribute('data-event')));
      expect(new Set(ids).size).toBe(3);
      // Nothing more arrives twice later.
      await page.waitForTimeout(500);
      expect(await missed.count()).toBe(3);
    } finally {
      await other.close();
    }
  });
});

/**
 * A minimal OpenID Connect provider for the test: discovery, an authorization
 * endpoint that has "logged in" `subject` at once and redirects back with a
 * code, a token endpoint that checks the PKCE verifier against the challenge,
 * and its keys. CORS open, as identity providers are for public clients.
 */
async function fakeIdentityProvider(subject: () => string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const seen = { verifierChecked: 0 };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, issuer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      send(200, { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` });
    } else if (url.pathname === '/jwks') {
      send(200, { keys: [jwk] });
    } else if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        return send(400, { error: 'invalid_request' });
      }
      const code = crypto.randomBytes(16).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, clientId: q.get('client_id')! });
      res.writeHead(302, { location: `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state')!)}` });
      res.end();
    } else if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const challenge = crypto
        .createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (
        !grant ||
        grant.challenge !== challenge ||
        grant.redirectUri !== form.get('redirect_uri') ||
        grant.clientId !== form.get('client_id')
      ) {
        return send(400, { error: 'invalid_grant' });
      }
      seen.verifierChecked += 1;
      const accessToken = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'test' })
        .setIssuer(issuer)
        .setAudience('care-hub')
        .setSubject(subject())
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
      send(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 600 });
    } else {
      send(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('OpenID Connect sign-in (authorization code + PKCE)', () => {
  let idp: Awaited<ReturnType<typeof fakeIdentityProvider>>;
  let oidcHub: TestHub;
  let clinician: Provider;

  beforeAll(async () => {
    idp = await fakeIdentityProvider(() => clinician.id);
    oidcHub = await startTestHub({
      JWT_JWKS_URL: `${idp.issuer}/jwks`,
      JWT_ISSUER: idp.issuer,
      JWT_AUDIENCE: 'care-hub',
      OIDC_CLIENT_ID: 'care-hub-dashboard',
    });
    // Its own data through its own hub: the first hub of this file was restarted by the tests above.
    const federated = await world(oidcHub);
    clinician = await federated.provider({ name: `Dr. Federated ${unique()}` });
    await federated.patient([clinician], { name: `Patient of ${clinician.name}` });
  });
  afterAll(async () => {
    await oidcHub?.close();
    await idp?.close();
  });

  it("signs in at the identity provider and shows the clinician's panel, with no code or token left in the URL", async () => {
    const page = await newPage();
    const pageUrl = oidcHub.url.replace(/graphql$/, '');
    await page.goto(pageUrl);
    await page.getByRole('button', { name: `Sign in at ${new URL(idp.issuer).host}` }).click();
    await page.locator('[data-panel-ready]').waitFor();
    expect(page.url()).toBe(pageUrl);
    expect(idp.seen.verifierChecked).toBe(1);
    expect(await page.locator('.who').innerText()).toContain(clinician.name);
    await page.getByRole('heading', { name: `Patient of ${clinician.name}` }).waitFor();
    // What stays in the tab: the session token, not the PKCE verifier.
    const stored = await page.evaluate(() => Object.keys((globalThis as unknown as { sessionStorage: object }).sessionStorage));
    expect(stored).toEqual(['carehub.token']);
  });
});
