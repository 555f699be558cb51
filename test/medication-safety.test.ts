import {
  ChartConflictsDocument,
  OrderMedicationTaskDocument,
  RecordMedicationsDocument,
  RegisterPatientWithRecordDocument,
  SafetyAuditTrailDocument,
  type AllergyInput,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { medicationSafety } from '../src/modules/medication-safety';
import { TaskKind } from '../src/modules/tasks';

let hub: TestHub;
let w: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

/** How the check sees one allergy and one medication: the first conflict's match and class, or null. */
function check(allergy: string, medication: string) {
  const [found] = medicationSafety.conflicts([{ substance: allergy, criticality: 'HIGH' }], [medication]);
  return found ? { match: found.match, drugClass: found.drugClass } : null;
}

describe('the conflict table', () => {
  it.each([
    ['Amoxicillin', 'amoxicillin trihydrate 500 mg capsules'],
    ['amoxicillin', 'Amoxil 250mg'],
    ['Codeine', 'Co-codamol 30/500'],
    ['Trimethoprim', 'Co-trimoxazole 960 mg'],
    ['Lisinopril (angioedema)', 'LISINOPRIL 10 mg tablets'],
    ['lisinopril', 'Lisinopril/HCTZ 20/12.5'],
  ])('finds the same substance: allergy to "%s", medication "%s"', (allergy, medication) => {
    expect(check(allergy, medication)).toEqual({ match: 'SAME_SUBSTANCE', drugClass: null });
  });

  it.each([
    ['Penicillin', 'Amoxicillin 500 mg', 'penicillins'],
    ['penicillins', 'Augmentin 625mg', 'penicillins'],
    ['PCN', 'Flucloxacillin', 'penicillins'],
    ['Penicillin allergy', 'Penicillin V 250 mg', 'penicillins'],
    ['amoxicillin', 'Tazocin 4.5 g IV', 'penicillins'],
    ['Sulfa', 'Co-trimoxazole 960 mg', 'sulfonamide antibiotics'],
    ['sulphonamides', 'Bactrim DS', 'sulfonamide antibiotics'],
    ['Sulfa drugs', 'sulfasalazine', 'sulfonamide antibiotics'],
    ['Aspirin', 'Ibuprofen 400 mg', 'NSAIDs'],
    ['NSAIDs', 'naproxen sodium', 'NSAIDs'],
    ['Non-steroidal anti-inflammatory drugs', 'Voltarol gel', 'NSAIDs'],
    ['Morphine', 'codeine phosphate 30 mg', 'opioids (phenanthrenes)'],
    ['opiates', 'Fentanyl patch', 'opioids'],
    ['β-lactam antibiotics', 'meropenem', 'beta-lactams'],
  ])('finds a class conflict: allergy to "%s", medication "%s" (%s)', (allergy, medication, drugClass) => {
    expect(check(allergy, medication)).toEqual({ match: 'SAME_CLASS', drugClass });
  });

  it.each([
    ['Penicillin', 'Ceftriaxone 1 g IV', 'cephalosporins'],
    ['Cephalosporins', 'amoxicillin', 'penicillins'],
    ['Amoxicillin', 'Cefadroxil', 'cephalosporins'],
    ['Cefalexin', 'ampicillin', 'penicillins'],
    ['Ceftazidime', 'Aztreonam', 'monobactams'],
  ])('finds a documented cross-reaction between classes: allergy to "%s", medication "%s" (%s)', (allergy, medication, drugClass) => {
    expect(check(allergy, medication)).toEqual({ match: 'CROSS_REACTIVITY', drugClass });
  });

  it('says how low penicillin–cephalosporin cross-reactivity is, and says more for a shared side chain', () => {
    const [general] = medicationSafety.conflicts([{ substance: 'Penicillin', criticality: 'LOW' }], ['Ceftriaxone']);
    expect(general.note).toMatch(/low \(about 1–2 %\).*dissimilar side chain is usually tolerated/);
    const [sideChain] = medicationSafety.conflicts([{ substance: 'Amoxicillin', criticality: 'LOW' }], ['Cefadroxil']);
    expect(sideChain.note).toMatch(/share an R1 side chain/);
  });

  it.each([
    ['Penicillin', 'Furosemide 40 mg'],
    ['Sulfa', 'Furosemide 40 mg'],
    ['sulfonamides', 'Hydrochlorothiazide'],
    ['Sulfa', 'Celecoxib'],
    ['Penicillin', 'Penicillamine 250 mg'],
    ['Penicillin', 'Insulin glargine pen'],
    ['Penicillin', 'Meropenem 1 g'],
    ['Aspirin', 'Celecoxib 200 mg'],
    ['Aspirin', 'Paracetamol 1 g'],
    ['Morphine', 'Fentanyl 25 micrograms/hour patch'],
    ['Latex', 'Metformin 500 mg'],
  ])('finds no conflict between an allergy to "%s" and "%s"', (allergy, medication) => {
    expect(check(allergy, medication)).toBeNull();
  });

  it('treats the opioids by structural group: codeine and dihydrocodeine conflict, morphine and fentanyl do not', () => {
    expect(check('Codeine', 'Dihydrocodeine')).toEqual({ match: 'SAME_CLASS', drugClass: 'opioids (phenanthrenes)' });
    expect(check('Morphine', 'Fentanyl')).toBeNull();
  });

  it('tells a dose change from a new drug', () => {
    expect(medicationSafety.isSameMedication('Amoxicillin 500 mg', 'amoxicillin trihydrate 250mg')).toBe(true);
    expect(medicationSafety.isSameMedication('Metformin 500 mg', 'metformin 1 g')).toBe(true);
    expect(medicationSafety.isSameMedication('Amoxicillin', 'Augmentin')).toBe(false);
    expect(medicationSafety.isSameMedication('Metformin', 'Gliclazide')).toBe(false);
  });

  it('lists conflicts most serious first: HIGH criticality, then the same substance before a class', () => {
    const conflicts = medicationSafety.conflicts(
      [
        { substance: 'Aspirin', criticality: 'LOW' },
        { substance: 'Penicillin', criticality: 'HIGH' },
        { substance: 'Amoxicillin', criticality: 'HIGH' },
      ],
      ['Ibuprofen', 'Amoxicillin'],
    );
    expect(conflicts.map((c) => [c.allergy, c.medication, c.criticality, c.match])).toEqual([
      ['Amoxicillin', 'Amoxicillin', 'HIGH', 'SAME_SUBSTANCE'],
      ['Penicillin', 'Amoxicillin', 'HIGH', 'SAME_CLASS'],
      ['Aspirin', 'Ibuprofen', 'LOW', 'SAME_CLASS'],
    ]);
  });
});

/** A care team whose patient has exactly these allergies (the factory's patient starts with Penicillin, HIGH). */
async function teamWithAllergies(allergies: AllergyInput[]) {
  const t = await w.team();
  const data = ok(await hub.gql(RecordMedicationsDocument, { input: { id: t.patient.id, expectedVersion: 1, allergies } }, t.nurseToken));
  return { ...t, version: data.updatePatient.version };
}

/** The patient's events as stored: type, summary, and changes by field (stored as a [{ field, from, to }] list). */
async function storedEvents(patientId: string) {
  const rows = await hub.orm.em
    .getConnection()
    .execute<{ type: string; summary: string; changes: { field: string; from: unknown; to: unknown }[] | null }[]>(
      'select type, summary, changes from event where patient_id = ? order by sequence',
      [patientId],
    );
  return rows.map((row) => ({
    ...row,
    changes: row.changes && Object.fromEntries(row.changes.map(({ field, from, to }) => [field, { from, to }])),
  }));
}

async function writeAudits(patientId: string) {
  const trail = ok(await hub.gql(SafetyAuditTrailDocument, { patientId }, await w.adminToken())).auditTrail;
  return trail.edges.map((e) => e.node).filter((n) => n.kind === 'WRITE');
}

describe('updatePatient: adding a medication', () => {
  it('fails with SAFETY_CONFLICT naming the allergy, the medication and the criticality, and writes nothing', async () => {
    const t = await w.team(); // Penicillin, HIGH
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const writes = (await writeAudits(t.patient.id)).length;
    const result = await hub.gql(
      RecordMedicationsDocument,
      {
        input: {
          id: t.patient.id,
          expectedVersion: 1,
          medications: [{ name: 'Furosemide', dose: '40 mg' }, { name: 'Amoxicillin 500 mg' }],
        },
      },
      t.nurseToken,
    );
    const error = refusal(result);
    expect(error).toMatchObject({
      code: 'SAFETY_CONFLICT',
      extensions: {
        field: 'medications.1.name',
        allergy: 'Penicillin',
        medication: 'Amoxicillin 500 mg',
        criticality: 'HIGH',
        match: 'SAME_CLASS',
        drugClass: 'penicillins',
      },
    });
    expect(error.extensions.conflicts).toEqual([
      {
        allergy: 'Penicillin',
        medication: 'Amoxicillin 500 mg',
        criticality: 'HIGH',
        match: 'SAME_CLASS',
        drugClass: 'penicillins',
        note: null,
        ingredient: 'amoxicillin',
      },
    ]);
    // The message names nothing from the record (it may reach traces); the extensions do.
    expect(error.message).toBe(
      'A medication being added conflicts with a recorded allergy (1 conflict: see extensions). To go ahead anyway, give overrideReason.',
    );
    expect(result.data).toBeNull();
    await unchanged(); // no event, record and version as they were
    expect(await writeAudits(t.patient.id)).toHaveLength(writes);
  });

  it('fails for a cross-reacting class: a sulfonamide antibiotic allergy and co-trimoxazole', async () => {
    const t = await teamWithAllergies([{ substance: 'Sulfa', reaction: 'Rash', criticality: 'LOW' }]);
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const error = refusal(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: t.version, medications: [{ name: 'Co-trimoxazole 960 mg' }] } },
        t.nurseToken,
      ),
    );
    expect(error).toMatchObject({
      code: 'SAFETY_CONFLICT',
      extensions: { allergy: 'Sulfa', medication: 'Co-trimoxazole 960 mg', criticality: 'LOW', drugClass: 'sulfonamide antibiotics' },
    });
    await unchanged();
  });

  it('fails within the NSAIDs: an aspirin allergy and ibuprofen', async () => {
    const t = await teamWithAllergies([{ substance: 'Aspirin', reaction: 'Bronchospasm', criticality: 'HIGH' }]);
    const error = refusal(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: t.version, medications: [{ name: 'Nurofen 200 mg' }] } },
        t.nurseToken,
      ),
    );
    expect(error.extensions).toMatchObject({ match: 'SAME_CLASS', drugClass: 'NSAIDs', criticality: 'HIGH' });
  });

  it('fails for a cephalosporin with a penicillin allergy as a CROSS_REACTIVITY, with a note saying how low it is', async () => {
    const t = await w.team();
    const error = refusal(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: 1, medications: [{ name: 'Ceftriaxone', dose: '1 g' }] } },
        t.nurseToken,
      ),
    );
    expect(error.extensions).toMatchObject({ code: 'SAFETY_CONFLICT', match: 'CROSS_REACTIVITY', drugClass: 'cephalosporins' });
    expect(error.extensions.note).toMatch(/low \(about 1–2 %\)/);
  });

  it('records a medication that conflicts with nothing: furosemide with a penicillin allergy, and with a "sulfa" allergy', async () => {
    const t = await w.team();
    const data = ok(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: 1, medications: [{ name: 'Furosemide', dose: '40 mg' }] } },
        t.nurseToken,
      ),
    ).updatePatient;
    expect(data).toMatchObject({ version: 2, medications: [{ name: 'Furosemide' }], medicationConflicts: [] });

    const sulfa = await teamWithAllergies([{ substance: 'Sulfa drugs', reaction: 'Rash', criticality: 'HIGH' }]);
    const next = ok(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: sulfa.patient.id, expectedVersion: sulfa.version, medications: [{ name: 'Furosemide 40 mg' }] } },
        sulfa.nurseToken,
      ),
    ).updatePatient;
    expect(next.medicationConflicts).toEqual([]);
  });

  it('goes ahead with overrideReason, and records the override and its reason in the event and the audit trail', async () => {
    const t = await w.team();
    const reason = 'Tolerated amoxicillin in 2023 under observation; allergist de-labelled';
    const data = ok(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: 1, medications: [{ name: 'Amoxicillin', dose: '500 mg' }], overrideReason: reason } },
        t.nurseToken,
      ),
    ).updatePatient;
    expect(data).toMatchObject({
      version: 2,
      medications: [{ name: 'Amoxicillin', dose: '500 mg' }],
      medicationConflicts: [{ allergy: 'Penicillin', medication: 'Amoxicillin', criticality: 'HIGH', match: 'SAME_CLASS' }],
    });

    const event = (await storedEvents(t.patient.id)).at(-1)!;
    expect(event.type).toBe('PATIENT_UPDATED');
    expect(event.summary).toContain(`allergy check overridden (1 conflict): ${reason}`);
    expect(event.changes!.safetyOverride).toEqual({
      from: null,
      to: {
        reason,
        conflicts: [
          expect.objectContaining({ allergy: 'Penicillin', medication: 'Amoxicillin', criticality: 'HIGH', match: 'SAME_CLASS' }),
        ],
      },
    });
    expect(event.changes!.medications).toBeDefined();

    const [write] = (await writeAudits(t.patient.id)).slice(-1);
    expect(write).toMatchObject({
      actorSub: t.nurse.id,
      operation: 'mutation RecordMedications { updatePatient }',
      overrideReason: reason,
    });
  });

  it('counts a blank overrideReason as none', async () => {
    const t = await w.team();
    const error = refusal(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: 1, medications: [{ name: 'Augmentin' }], overrideReason: '   ' } },
        t.nurseToken,
      ),
    );
    expect(error.code).toBe('SAFETY_CONFLICT');
  });

  it('checks only medications being added: keeping an overridden one, or changing its dose, needs no new override', async () => {
    const t = await w.team();
    ok(
      await hub.gql(
        RecordMedicationsDocument,
        {
          input: {
            id: t.patient.id,
            expectedVersion: 1,
            medications: [{ name: 'Amoxicillin 250 mg' }],
            overrideReason: 'Tolerated before',
          },
        },
        t.nurseToken,
      ),
    );
    const data = ok(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: 2, medications: [{ name: 'Amoxicillin 500 mg' }, { name: 'Furosemide' }] } },
        t.nurseToken,
      ),
    ).updatePatient;
    expect(data.version).toBe(3);
    expect((await writeAudits(t.patient.id)).at(-1)!.overrideReason).toBeNull();
  });

  it('checks an added medication against the allergies as the same update leaves them', async () => {
    const t = await w.team(); // Penicillin
    const error = refusal(
      await hub.gql(
        RecordMedicationsDocument,
        {
          input: {
            id: t.patient.id,
            expectedVersion: 1,
            allergies: [
              { substance: 'Penicillin', criticality: 'HIGH' },
              { substance: 'Codeine', criticality: 'UNABLE_TO_ASSESS' },
            ],
            medications: [{ name: 'Co-codamol 30/500' }],
          },
        },
        t.nurseToken,
      ),
    );
    expect(error.extensions).toMatchObject({
      allergy: 'Codeine',
      medication: 'Co-codamol 30/500',
      criticality: 'UNABLE_TO_ASSESS',
      match: 'SAME_SUBSTANCE',
    });
    expect(error.extensions.drugClass).toBeNull();
  });
});

