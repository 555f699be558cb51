import crypto from 'node:crypto';
import { startTestHub, type TestHub } from './support/hub';
import { world } from './support/factories';
import { fhir, fid, fullRecord, schemaErrors } from './support/fhir';

/**
 * FHIR R4 (issue 15), black-box over HTTP: what the hub emits is checked
 * against the official R4 JSON schema and the terminology it claims, not
 * against itself; a record exported and imported into a fresh organization
 * comes back equivalent; a refused import writes nothing.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

type Resource = { resourceType: string; id?: string; [key: string]: any };
const resources = (bundle: { entry?: { resource: Resource }[] }) => (bundle.entry ?? []).map((e) => e.resource);
const ofType = (bundle: { entry?: { resource: Resource }[] }, type: string) => resources(bundle).filter((r) => r.resourceType === type);

/** Every `reference` string anywhere in a value. */
function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => references(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string') found.push(v);
      else references(v, found);
    }
  }
  return found;
}

const SYSTEMS = {
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
};

describe('export', () => {
  it('Patient/{id}/$everything is a searchset Bundle that the official R4 schema accepts, every resource in it too, and every reference resolves inside it', async () => {
    const { patient, ownerToken } = await fullRecord(hub);
    const response = await fhir(hub, 'GET', `/Patient/${fid(patient.id)}/$everything`, { token: ownerToken });
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^application\/fhir\+json/);
    const bundle = response.body;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(schemaErrors(bundle)).toEqual([]);
    for (const resource of resources(bundle))
      expect({ resource: `${resource.resourceType}/${resource.id}`, errors: schemaErrors(resource) }).toEqual({
        resource: `${resource.resourceType}/${resource.id}`,
        errors: [],
      });

    const types = new Set(resources(bundle).map((r) => r.resourceType));
    expect([...types].sort()).toEqual(
      [
        'AllergyIntolerance',
        'CarePlan',
        'CareTeam',
        'Condition',
        'Flag',
        'Goal',
        'MedicationStatement',
        'Observation',
        'Organization',
        'Patient',
        'Practitioner',
        'PractitionerRole',
        'QuestionnaireResponse',
        'Task',
      ].sort(),
    );
    const urls = new Set(bundle.entry.map((e: { fullUrl: string }) => e.fullUrl));
    for (const entry of bundle.entry)
      expect(entry.fullUrl).toMatch(new RegExp(`/fhir/R4/${entry.resource.resourceType}/${entry.resource.id}$`));
    const base = bundle.entry[0].fullUrl.replace(/\/Patient\/[^/]+$/, '');
    const unresolved = references(resources(bundle)).filter((ref) => !urls.has(`${base}/${ref}`));
    expect(unresolved).toEqual([]);
    // Stable ids: our ids, written the FHIR way.
    expect(ofType(bundle, 'Patient')[0].id).toBe(fid(patient.id));
  });

  it('binds the terminology it claims: request and task statuses, intents, priorities, goal lifecycle, criticality, ICD-10, LOINC with UCUM', async () => {
    const { patient, ownerToken, plan, task } = await fullRecord(hub);
    const bundle = (await fhir(hub, 'GET', `/Patient/${fid(patient.id)}/$everything`, { token: ownerToken })).body;
    const [carePlan] = ofType(bundle, 'CarePlan');
    expect(carePlan).toMatchObject({
      id: fid(plan.id),
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ system: 'urn:carehub:care-plan-category', code: 'GENERAL' }] }],
    });
    expect(carePlan.author.reference).toBe(`Practitioner/${fid(plan.owner.id)}`);
    expect(carePlan.note).toEqual([{ text: 'Weight up 2 kg in 3 days' }]);
    const tasks = ofType(bundle, 'Task');
    const wound = tasks.find((t) => t.id === fid(task.id))!;
    expect(wound).toMatchObject({
      status: 'accepted',
      intent: 'order',
      priority: 'routine',
      description: 'Wound check',
      code: { coding: [{ system: 'urn:carehub:task-kind', code: 'FOLLOW_UP' }] },
    });
    expect(wound.note).toEqual([expect.objectContaining({ text: 'Bring dressings' })]);
    for (const t of tasks) {
      expect(['requested', 'accepted', 'rejected', 'cancelled', 'in-progress', 'on-hold', 'completed', 'failed']).toContain(t.status);
      expect(['routine', 'urgent', 'asap', 'stat']).toContain(t.priority);
    }
    expect(tasks.map((t) => t.priority)).toContain('asap'); // the HIGH alert's task
    expect(ofType(bundle, 'Goal')[0]).toMatchObject({
      lifecycleStatus: 'proposed',
      target: [{ detailString: 'walks 500 m unaided', dueDate: '2027-01-31' }],
    });
    expect(ofType(bundle, 'AllergyIntolerance')[0]).toMatchObject({ criticality: 'high', code: { text: 'Penicillin' } });
    const conditions = ofType(bundle, 'Condition');
    expect(conditions[0]).toMatchObject({
      code: { coding: [{ system: SYSTEMS.icd10, code: 'I50.9' }], text: 'Heart failure' },
      onsetDateTime: '2019',
    });
    expect(conditions[1]).toMatchObject({ code: { text: 'Depression' }, onsetString: 'childhood' });
    expect(ofType(bundle, 'MedicationStatement')[0]).toMatchObject({
      status: 'active',
      medicationCodeableConcept: { text: 'Furosemide' },
      dosage: [{ text: '40 mg', timing: { code: { text: 'once daily' } } }],
    });
    const weight = ofType(bundle, 'Observation').find((o) => o.code.coding[0].code === '29463-7')!;
    expect(weight).toMatchObject({
      status: 'final',
      category: [{ coding: [{ code: 'vital-signs' }] }],
      code: { coding: [{ system: SYSTEMS.loinc, code: '29463-7' }] },
      valueQuantity: { value: 82.4, system: SYSTEMS.ucum, code: 'kg', unit: 'kg' },
    });
    const phq9 = ofType(bundle, 'Observation').find((o) => o.code.coding[0].code === '44261-6')!;
    expect(phq9).toMatchObject({
      category: [{ coding: [{ code: 'survey' }] }],
      valueQuantity: { value: 9, system: SYSTEMS.ucum, code: '{score}' },
      interpretation: [{ text: 'mild' }],
    });
    const [answers] = ofType(bundle, 'QuestionnaireResponse');
    expect(phq9.derivedFrom).toEqual([{ reference: `QuestionnaireResponse/${answers.id}` }]);
    expect(answers).toMatchObject({ status: 'completed', questionnaire: 'http://loinc.org/q/44249-1' });
    expect(answers.item).toHaveLength(9);
    expect(answers.item[1].answer[0].valueCoding).toEqual({ system: SYSTEMS.loinc, code: 'LA6570-1', display: 'More than half the days' });
    expect(ofType(bundle, 'Flag')[0]).toMatchObject({
      status: 'active',
      code: { coding: [{ system: 'urn:carehub:alert-severity', code: 'HIGH' }] },
    });
    const careTeam = ofType(bundle, 'CareTeam')[0];
    expect(careTeam.participant.map((p: any) => [p.role[0].text, !!p.period.end])).toEqual([
      ['primary physician', false],
      ['home nurse', false],
      ['physiotherapist', true],
    ]);
  });

  it('reads each resource by type and id, as $everything shows it, and searches CarePlan by patient and Task by owner and status', async () => {
    const { patient, ownerToken, nurseToken, nurse, plan, task } = await fullRecord(hub);
    const bundle = (await fhir(hub, 'GET', `/Patient/${fid(patient.id)}/$everything`, { token: ownerToken })).body;
    for (const resource of resources(bundle)) {
      const read = await fhir(hub, 'GET', `/${resource.resourceType}/${resource.id}`, { token: ownerToken });
      expect({ at: `${resource.resourceType}/${resource.id}`, status: read.status, body: read.body }).toEqual({
        at: `${resource.resourceType}/${resource.id}`,
        status: 200,
        body: resource,
      });
    }
    const plans = await fhir(hub, 'GET', `/CarePlan?patient=Patient/${fid(patient.id)}`, { token: nurseToken });
    expect(plans.status).toBe(200);
    expect(schemaErrors(plans.body)).toEqual([]);
    expect(resources(plans.body).map((r) => r.id)).toEqual([fid(plan.id)]);
    const accepted = await fhir(hub, 'GET', `/Task?owner=Practitioner/${fid(nurse.id)}&status=accepted`, { token: ownerToken });
    expect(resources(accepted.body).map((r) => r.id)).toEqual([fid(task.id)]);
    const all = await fhir(hub, 'GET', `/Task?owner=${fid(nurse.id)}`, { token: ownerToken });
    expect(resources(all.body).map((r) => r.id)).toContain(fid(task.id));
    expect(resources(all.body).every((t) => t.owner.reference === `Practitioner/${fid(nurse.id)}`)).toBe(true);
    const bad = await fhir(hub, 'GET', `/Task?owner=${fid(nurse.id)}&status=draft`, { token: ownerToken });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid', expression: ['status'] }] });
  });

  it('metadata is a CapabilityStatement listing exactly the types it emits, their reads, the two searches, $everything and transaction', async () => {
    const w = await world(hub);
    const response = await fhir(hub, 'GET', '/metadata', { token: await w.adminToken() });
    expect(response.status).toBe(200);
    expect(schemaErrors(response.body)).toEqual([]);
    const [rest] = response.body.rest;
    expect(rest.resource.map((r: any) => r.type).sort()).toEqual(
      [
        'AllergyIntolerance',
        'CarePlan',
        'CareTeam',
        'Condition',
        'Flag',
        'Goal',
        'MedicationStatement',
        'Observation',
        'Organization',
        'Patient',
        'Practitioner',
        'PractitionerRole',
        'QuestionnaireResponse',
        'Task',
      ].sort(),
    );
    const searchable = rest.resource.filter((r: any) => r.interaction.some((i: any) => i.code === 'search-type'));
    expect(searchable.map((r: any) => [r.type, r.searchParam.map((p: any) => p.name)])).toEqual([
      ['CarePlan', ['patient']],
      ['Task', ['owner', 'status']],
    ]);
    expect(rest.resource.find((r: any) => r.type === 'Patient').operation).toEqual([expect.objectContaining({ name: 'everything' })]);
    expect(rest.interaction).toEqual([expect.objectContaining({ code: 'transaction' })]);
  });
});

