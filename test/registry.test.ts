import {
  EditPatientRecordDocument,
  HandOverCarePlanDocument,
  JoinCareTeamDocument,
  LeaveCareTeamDocument,
  PatientChartDocument,
  PatientEventLogDocument,
  RegisterOrganizationDocument,
  RegisterPatientDocument,
  RegisterProviderDocument,
  TaskDetailDocument,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { CarePlanStatus } from '../src/modules/care-plans';
import { TaskStatus } from '../src/modules/tasks';

let hub: TestHub;
let w: World;
let admin: string;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
  admin = await w.adminToken();
});
afterAll(() => hub.close());

const repeat = (n: number) => 'x'.repeat(n);
const uniq = () => Math.random().toString(36).slice(2, 10);
const count = async (sql: string, params: unknown[]) => (await hub.orm.em.getConnection().execute(sql, params))[0].n as number;

describe('createOrganization (ADMIN)', () => {
  it('registers a clinic with a trimmed name', async () => {
    const name = `Clinic ${uniq()}`;
    const data = ok(await hub.gql(RegisterOrganizationDocument, { input: { name: ` ${name} ` } }, admin));
    expect(data.createOrganization).toEqual({ id: expect.stringMatching(/^org_/), name });
  });

  it.each([
    ['without a token: UNAUTHENTICATED', 'none', 'Clinic', 'UNAUTHENTICATED', null],
    ['for a provider: FORBIDDEN', 'provider', 'Clinic', 'FORBIDDEN', null],
    ['with an empty name: BAD_USER_INPUT name', 'admin', '', 'BAD_USER_INPUT', 'name'],
    ['with a blank name: BAD_USER_INPUT name', 'admin', '   ', 'BAD_USER_INPUT', 'name'],
    ['with a 201-character name: BAD_USER_INPUT name', 'admin', repeat(201), 'BAD_USER_INPUT', 'name'],
  ] as const)('refuses %s, registering nothing', async (_n, who, name, code, field) => {
    const token = who === 'none' ? null : who === 'admin' ? admin : await w.token(await w.provider());
    const input = { name: name === 'Clinic' ? `Clinic ${uniq()}` : name };
    const error = refusal(await hub.gql(RegisterOrganizationDocument, { input }, token));
    expect(error.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    expect(await count('select count(*)::int as n from organization where name in (?, ?)', [input.name, input.name.trim()])).toBe(0);
  });
});

describe('createProvider (ADMIN)', () => {
  const input = (over: Record<string, unknown> = {}) => ({
    organizationId: w.org.id,
    name: 'Dr. Ada Byron',
    discipline: 'SPECIALIST' as const,
    specialty: ' cardiology ',
    email: `Ada.${uniq()}@Clinic.example`,
    ...over,
  });

  it('registers a provider in the organization, email lower-cased, specialty trimmed; the provider appears in Organization.providers', async () => {
    const sent = input();
    const data = ok(await hub.gql(RegisterProviderDocument, { input: sent }, admin));
    expect(data.createProvider).toMatchObject({
      name: 'Dr. Ada Byron',
      discipline: 'SPECIALIST',
      specialty: 'cardiology',
      email: sent.email.toLowerCase(),
      organization: { id: w.org.id },
    });
  });

  it.each([
    ['without a token: UNAUTHENTICATED', 'none', {}, 'UNAUTHENTICATED', null],
    ['for a provider: FORBIDDEN', 'provider', {}, 'FORBIDDEN', null],
    ['in an unknown organization: NOT_FOUND', 'admin', { organizationId: 'org_0000000000000000000000000000dead' }, 'NOT_FOUND', null],
    [
      'with a patient id as organization: BAD_USER_INPUT organizationId',
      'admin',
      { organizationId: 'pat_0000000000000000000000000000dead' },
      'BAD_USER_INPUT',
      'organizationId',
    ],
    [
      'with a malformed organization id: BAD_USER_INPUT organizationId',
      'admin',
      { organizationId: 'clinic-1' },
      'BAD_USER_INPUT',
      'organizationId',
    ],
    ['with an empty name: BAD_USER_INPUT name', 'admin', { name: '' }, 'BAD_USER_INPUT', 'name'],
    ['with a blank name: BAD_USER_INPUT name', 'admin', { name: ' ' }, 'BAD_USER_INPUT', 'name'],
    ['with an invalid email: BAD_USER_INPUT email', 'admin', { email: 'not-an-email' }, 'BAD_USER_INPUT', 'email'],
    ['with a 201-character specialty: BAD_USER_INPUT specialty', 'admin', { specialty: repeat(201) }, 'BAD_USER_INPUT', 'specialty'],
  ] as const)('refuses a provider %s, registering nothing', async (_n, who, over, code, field) => {
    const token = who === 'none' ? null : who === 'admin' ? admin : await w.token(await w.provider());
    const sent = input(over);
    const error = refusal(await hub.gql(RegisterProviderDocument, { input: sent }, token));
    expect(error.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    expect(await count('select count(*)::int as n from provider where email = ?', [String(sent.email).toLowerCase()])).toBe(0);
  });

  it('registers exactly one of three concurrent providers with one email; the others get BAD_USER_INPUT email', async () => {
    const sent = input();
    const results = await Promise.all([1, 2, 3].map(() => hub.gql(RegisterProviderDocument, { input: sent }, admin)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((r) => r.errors))
      expect(refusal(r)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'email' } });
    expect(await count('select count(*)::int as n from provider where email = ?', [sent.email.toLowerCase()])).toBe(1);
  });

  it('refuses a second provider with the same email (in any case) with BAD_USER_INPUT email', async () => {
    const first = input();
    ok(await hub.gql(RegisterProviderDocument, { input: first }, admin));
    const error = refusal(await hub.gql(RegisterProviderDocument, { input: input({ email: first.email.toUpperCase() }) }, admin));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'email' } });
    expect(await count('select count(*)::int as n from provider where email = ?', [first.email.toLowerCase()])).toBe(1);
  });
});

