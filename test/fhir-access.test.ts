import { startTestHub, type TestHub } from './support/hub';
import { world } from './support/factories';
import { fhir, fid, fullRecord } from './support/fhir';
import { unique } from './support/raw';

/**
 * The FHIR access matrix: every interaction the CapabilityStatement
 * announces, run by every kind of caller, with the outcome "Who may do what"
 * (docs/contract.md) prescribes — the same as GraphQL's. An interaction
 * announced in metadata without a row here fails the first test.
 */

let hub: TestHub;
let f: Awaited<ReturnType<typeof fixture>>;

const VIEWERS = ['member', 'ended', 'outsider', 'admin', 'anonymous'] as const;
type ViewerName = (typeof VIEWERS)[number];
/** 200 with the fixture's data; HIDDEN: 200 without it; or the refusal's status (an OperationOutcome). */
type Outcome = 200 | 'HIDDEN' | 401 | 403 | 404;
type Row = [Outcome, Outcome, Outcome, Outcome, Outcome];

async function fixture() {
  const record = await fullRecord(hub);
  const elsewhere = await world(hub);
  const strangerOfAnotherOrg = await elsewhere.provider();
  const bundle = (await fhir(hub, 'GET', `/Patient/${fid(record.patient.id)}/$everything`, { token: record.ownerToken })).body;
  const ids = Object.fromEntries(
    ['AllergyIntolerance', 'Condition', 'MedicationStatement', 'Goal', 'Observation', 'QuestionnaireResponse', 'Flag'].map((type) => [
      type,
      bundle.entry.find((e: any) => e.resource.resourceType === type).resource.id as string,
    ]),
  );
  const tokens: Record<ViewerName, string | null> = {
    member: record.nurseToken,
    ended: await record.w.token(record.leaver),
    outsider: await elsewhere.token(strangerOfAnotherOrg),
    admin: await record.w.adminToken(),
    anonymous: null,
  };
  return { ...record, ids, tokens, sameOrgOutsiderToken: record.outsiderToken };
}

beforeAll(async () => {
  hub = await startTestHub();
  f = await fixture();
});
afterAll(() => hub.close());

interface Case {
  request: () => { method: string; path: string; body?: unknown };
  /** The fixture's id the answer must hold when the caller may see it. */
  expectId: () => string;
  expect: Row;
}

/** A transaction importing a new patient into the fixture's organization (only ADMIN may). */
const transaction = () => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      fullUrl: 'urn:uuid:3f1f4c1e-0000-4000-8000-000000000001',
      resource: {
        resourceType: 'Patient',
        identifier: [{ value: `MRN-${unique()}` }],
        name: [{ given: ['Imported'], family: 'Patient' }],
        birthDate: '1950-02-03',
        managingOrganization: { reference: `Organization/${fid(f.w.org.id)}` },
      },
      request: { method: 'POST', url: 'Patient' },
    },
  ],
});

const read = (type: string, id: () => string, expect: Row): Case => ({
  request: () => ({ method: 'GET', path: `/${type}/${id()}` }),
  expectId: id,
  expect,
});
const CLINICAL: Row = [200, 404, 404, 404, 401];
const LIST_ITEM: Row = [200, 404, 404, 403, 401]; // ADMIN manages the record but its clinical lists are for the team (FORBIDDEN), as in GraphQL
const ADMINISTRATIVE: Row = [200, 404, 404, 200, 401];
const DIRECTORY: Row = [200, 200, 200, 200, 401];