/** Turns an exported searchset into a transaction another system would send: new fullUrls, references rewritten, our clinicians. */
function toTransaction(bundle: any, organizationId: string, practitioners: Map<string, string>) {
  const importable = [
    'Patient',
    'AllergyIntolerance',
    'Condition',
    'MedicationStatement',
    'CareTeam',
    'CarePlan',
    'Goal',
    'Task',
    'Practitioner',
  ];
  const kept = resources(bundle).filter((r) => importable.includes(r.resourceType));
  const urls = new Map(kept.map((r) => [`${r.resourceType}/${r.id}`, `urn:uuid:${crypto.randomUUID()}`]));
  const rewrite = (value: any): any => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => {
        if (key !== 'reference' || typeof v !== 'string') return [key, rewrite(v)];
        return [key, v.startsWith('Organization/') ? `Organization/${fid(organizationId)}` : (urls.get(v) ?? v)];
      }),
    );
  };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: kept.map((r) => {
      const { id: _id, meta: _meta, ...rest } = rewrite(r);
      const resource =
        r.resourceType === 'Practitioner'
          ? { ...rest, telecom: [{ system: 'email', value: practitioners.get(r.telecom[0].value) }] }
          : rest;
      return {
        fullUrl: urls.get(`${r.resourceType}/${r.id}`),
        resource,
        request:
          r.resourceType === 'Practitioner'
            ? { method: 'GET', url: `Practitioner?email=${resource.telecom[0].value}` }
            : { method: 'POST', url: r.resourceType },
      };
    }),
  };
}