describe('createPatient (ADMIN)', () => {
  const input = (over: Record<string, unknown> = {}) => ({
    organizationId: w.org.id,
    mrn: `MRN-${uniq()}`,
    name: 'Grace Hopper',
    birthDate: '1936-12-09',
    ...over,
  });

  it('registers a patient at version 1 with its record and a PATIENT_CREATED event as sequence 1', async () => {
    const sent = input();
    const data = ok(
      await hub.gql(
        RegisterPatientDocument,
        {
          input: { ...sent, allergies: [{ substance: 'Latex', criticality: 'LOW' }], preferences: ['Prefers therapy over medication'] },
        },
        admin,
      ),
    );
    expect(data.createPatient).toMatchObject({
      mrn: sent.mrn,
      name: 'Grace Hopper',
      birthDate: '1936-12-09',
      version: 1,
      organization: { id: w.org.id },
    });
    expect(await w.eventLog(data.createPatient.id)).toEqual({ last: 1, count: 1, types: ['PATIENT_CREATED'] });
    expect(await w.row('patient', data.createPatient.id)).toMatchObject({
      allergies: [{ substance: 'Latex', reaction: null, criticality: 'LOW' }],
      preferences: ['Prefers therapy over medication'],
    });
  });

  it('accepts the same MRN in another organization', async () => {
    const sent = input();
    ok(await hub.gql(RegisterPatientDocument, { input: sent }, admin));
    const other = ok(await hub.gql(RegisterOrganizationDocument, { input: { name: `Other ${uniq()}` } }, admin)).createOrganization;
    ok(await hub.gql(RegisterPatientDocument, { input: { ...sent, organizationId: other.id } }, admin));
  });

  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  it.each([
    ['without a token: UNAUTHENTICATED', 'none', {}, 'UNAUTHENTICATED', null],
    ['for a provider: FORBIDDEN', 'provider', {}, 'FORBIDDEN', null],
    ['in an unknown organization: NOT_FOUND', 'admin', { organizationId: 'org_0000000000000000000000000000dead' }, 'NOT_FOUND', null],
    [
      'with a provider id as organization: BAD_USER_INPUT organizationId',
      'admin',
      { organizationId: 'prv_0000000000000000000000000000dead' },
      'BAD_USER_INPUT',
      'organizationId',
    ],
    ['with an empty MRN: BAD_USER_INPUT mrn', 'admin', { mrn: '' }, 'BAD_USER_INPUT', 'mrn'],
    ['with a 65-character MRN: BAD_USER_INPUT mrn', 'admin', { mrn: repeat(65) }, 'BAD_USER_INPUT', 'mrn'],
    ['with a blank name: BAD_USER_INPUT name', 'admin', { name: '  ' }, 'BAD_USER_INPUT', 'name'],
    ['born tomorrow: BAD_USER_INPUT birthDate', 'admin', { birthDate: tomorrow }, 'BAD_USER_INPUT', 'birthDate'],
    ['born in 1899: BAD_USER_INPUT birthDate', 'admin', { birthDate: '1899-12-31' }, 'BAD_USER_INPUT', 'birthDate'],
    [
      'with an allergy of blank substance: BAD_USER_INPUT allergies.0.substance',
      'admin',
      { allergies: [{ substance: ' ', criticality: 'HIGH' }] },
      'BAD_USER_INPUT',
      'allergies.0.substance',
    ],
  ] as const)('refuses a patient %s, registering nothing', async (_n, who, over, code, field) => {
    const token = who === 'none' ? null : who === 'admin' ? admin : await w.token(await w.provider());
    const sent = input(over);
    const error = refusal(await hub.gql(RegisterPatientDocument, { input: sent as never }, token));
    expect(error.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    expect(await count('select count(*)::int as n from patient where mrn = ?', [sent.mrn])).toBe(0);
  });

  it('refuses an impossible calendar date (2023-02-30) as BAD_USER_INPUT', async () => {
    const sent = input({ birthDate: '2023-02-30' });
    expect(refusal(await hub.gql(RegisterPatientDocument, { input: sent as never }, admin)).code).toBe('BAD_USER_INPUT');
    expect(await count('select count(*)::int as n from patient where mrn = ?', [sent.mrn])).toBe(0);
  });

  it('registers exactly one of three concurrent patients with one MRN; the others get BAD_USER_INPUT mrn and leave no trace', async () => {
    const sent = input();
    const results = await Promise.all([1, 2, 3].map(() => hub.gql(RegisterPatientDocument, { input: sent }, admin)));
    const created = results.filter((r) => !r.errors);
    expect(created).toHaveLength(1);
    for (const r of results.filter((r) => r.errors))
      expect(refusal(r)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'mrn' } });
    expect(await count('select count(*)::int as n from patient where mrn = ?', [sent.mrn])).toBe(1);
    expect(await w.eventLog(created[0].data!.createPatient.id)).toEqual({ last: 1, count: 1, types: ['PATIENT_CREATED'] });
  });

  it('refuses a second patient with the same MRN in the organization with BAD_USER_INPUT mrn', async () => {
    const sent = input();
    ok(await hub.gql(RegisterPatientDocument, { input: sent }, admin));
    expect(refusal(await hub.gql(RegisterPatientDocument, { input: { ...sent, name: 'Someone else' } }, admin))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'mrn' },
    });
    expect(await count('select count(*)::int as n from patient where mrn = ?', [sent.mrn])).toBe(1);
  });
});