describe('updatePatient: adding an allergy', () => {
  it('is accepted when a conflicting medication is already recorded; the event warns and the record lists the conflict', async () => {
    const t = await teamWithAllergies([]);
    ok(
      await hub.gql(
        RecordMedicationsDocument,
        { input: { id: t.patient.id, expectedVersion: t.version, medications: [{ name: 'Ibuprofen', dose: '400 mg' }] } },
        t.nurseToken,
      ),
    );
    const data = ok(
      await hub.gql(
        RecordMedicationsDocument,
        {
          input: {
            id: t.patient.id,
            expectedVersion: t.version + 1,
            allergies: [{ substance: 'Aspirin', reaction: 'Urticaria', criticality: 'LOW' }],
          },
        },
        t.nurseToken,
      ),
    ).updatePatient;
    expect(data.allergies).toEqual([{ substance: 'Aspirin', criticality: 'LOW' }]);
    expect(data.medicationConflicts).toEqual([
      expect.objectContaining({
        allergy: 'Aspirin',
        medication: 'Ibuprofen',
        criticality: 'LOW',
        match: 'SAME_CLASS',
        drugClass: 'NSAIDs',
      }),
    ]);
    const event = (await storedEvents(t.patient.id)).at(-1)!;
    expect(event.summary).toContain('review: "Ibuprofen" conflicts with the allergy to "Aspirin" (LOW)');
    expect(event.changes!.medicationConflicts).toEqual({
      from: [],
      to: [expect.objectContaining({ allergy: 'Aspirin', medication: 'Ibuprofen' })],
    });

    const chart = ok(await hub.gql(ChartConflictsDocument, { id: t.patient.id }, t.ownerToken)).patient!;
    expect(chart.medicationConflicts).toHaveLength(1);
  });

  it('keeps medicationConflicts clinical: an ADMIN off the team gets FORBIDDEN', async () => {
    const t = await w.team();
    expect(refusal(await hub.gql(ChartConflictsDocument, { id: t.patient.id }, await w.adminToken())).code).toBe('FORBIDDEN');
  });
});