/** A resource with what the hub assigns (ids, versions, times, the organization) replaced by what stays the same across systems. */
function comparable(resource: Resource, labelOf: (reference: string) => string) {
  const strip = (value: any, key = ''): any => {
    if (Array.isArray(value)) return value.map((v) => strip(v));
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (['id', 'meta', 'authoredOn', 'lastModified', 'created', 'executionPeriod', 'system', 'assigner'].includes(k) && key !== 'coding')
        continue;
      if (k === 'period') out[k] = { ended: !!(v as any).end };
      else if (k === 'reference' && typeof v === 'string') out[k] = labelOf(v);
      else out[k] = strip(v, k);
    }
    return out;
  };
  return strip(resource);
}

describe('import', () => {
  it('a transaction Bundle exported from one organization, imported into a fresh one in one write, exports again as equivalent resources', async () => {
    const { patient, ownerToken, owner, nurse, leaver } = await fullRecord(hub);
    const exported = (await fhir(hub, 'GET', `/Patient/${fid(patient.id)}/$everything`, { token: ownerToken })).body;

    const fresh = await world(hub);
    const [owner2, nurse2, leaver2] = [await fresh.provider(), await fresh.provider(), await fresh.provider()];
    const emails = new Map([
      [owner.email, owner2.email],
      [nurse.email, nurse2.email],
      [leaver.email, leaver2.email],
    ]);
    const transaction = toTransaction(exported, fresh.org.id, emails);
    const response = await fhir(hub, 'POST', '', { token: await fresh.adminToken(), body: transaction });
    expect(response.status).toBe(200);
    expect(schemaErrors(response.body)).toEqual([]);
    expect(response.body.type).toBe('transaction-response');
    const location = response.body.entry[0].response.location as string;
    expect(location).toMatch(/^Patient\/pat-/);
    const newPatientId = location.split('/')[1].replace('-', '_');
    // Practitioners were matched (by email) to the fresh organization's providers, not created.
    const matched = transaction.entry.flatMap((e: any, i: number) =>
      e.resource.resourceType === 'Practitioner' ? [response.body.entry[i].response] : [],
    );
    expect(new Set(matched.map((r: any) => `${r.status} ${r.location}`))).toEqual(
      new Set([owner2, nurse2, leaver2].map((p) => `200 OK Practitioner/${fid(p.id)}`)),
    );

    // One write: one WRITE audit record, events numbered from 1 in the order the record was built.
    const sql = <T>(q: string, p: unknown[]) => hub.orm.em.getConnection().execute<T[]>(q, p);
    expect(
      await sql<{ kind: string }>("select kind from audit_record where patient_id = ? and kind = 'WRITE'", [newPatientId]),
    ).toHaveLength(1);
    const events = await sql<{ type: string; sequence: number }>(
      'select type, sequence from event where patient_id = ? order by sequence',
      [newPatientId],
    );
    expect(events.map((e) => e.sequence)).toEqual(events.map((_e, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual([
      'PATIENT_CREATED',
      'CARE_TEAM_MEMBER_ADDED',
      'CARE_TEAM_MEMBER_ADDED',
      'CARE_TEAM_MEMBER_ADDED',
      'CARE_TEAM_MEMBER_ENDED',
      'CARE_PLAN_CREATED',
      'GOAL_ADDED',
      ...events.slice(7).map(() => expect.stringMatching(/^TASK_(CREATED|NOTE_ADDED)$/)),
    ]);

    const again = (await fhir(hub, 'GET', `/Patient/${location.split('/')[1]}/$everything`, { token: await fresh.token(owner2) })).body;
    const label = new Map<string, string>([
      [`Practitioner/${fid(owner.id)}`, 'owner'],
      [`Practitioner/${fid(owner2.id)}`, 'owner'],
      [`Practitioner/${fid(nurse.id)}`, 'nurse'],
      [`Practitioner/${fid(nurse2.id)}`, 'nurse'],
      [`Practitioner/${fid(leaver.id)}`, 'leaver'],
      [`Practitioner/${fid(leaver2.id)}`, 'leaver'],
    ]);
    const kinds = ['Patient', 'AllergyIntolerance', 'Condition', 'MedicationStatement', 'CareTeam', 'CarePlan', 'Goal', 'Task'];
    const view = (bundle: any) => {
      // References to the bundle's own resources become "Type #n" (its place among its type), practitioners their part.
      const place = new Map<string, string>();
      for (const type of kinds) ofType(bundle, type).forEach((r, i) => place.set(`${type}/${r.id}`, `${type} #${i}`));
      const labelOf = (ref: string) => label.get(ref) ?? place.get(ref) ?? ref.split('/')[0];
      return kinds.flatMap((type) => ofType(bundle, type).map((r) => comparable(r, labelOf)));
    };
    // The alert's task was raised by the monitoring rule; it comes across as a task like any other.
    expect(view(again)).toEqual(view(exported));
  });

  it('refuses an invalid resource with an OperationOutcome naming the element by FHIRPath, and writes nothing', async () => {
    const { patient, ownerToken, owner, nurse, leaver } = await fullRecord(hub);
    const exported = (await fhir(hub, 'GET', `/Patient/${fid(patient.id)}/$everything`, { token: ownerToken })).body;
    const fresh = await world(hub);
    const providers = [await fresh.provider(), await fresh.provider(), await fresh.provider()];
    const emails = new Map([owner, nurse, leaver].map((p, i) => [p.email, providers[i].email]));
    const admin = await fresh.adminToken();
    const count = async () =>
      Number(
        (
          await hub.orm.em
            .getConnection()
            .execute<{ n: number }[]>('select count(*)::int as n from patient where organization_id = ?', [fresh.org.id])
        )[0].n,
      );

    const badStatus = toTransaction(exported, fresh.org.id, emails);
    const taskIndex = badStatus.entry.findIndex((e: any) => e.resource.resourceType === 'Task');
    badStatus.entry[taskIndex].resource.status = 'draft';
    const refused = await fhir(hub, 'POST', '', { token: admin, body: badStatus });
    expect(refused.status).toBe(400);
    expect(schemaErrors(refused.body)).toEqual([]);
    expect(refused.body.issue[0]).toMatchObject({
      severity: 'error',
      code: 'invalid',
      expression: [`Bundle.entry[${taskIndex}].resource.status`],
    });

    // Refused inside the write (the plan's author is not on the imported team): everything rolls back.
    const notOnTeam = toTransaction(exported, fresh.org.id, emails);
    const planIndex = notOnTeam.entry.findIndex((e: any) => e.resource.resourceType === 'CarePlan');
    const outsider = await fresh.provider();
    notOnTeam.entry[planIndex].resource.author = { reference: `Practitioner/${fid(outsider.id)}` };
    const rolledBack = await fhir(hub, 'POST', '', { token: admin, body: notOnTeam });
    expect(rolledBack.status).toBe(400);
    expect(rolledBack.body.issue[0].expression).toEqual([`Bundle.entry[${planIndex}].resource.author`]);

    const dangling = toTransaction(exported, fresh.org.id, emails);
    const allergyIndex = dangling.entry.findIndex((e: any) => e.resource.resourceType === 'AllergyIntolerance');
    dangling.entry[allergyIndex].resource.patient = { reference: 'urn:uuid:nowhere' };
    const unresolved = await fhir(hub, 'POST', '', { token: admin, body: dangling });
    expect(unresolved.body.issue[0].expression).toEqual([`Bundle.entry[${allergyIndex}].resource.patient.reference`]);

    expect(await count()).toBe(0);
    // Only ADMIN imports (like createPatient): a provider is FORBIDDEN.
    const byProvider = await fhir(hub, 'POST', '', {
      token: await fresh.token(providers[0]),
      body: toTransaction(exported, fresh.org.id, emails),
    });
    expect(byProvider.status).toBe(403);
    expect(await count()).toBe(0);
  });
});

describe('import of a care team', () => {
  it('takes a provider who left and came back: the ended membership, then the active one', async () => {
    const w = await world(hub);
    const doctor = await w.provider();
    const patientUrl = 'urn:uuid:6b0c7f3e-2222-4000-8000-000000000001';
    const member = (end?: string) => ({
      role: [{ text: 'primary physician' }],
      member: { reference: `Practitioner/${fid(doctor.id)}` },
      period: { start: '2025-01-01T00:00:00Z', ...(end ? { end } : {}) },
    });
    const response = await fhir(hub, 'POST', '', {
      token: await w.adminToken(),
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: patientUrl,
            resource: {
              resourceType: 'Patient',
              identifier: [{ value: `MRN-${crypto.randomUUID()}` }],
              name: [{ given: ['Bo'], family: 'Return' }],
              birthDate: '1970-01-01',
              managingOrganization: { reference: `Organization/${fid(w.org.id)}` },
            },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            resource: {
              resourceType: 'CareTeam',
              subject: { reference: patientUrl },
              participant: [member(), member('2025-06-01T00:00:00Z')],
            },
            request: { method: 'POST', url: 'CareTeam' },
          },
        ],
      },
    });
    expect(response.status).toBe(200);
    const careTeam = await fhir(hub, 'GET', `/${response.body.entry[1].response.location}`, { token: await w.token(doctor) });
    expect(careTeam.body.participant.map((p: any) => !!p.period.end)).toEqual([true, false]);
    expect((await fhir(hub, 'GET', `/${response.body.entry[0].response.location}`, { token: await w.token(doctor) })).body.name).toEqual([
      { text: 'Bo Return' },
    ]);
  });
});