describe('updatePatient', () => {
  it('lets a team member update the record: +1 version, PATIENT_UPDATED by the member naming the fields', async () => {
    const t = await w.team();
    const data = ok(
      await hub.gql(
        EditPatientRecordDocument,
        {
          input: { id: t.patient.id, expectedVersion: 1, name: 'Renamed Patient', medications: [{ name: 'Metformin', dose: '500 mg' }] },
        },
        t.nurseToken,
      ),
    );
    expect(data.updatePatient).toEqual({ id: t.patient.id, name: 'Renamed Patient', version: 2 });
    expect(await w.row('patient', t.patient.id)).toMatchObject({ medications: [{ name: 'Metformin', dose: '500 mg', frequency: null }] });
    const log = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.nurseToken)).patientEvents;
    expect(log.edges.at(-1)!.node).toMatchObject({ type: 'PATIENT_UPDATED', actor: { id: t.nurse.id } });
  });

  it('refuses without a token, off the team, an ADMIN off the team, bad input and a stale version — changing nothing', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const input = { id: t.patient.id, expectedVersion: 1, name: 'Changed' };
    expect(refusal(await hub.gql(EditPatientRecordDocument, { input }, null)).code).toBe('UNAUTHENTICATED');
    expect(refusal(await hub.gql(EditPatientRecordDocument, { input }, t.outsiderToken)).code).toBe('NOT_FOUND');
    expect(
      refusal(await hub.gql(EditPatientRecordDocument, { input: { ...input, id: 'pat_0000000000000000000000000000dead' } }, t.nurseToken))
        .code,
    ).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(EditPatientRecordDocument, { input }, admin)).code).toBe('FORBIDDEN');
    expect(refusal(await hub.gql(EditPatientRecordDocument, { input: { ...input, name: '' } }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'name' },
    });
    expect(refusal(await hub.gql(EditPatientRecordDocument, { input: { ...input, id: t.plan.id } }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'id' },
    });
    expect(
      refusal(await hub.gql(EditPatientRecordDocument, { input: { ...input, preferredLanguage: repeat(36) } }, t.nurseToken)),
    ).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'preferredLanguage' } });
    expect(refusal(await hub.gql(EditPatientRecordDocument, { input: { ...input, expectedVersion: 0 } }, t.nurseToken))).toMatchObject({
      code: 'CONFLICT',
      extensions: { currentVersion: 1 },
    });
    await unchanged();
  });
});