/** Rows by interaction, as metadata names them: `read Type`, `search Type`, `Patient/$everything`, `transaction`, `metadata`. */
const CASES: Record<string, Case> = {
  metadata: { request: () => ({ method: 'GET', path: '/metadata' }), expectId: () => 'CapabilityStatement', expect: DIRECTORY },
  'read Patient': read('Patient', () => fid(f.patient.id), ADMINISTRATIVE),
  'read CareTeam': read('CareTeam', () => fid(f.patient.id), ADMINISTRATIVE),
  'read Organization': read('Organization', () => fid(f.w.org.id), DIRECTORY),
  'read Practitioner': read('Practitioner', () => fid(f.owner.id), DIRECTORY),
  'read PractitionerRole': read('PractitionerRole', () => fid(f.owner.id), DIRECTORY),
  'read AllergyIntolerance': read('AllergyIntolerance', () => f.ids.AllergyIntolerance, LIST_ITEM),
  'read Condition': read('Condition', () => f.ids.Condition, LIST_ITEM),
  'read MedicationStatement': read('MedicationStatement', () => f.ids.MedicationStatement, LIST_ITEM),
  'read CarePlan': read('CarePlan', () => fid(f.plan.id), CLINICAL),
  'read Goal': read('Goal', () => f.ids.Goal, CLINICAL),
  'read Task': read('Task', () => fid(f.task.id), CLINICAL),
  'read Observation': read('Observation', () => f.ids.Observation, CLINICAL),
  'read QuestionnaireResponse': read('QuestionnaireResponse', () => f.ids.QuestionnaireResponse, CLINICAL),
  'read Flag': read('Flag', () => f.ids.Flag, CLINICAL),
  'search CarePlan': {
    request: () => ({ method: 'GET', path: `/CarePlan?patient=${fid(f.patient.id)}` }),
    expectId: () => fid(f.plan.id),
    expect: [200, 404, 404, 403, 401],
  },
  'search Task': {
    request: () => ({ method: 'GET', path: `/Task?owner=${fid(f.nurse.id)}` }),
    expectId: () => fid(f.task.id),
    // The caller's patients only: others get an empty searchset; ADMIN has no worklist (FORBIDDEN, as teamTasks).
    expect: [200, 'HIDDEN', 'HIDDEN', 403, 401],
  },
  'Patient/$everything': {
    request: () => ({ method: 'GET', path: `/Patient/${fid(f.patient.id)}/$everything` }),
    expectId: () => fid(f.task.id),
    expect: [200, 404, 404, 403, 401],
  },
  transaction: {
    request: () => ({ method: 'POST', path: '', body: transaction() }),
    expectId: () => 'transaction-response',
    expect: [403, 403, 403, 200, 401],
  },
};

it('has a row for every interaction metadata announces, and no other', async () => {
  const metadata = (await fhir(hub, 'GET', '/metadata', { token: f.tokens.admin })).body;
  const [rest] = metadata.rest;
  const announced = [
    'metadata',
    ...rest.resource.flatMap((r: any) => [
      ...r.interaction.map((i: any) => (i.code === 'read' ? `read ${r.type}` : `search ${r.type}`)),
      ...(r.operation ?? []).map((o: any) => `${r.type}/$${o.name}`),
    ]),
    ...rest.interaction.map((i: any) => i.code),
  ];
  expect(Object.keys(CASES).sort()).toEqual(announced.sort());
});

describe.each(Object.entries(CASES))('%s', (_name, c) => {
  it.each(VIEWERS.map((viewer, i) => [viewer, i] as const))('as %s', async (viewer, i) => {
    const { method, path, body } = c.request();
    const response = await fhir(hub, method, path, { token: f.tokens[viewer], body });
    const expected = c.expect[i];
    const text = JSON.stringify(response.body);
    if (expected === 200 || expected === 'HIDDEN') {
      expect(response.status).toBe(200);
      expect(text.includes(c.expectId())).toBe(expected === 200);
    } else {
      expect({ status: response.status, type: response.body?.resourceType }).toEqual({ status: expected, type: 'OperationOutcome' });
      // Nothing of the patient leaks into a refusal.
      expect(text).not.toContain(f.patient.name);
      expect(text).not.toContain(fid(f.patient.id).slice(4));
    }
  });
});

it('a provider of the same organization who is not on the team is a stranger to the patient too', async () => {
  const response = await fhir(hub, 'GET', `/Patient/${fid(f.patient.id)}/$everything`, { token: f.sameOrgOutsiderToken });
  expect(response.status).toBe(404);
});