describe('import safety', () => {
  it('refuses a medication that conflicts with an imported allergy (422, naming the MedicationStatement) and writes nothing', async () => {
    const w = await world(hub);
    const mrn = `MRN-${crypto.randomUUID()}`;
    const patientUrl = 'urn:uuid:6b0c7f3e-1111-4000-8000-000000000001';
    const subject = { reference: patientUrl };
    const response = await fhir(hub, 'POST', '', {
      token: await w.adminToken(),
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: patientUrl,
            resource: {
              resourceType: 'Patient',
              identifier: [{ value: mrn }],
              name: [{ text: 'Ada Import' }],
              birthDate: '1948-12-10',
              managingOrganization: { reference: `Organization/${fid(w.org.id)}` },
            },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            resource: { resourceType: 'AllergyIntolerance', patient: subject, code: { text: 'Penicillin' }, criticality: 'high' },
            request: { method: 'POST', url: 'AllergyIntolerance' },
          },
          {
            resource: {
              resourceType: 'MedicationStatement',
              status: 'active',
              subject,
              medicationCodeableConcept: { text: 'Amoxicillin 500 mg' },
            },
            request: { method: 'POST', url: 'MedicationStatement' },
          },
        ],
      },
    });
    expect(response.status).toBe(422);
    expect(response.body.issue[0]).toMatchObject({
      code: 'business-rule',
      expression: ['Bundle.entry[2].resource.medicationCodeableConcept'],
    });
    const rows = await hub.orm.em.getConnection().execute('select id from patient where mrn = ?', [mrn]);
    expect(rows).toHaveLength(0);
  });
});