describe('addCareTeamMember (ADMIN)', () => {
  it('puts a provider on the team: active membership, CARE_TEAM_MEMBER_ADDED by the operator (no provider actor), access to the patient', async () => {
    const t = await w.team();
    const therapist = await w.provider();
    const data = ok(
      await hub.gql(JoinCareTeamDocument, { input: { patientId: t.patient.id, providerId: therapist.id, role: ' therapist ' } }, admin),
    );
    expect(data.addCareTeamMember).toMatchObject({
      role: 'therapist',
      active: true,
      endedAt: null,
      provider: { id: therapist.id },
      patient: { id: t.patient.id },
    });
    const log = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.ownerToken)).patientEvents;
    expect(log.edges.at(-1)!.node).toMatchObject({ type: 'CARE_TEAM_MEMBER_ADDED', actor: null });
    expect(ok(await hub.gql(PatientChartDocument, { id: t.patient.id }, await w.token(therapist))).patient?.id).toBe(t.patient.id);
  });

  it("refuses without a token, for a provider, unknown ids, another organization's provider, a duplicate, and a blank role", async () => {
    const t = await w.team();
    const otherOrg = ok(await hub.gql(RegisterOrganizationDocument, { input: { name: `Other ${uniq()}` } }, admin)).createOrganization;
    const foreign = ok(
      await hub.gql(
        RegisterProviderDocument,
        {
          input: { organizationId: otherOrg.id, name: 'Dr. Foreign', discipline: 'PHYSICIAN', email: `f.${uniq()}@x.example` },
        },
        admin,
      ),
    ).createProvider;
    const unchanged = await w.snapshot(t.patient.id);
    const input = { patientId: t.patient.id, providerId: t.outsider.id, role: 'consultant' };
    const cases: [Record<string, unknown>, string | null, string, string | null][] = [
      [{}, null, 'UNAUTHENTICATED', null],
      [{}, t.nurseToken, 'FORBIDDEN', null], // a plain member (the plan owner and a COORDINATOR may: test/coordination.test.ts)
      [{ patientId: 'pat_0000000000000000000000000000dead' }, admin, 'NOT_FOUND', null],
      [{ providerId: 'prv_0000000000000000000000000000dead' }, admin, 'NOT_FOUND', null],
      [{ providerId: foreign.id }, admin, 'BAD_USER_INPUT', 'providerId'],
      [{ providerId: t.nurse.id }, admin, 'BAD_USER_INPUT', 'providerId'],
      [{ providerId: t.plan.id }, admin, 'BAD_USER_INPUT', 'providerId'],
      [{ patientId: 'patient-1' }, admin, 'BAD_USER_INPUT', 'patientId'],
      [{ role: ' ' }, admin, 'BAD_USER_INPUT', 'role'],
      [{ role: repeat(101) }, admin, 'BAD_USER_INPUT', 'role'],
    ];
    for (const [over, token, code, field] of cases) {
      const error = refusal(await hub.gql(JoinCareTeamDocument, { input: { ...input, ...over } }, token));
      expect({ over, code: error.code, field: error.extensions.field ?? null }).toEqual({ over, code, field });
    }
    await unchanged();
    expect(await count('select count(*)::int as n from care_team_member where patient_id = ?', [t.patient.id])).toBe(2);
  });
});