describe('createPatient with allergies and medications', () => {
  it('fails with SAFETY_CONFLICT and registers nothing when a medication conflicts with an allergy given', async () => {
    const mrn = `SAFE-${Date.now()}`;
    const input = {
      organizationId: w.org.id,
      mrn,
      name: 'Safety Patient',
      birthDate: '1950-01-01',
      allergies: [{ substance: 'Penicillin', criticality: 'HIGH' as const }],
      medications: [{ name: 'Metformin' }, { name: 'Co-amoxiclav 625 mg' }],
    };
    const error = refusal(await hub.gql(RegisterPatientWithRecordDocument, { input }, await w.adminToken()));
    expect(error).toMatchObject({
      code: 'SAFETY_CONFLICT',
      extensions: { field: 'medications.1.name', medication: 'Co-amoxiclav 625 mg', ingredient: 'amoxicillin', drugClass: 'penicillins' },
    });
    const [{ n }] = await hub.orm.em
      .getConnection()
      .execute<{ n: number }[]>('select count(*)::int as n from patient where mrn = ?', [mrn]);
    expect(n).toBe(0);

    const created = ok(
      await hub.gql(
        RegisterPatientWithRecordDocument,
        { input: { ...input, overrideReason: 'Imported from the GP record as is' } },
        await w.adminToken(),
      ),
    ).createPatient;
    const [event] = await storedEvents(created.id);
    expect(event).toMatchObject({ type: 'PATIENT_CREATED', summary: expect.stringContaining('Imported from the GP record as is') });
    expect(event.changes!.safetyOverride).toMatchObject({ from: null, to: { reason: 'Imported from the GP record as is' } });
    expect((await writeAudits(created.id))[0].overrideReason).toBe('Imported from the GP record as is');
  });
});