describe('the HTTP contract', () => {
  it('refuses a client past its rate limit with an OperationOutcome too', async () => {
    const limited = await startTestHub({ RATE_LIMIT_AUTH_FAILURES: '2' });
    try {
      expect((await fhir(limited, 'GET', '/metadata', { token: 'bad' })).status).toBe(401);
      expect((await fhir(limited, 'GET', '/metadata', { token: 'bad' })).status).toBe(401);
      const refused = await fhir(limited, 'GET', '/metadata', { token: 'bad' });
      expect(refused.status).toBe(429);
      expect(refused.contentType).toBe('application/fhir+json; charset=utf-8');
      expect(refused.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'throttled' }] });
      expect(schemaErrors(refused.body)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('answers every refusal with an OperationOutcome and its status: 401, 404, 406, 415, 400', async () => {
    const w = await world(hub);
    const admin = await w.adminToken();
    const cases: [string, Promise<{ status: number; body: any; contentType: string | null }>, number][] = [
      ['no token', fhir(hub, 'GET', '/metadata'), 401],
      ['bad token', fhir(hub, 'GET', '/metadata', { token: 'nope' }), 401],
      ['unknown patient', fhir(hub, 'GET', `/Patient/pat-${'0'.repeat(32)}`, { token: admin }), 404],
      ['malformed id', fhir(hub, 'GET', '/Patient/xyz', { token: admin }), 404],
      ['unsupported type', fhir(hub, 'GET', '/Encounter/abc', { token: admin }), 404],
      ['XML asked for', fhir(hub, 'GET', '/metadata?_format=xml', { token: admin }), 406],
      ['XML only accepted', fhir(hub, 'GET', '/metadata', { token: admin, accept: 'application/fhir+xml' }), 406],
      ['not JSON sent', fhir(hub, 'POST', '', { token: admin, body: '<Bundle/>', contentType: 'application/fhir+xml' }), 415],
      ['broken JSON', fhir(hub, 'POST', '', { token: admin, body: '{"resourceType":', contentType: 'application/fhir+json' }), 400],
      ['not a transaction', fhir(hub, 'POST', '', { token: admin, body: { resourceType: 'Bundle', type: 'batch' } }), 400],
      ['search without its parameter', fhir(hub, 'GET', '/CarePlan', { token: admin }), 400],
      ['a type not searchable', fhir(hub, 'GET', '/Goal?patient=x', { token: admin }), 400],
    ];
    for (const [name, request, status] of cases) {
      const response = await request;
      expect({ name, status: response.status, type: response.body?.resourceType }).toEqual({ name, status, type: 'OperationOutcome' });
      expect(response.contentType).toMatch(/^application\/fhir\+json/);
      expect(schemaErrors(response.body)).toEqual([]);
    }
    for (const format of ['json', 'application/json', 'application/fhir+json', 'application/fhir%2Bjson']) {
      const json = await fhir(hub, 'GET', `/metadata?_format=${format}`, { token: admin, accept: 'application/fhir+xml' });
      expect({ format, status: json.status }).toEqual({ format, status: 200 });
    }
    expect((await fhir(hub, 'GET', '/metadata', { token: undefined })).status).toBe(401);
  });

  it('audits every read: $everything leaves one READ record naming the FHIR operation', async () => {
    const { patient, ownerToken, owner } = await fullRecord(hub);
    await fhir(hub, 'GET', `/Patient/${fid(patient.id)}/$everything`, { token: ownerToken });
    const rows = await hub.orm.em
      .getConnection()
      .execute<{ operation: string }[]>("select operation from audit_record where patient_id = ? and kind = 'READ' and actor_sub = ?", [
        patient.id,
        owner.id,
      ]);
    expect(rows.map((r) => r.operation)).toContain('fhir GET Patient/{id}/$everything');
  });
});