describe('endCareTeamMembership (ADMIN)', () => {
  it("ends the membership, keeps it as history, and ends the provider's access to the patient", async () => {
    const t = await w.team();
    const id = t.nurseMembership.id;
    const data = ok(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: id } }, admin));
    expect(data.endCareTeamMembership).toMatchObject({ id, active: false, endedAt: expect.any(String), provider: { id: t.nurse.id } });

    const chart = ok(await hub.gql(PatientChartDocument, { id: t.patient.id, includeEnded: true }, t.ownerToken)).patient!;
    expect(chart.careTeam.map((m) => [m.provider.id, m.active])).toEqual([
      [t.owner.id, true],
      [t.nurse.id, false],
    ]);
    const current = ok(await hub.gql(PatientChartDocument, { id: t.patient.id }, t.ownerToken)).patient!;
    expect(current.careTeam.map((m) => m.provider.id)).toEqual([t.owner.id]);
    expect(refusal(await hub.gql(PatientChartDocument, { id: t.patient.id }, t.nurseToken)).code).toBe('NOT_FOUND');

    const log = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.ownerToken)).patientEvents;
    expect(log.edges.at(-1)!.node).toMatchObject({ type: 'CARE_TEAM_MEMBER_ENDED', actor: null });
  });

  it("returns the member's open tasks to REQUESTED without assignee, one TASK_UNASSIGNED each; closed tasks stay as they are", async () => {
    const t = await w.team();
    const requested = await w.task(t.plan, t.owner, { assignee: t.nurse });
    const started = await w.task(t.plan, t.owner, { assignee: t.nurse, path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS] });
    const paused = await w.task(t.plan, t.owner, {
      assignee: t.nurse,
      path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD],
    });
    const done = await w.task(t.plan, t.owner, {
      assignee: t.nurse,
      path: [TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED],
    });
    const others = await w.task(t.plan, t.owner, { assignee: t.owner, path: [TaskStatus.ACCEPTED] });
    const before = await w.eventLog(t.patient.id);

    ok(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: t.nurseMembership.id } }, admin));

    for (const task of [requested, started, paused]) {
      const node = ok(await hub.gql(TaskDetailDocument, { id: task.id }, t.ownerToken)).node as {
        status: string;
        assignee: unknown;
        version: number;
        statusReason: string;
      };
      expect(node).toMatchObject({
        status: 'REQUESTED',
        assignee: null,
        version: task.version + 1,
        statusReason: expect.stringMatching(/left the care team/),
      });
    }
    expect(await w.row('task', done.id)).toMatchObject({ status: 'COMPLETED', assignee_id: t.nurse.id, version: done.version });
    expect(await w.row('task', others.id)).toMatchObject({ status: 'ACCEPTED', assignee_id: t.owner.id, version: others.version });

    const after = await w.eventLog(t.patient.id);
    expect(after.types.slice(before.count)).toEqual(['CARE_TEAM_MEMBER_ENDED', 'TASK_UNASSIGNED', 'TASK_UNASSIGNED', 'TASK_UNASSIGNED']);
    const log = ok(await hub.gql(PatientEventLogDocument, { patientId: t.patient.id, first: 100 }, t.ownerToken)).patientEvents;
    expect(
      log.edges
        .slice(-3)
        .map((e) => e.node.task?.id)
        .sort(),
    ).toEqual([requested.id, started.id, paused.id].sort());
  });

  it('refuses to end a member who owns an open plan (BAD_USER_INPUT membershipId) until ownership is transferred', async () => {
    const t = await w.team({ planStatus: CarePlanStatus.ON_HOLD });
    const id = t.ownerMembership.id;
    const unchanged = await w.snapshot(t.patient.id, 'care_team_member', id);
    expect(refusal(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: id } }, admin))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'membershipId' },
    });
    await unchanged();

    ok(
      await hub.gql(
        HandOverCarePlanDocument,
        { input: { id: t.plan.id, expectedVersion: t.plan.version, newOwnerId: t.nurse.id } },
        t.ownerToken,
      ),
    );
    expect(ok(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: id } }, admin)).endCareTeamMembership.active).toBe(false);
  });

  it('lets a member who only owns closed plans go', async () => {
    const t = await w.team({ planStatus: CarePlanStatus.COMPLETED });
    ok(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: t.ownerMembership.id } }, admin));
  });

  it('refuses without a token, for a provider, an unknown or malformed id, and an already ended membership — changing nothing', async () => {
    const t = await w.team();
    const id = t.nurseMembership.id;
    const unchanged = await w.snapshot(t.patient.id, 'care_team_member', id);
    expect(refusal(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: id } }, null)).code).toBe('UNAUTHENTICATED');
    // A plain member (the plan owner and a COORDINATOR may: test/coordination.test.ts).
    expect(refusal(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: id } }, t.nurseToken)).code).toBe('FORBIDDEN');
    expect(
      refusal(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: 'ctm_0000000000000000000000000000dead' } }, admin)).code,
    ).toBe('NOT_FOUND');
    expect(refusal(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: t.patient.id } }, admin))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'membershipId' },
    });
    await unchanged();

    ok(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: id } }, admin));
    const ended = await w.snapshot(t.patient.id, 'care_team_member', id);
    expect(refusal(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: id } }, admin))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'membershipId' },
    });
    await ended();
  });

  it('lets a former member rejoin with a new membership, both kept in the history', async () => {
    const t = await w.team();
    const first = t.nurseMembership.id;
    ok(await hub.gql(LeaveCareTeamDocument, { input: { membershipId: first } }, admin));
    const again = ok(
      await hub.gql(JoinCareTeamDocument, { input: { patientId: t.patient.id, providerId: t.nurse.id, role: 'night nurse' } }, admin),
    );
    const chart = ok(await hub.gql(PatientChartDocument, { id: t.patient.id, includeEnded: true }, t.nurseToken)).patient!;
    expect(chart.careTeam.filter((m) => m.provider.id === t.nurse.id).map((m) => [m.id, m.active])).toEqual([
      [first, false],
      [again.addCareTeamMember.id, true],
    ]);
  });
});