describe('createTask: a MEDICATION task naming a drug', () => {
  it('fails with SAFETY_CONFLICT on `medication` when the drug conflicts with an allergy, and creates nothing', async () => {
    const t = await w.team(); // Penicillin, HIGH
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const error = refusal(
      await hub.gql(
        OrderMedicationTaskDocument,
        { input: { carePlanId: t.plan.id, title: 'Start antibiotics', kind: 'MEDICATION', medication: 'Amoxicillin 500 mg TDS' } },
        t.nurseToken,
      ),
    );
    expect(error).toMatchObject({
      code: 'SAFETY_CONFLICT',
      extensions: {
        field: 'medication',
        allergy: 'Penicillin',
        medication: 'Amoxicillin 500 mg TDS',
        criticality: 'HIGH',
        match: 'SAME_CLASS',
      },
    });
    await unchanged();
    const [{ n }] = await hub.orm.em
      .getConnection()
      .execute<{ n: number }[]>('select count(*)::int as n from task where patient_id = ?', [t.patient.id]);
    expect(n).toBe(0);
  });

  it('is created with overrideReason, and the event and the audit trail record the override', async () => {
    const t = await w.team();
    const reason = 'Graded challenge ordered by allergist';
    const task = ok(
      await hub.gql(
        OrderMedicationTaskDocument,
        {
          input: {
            carePlanId: t.plan.id,
            title: 'Amoxicillin challenge',
            kind: 'MEDICATION',
            medication: 'Amoxicillin 250 mg',
            overrideReason: reason,
          },
        },
        t.nurseToken,
      ),
    ).createTask;
    expect(task).toMatchObject({ kind: 'MEDICATION', medication: 'Amoxicillin 250 mg', version: 1 });
    const event = (await storedEvents(t.patient.id)).at(-1)!;
    expect(event).toMatchObject({
      type: 'TASK_CREATED',
      summary: expect.stringContaining(`allergy check overridden (1 conflict): ${reason}`),
    });
    expect(event.changes).toMatchObject({
      medication: { from: null, to: 'Amoxicillin 250 mg' },
      safetyOverride: {
        from: null,
        to: { reason, conflicts: [expect.objectContaining({ allergy: 'Penicillin', medication: 'Amoxicillin 250 mg' })] },
      },
    });
    expect((await writeAudits(t.patient.id)).at(-1)).toMatchObject({
      operation: 'mutation OrderMedicationTask { createTask }',
      overrideReason: reason,
    });
  });

  it('is created with its medication when the drug conflicts with nothing', async () => {
    const t = await w.team();
    const task = ok(
      await hub.gql(
        OrderMedicationTaskDocument,
        { input: { carePlanId: t.plan.id, title: 'Start diuretic', kind: 'MEDICATION', medication: 'Furosemide 40 mg' } },
        t.nurseToken,
      ),
    ).createTask;
    expect(task).toMatchObject({ kind: 'MEDICATION', medication: 'Furosemide 40 mg' });
    expect((await writeAudits(t.patient.id)).at(-1)!.overrideReason).toBeNull();
  });

  it('refuses a medication on a task that is not a MEDICATION task as BAD_USER_INPUT on `medication`', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id);
    expect(
      refusal(
        await hub.gql(
          OrderMedicationTaskDocument,
          { input: { carePlanId: t.plan.id, title: 'Visit', kind: TaskKind.HOME_VISIT, medication: 'Furosemide' } },
          t.nurseToken,
        ),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'medication' } });
    await unchanged();
  });
});
