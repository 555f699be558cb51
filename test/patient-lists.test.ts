import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AddAllergyDocument,
  AddConditionDocument,
  AddMedicationDocument,
  AddSupportContactDocument,
  RecordListEventsDocument,
  RecordListsDocument,
  RemoveAllergyDocument,
  RemoveConditionDocument,
  RemoveMedicationDocument,
  RemoveSupportContactDocument,
  ReplaceRecordListsDocument,
  UpdateAllergyDocument,
  UpdateConditionDocument,
  UpdateMedicationDocument,
  UpdateSupportContactDocument,
  type RecordListsFragment,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';

let hub: TestHub;
let w: World;
let admin: string;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
  admin = await w.adminToken();
});
afterAll(() => hub.close());

type ListField = 'allergies' | 'conditions' | 'medications' | 'supportNetwork';
// The twelve documents differ only in their input type; the table sends each its own input.
type Doc = TypedDocumentNode<any, { input: any }>;
type Values = Record<string, unknown>;

/** Each list: its mutations, an item to add, new values for it, and a value its input limits refuse. */
const LISTS: {
  list: ListField;
  prefix: string;
  add: [Doc, string];
  update: [Doc, string];
  remove: [Doc, string];
  values: Values;
  changed: Values;
  bad: [string, unknown];
}[] = [
  {
    list: 'allergies',
    prefix: 'alg_',
    add: [AddAllergyDocument, 'addAllergy'],
    update: [UpdateAllergyDocument, 'updateAllergy'],
    remove: [RemoveAllergyDocument, 'removeAllergy'],
    values: { substance: 'Latex', reaction: 'Hives', criticality: 'LOW' },
    changed: { substance: 'Latex', reaction: null, criticality: 'HIGH' },
    bad: ['substance', '   '],
  },
  {
    list: 'conditions',
    prefix: 'cnd_',
    add: [AddConditionDocument, 'addCondition'],
    update: [UpdateConditionDocument, 'updateCondition'],
    remove: [RemoveConditionDocument, 'removeCondition'],
    values: { name: 'Heart failure', code: 'I50.9', since: '2019' },
    changed: { name: 'Heart failure, NYHA II', code: 'I50.9', since: '2019-03-02' },
    bad: ['code', 'x'.repeat(21)],
  },
  {
    list: 'medications',
    prefix: 'med_',
    add: [AddMedicationDocument, 'addMedication'],
    update: [UpdateMedicationDocument, 'updateMedication'],
    remove: [RemoveMedicationDocument, 'removeMedication'],
    values: { name: 'Furosemide', dose: '40 mg', frequency: 'once daily' },
    changed: { name: 'Furosemide', dose: '20 mg', frequency: null },
    bad: ['dose', 'x'.repeat(101)],
  },
  {
    list: 'supportNetwork',
    prefix: 'sup_',
    add: [AddSupportContactDocument, 'addSupportContact'],
    update: [UpdateSupportContactDocument, 'updateSupportContact'],
    remove: [RemoveSupportContactDocument, 'removeSupportContact'],
    values: { name: 'Ana Ruiz', relationship: 'daughter', phone: '+34 600 000 000', email: null, isCaregiver: true },
    changed: { name: 'Ana Ruiz', relationship: 'daughter', phone: null, email: 'ana@example.test', isCaregiver: false },
    bad: ['relationship', ''],
  },
];

/** Sends one list mutation and returns the patient it answers with. */
async function send(op: [Doc, string], input: Values, token: string | null): Promise<RecordListsFragment> {
  const data = ok(await hub.gql(op[0], { input }, token));
  return data[op[1]] as RecordListsFragment;
}

async function lastEvent(patientId: string, token: string) {
  const data = ok(await hub.gql(RecordListEventsDocument, { patientId }, token));
  return data.patientEvents.edges[0].node;
}

async function record(patientId: string, token: string): Promise<RecordListsFragment> {
  return ok(await hub.gql(RecordListsDocument, { id: patientId }, token)).patient!;
}

const allergies = LISTS[0];
const medications = LISTS[2];

describe.each(LISTS)('$list edited item by item', ({ list, prefix, add, update, remove, values, changed, bad }) => {
  it('adds an item with a new id, then updates and removes that item by its id; each edit is one new version and one PATIENT_UPDATED naming the list and the item', async () => {
    const t = await w.team();
    const before = await record(t.patient.id, t.nurseToken);

    const added = await send(add, { patientId: t.patient.id, expectedVersion: before.version, ...values }, t.nurseToken);
    expect(added.version).toBe(before.version + 1);
    expect(added[list]).toEqual([...before[list], { id: expect.stringMatching(new RegExp(`^${prefix}[0-9a-f]{32}$`)), ...values }]);
    const itemId = added[list].at(-1)!.id;
    expect(await lastEvent(t.patient.id, t.ownerToken)).toMatchObject({
      type: 'PATIENT_UPDATED',
      actor: { id: t.nurse.id },
      summary: expect.stringMatching(/ added an? [a-z ]+ of the patient record$/),
      changes: [{ field: `${list}.${itemId}`, from: null, to: values }],
    });

    const updated = await send(update, { patientId: t.patient.id, itemId, expectedVersion: added.version, ...changed }, t.ownerToken);
    expect(updated.version).toBe(added.version + 1);
    expect(updated[list]).toEqual([...before[list], { id: itemId, ...changed }]);
    expect(await lastEvent(t.patient.id, t.ownerToken)).toMatchObject({
      type: 'PATIENT_UPDATED',
      actor: { id: t.owner.id },
      changes: [{ field: `${list}.${itemId}`, from: values, to: changed }],
    });

    const removed = await send(remove, { patientId: t.patient.id, itemId, expectedVersion: updated.version }, t.nurseToken);
    expect(removed.version).toBe(updated.version + 1);
    expect(removed[list]).toEqual(before[list]);
    expect(await lastEvent(t.patient.id, t.ownerToken)).toMatchObject({
      changes: [{ field: `${list}.${itemId}`, from: changed, to: null }],
    });
    expect(await record(t.patient.id, t.nurseToken)).toEqual(removed);
  });

  it('changes nothing when an update gives the values the item already has: no new version, no event', async () => {
    const t = await w.team();
    const added = await send(add, { patientId: t.patient.id, expectedVersion: 1, ...values }, t.nurseToken);
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const itemId = added[list].at(-1)!.id;
    const same = await send(update, { patientId: t.patient.id, itemId, expectedVersion: added.version, ...values }, t.nurseToken);
    expect(same.version).toBe(added.version);
    await unchanged();
  });

  it(`refuses a bad ${bad[0]} with BAD_USER_INPUT on that field, a stale version with CONFLICT and the current version, and an unknown item with NOT_FOUND — changing nothing`, async () => {
    const t = await w.team();
    const added = await send(add, { patientId: t.patient.id, expectedVersion: 1, ...values }, t.nurseToken);
    const itemId = added[list].at(-1)!.id;
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const base = { patientId: t.patient.id, expectedVersion: added.version };

    for (const [op, input] of [
      [add, { ...base, ...values, [bad[0]]: bad[1] }],
      [update, { ...base, itemId, ...values, [bad[0]]: bad[1] }],
    ] as const) {
      expect(refusal(await hub.gql(op[0], { input }, t.nurseToken))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: bad[0] },
      });
    }
    for (const op of [update, remove]) {
      const input = { ...base, itemId, ...(op === update ? changed : {}) };
      expect(refusal(await hub.gql(op[0], { input: { ...input, expectedVersion: 1 } }, t.nurseToken))).toMatchObject({
        code: 'CONFLICT',
        extensions: { currentVersion: added.version },
      });
      const unknown = `${prefix}${'0'.repeat(28)}dead`;
      expect(refusal(await hub.gql(op[0], { input: { ...input, itemId: unknown } }, t.nurseToken))).toMatchObject({
        code: 'NOT_FOUND',
        extensions: { id: unknown },
      });
      expect(refusal(await hub.gql(op[0], { input: { ...input, itemId: t.plan.id } }, t.nurseToken))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'itemId' },
      });
    }
    expect(refusal(await hub.gql(add[0], { input: { ...base, ...values, expectedVersion: 1 } }, t.nurseToken))).toMatchObject({
      code: 'CONFLICT',
      extensions: { currentVersion: added.version },
    });
    await unchanged();
  });

  it('lets only those who may updatePatient edit: no token is UNAUTHENTICATED, a provider off the team NOT_FOUND, an ADMIN off the team FORBIDDEN, a former member NOT_FOUND', async () => {
    const t = await w.team();
    const added = await send(add, { patientId: t.patient.id, expectedVersion: 1, ...values }, t.nurseToken);
    const itemId = added[list].at(-1)!.id;
    await w.endMembership(t.nurseMembership);
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const base = { patientId: t.patient.id, expectedVersion: added.version };
    for (const [op, input] of [
      [add, { ...base, ...values }],
      [update, { ...base, itemId, ...changed }],
      [remove, { ...base, itemId }],
    ] as const) {
      expect(refusal(await hub.gql(op[0], { input }, null)).code).toBe('UNAUTHENTICATED');
      expect(refusal(await hub.gql(op[0], { input }, t.outsiderToken)).code).toBe('NOT_FOUND');
      expect(refusal(await hub.gql(op[0], { input }, admin)).code).toBe('FORBIDDEN');
      expect(refusal(await hub.gql(op[0], { input }, t.nurseToken)).code).toBe('NOT_FOUND');
    }
    await unchanged();
  });
});

describe('updatePatient and item ids', () => {
  it('keeps the id of every item updatePatient receives again unchanged and gives a new id to a changed or new one; its event shows the lists without ids, as before', async () => {
    const t = await w.team();
    const before = await record(t.patient.id, t.nurseToken);
    const penicillin = before.allergies[0];
    const replaced = ok(
      await hub.gql(
        ReplaceRecordListsDocument,
        {
          input: {
            id: t.patient.id,
            expectedVersion: before.version,
            allergies: [
              { substance: 'Latex', criticality: 'LOW' },
              { substance: 'Penicillin', reaction: 'Rash', criticality: 'HIGH' },
            ],
          },
        },
        t.nurseToken,
      ),
    ).updatePatient;
    expect(replaced.allergies).toEqual([
      { id: expect.stringMatching(/^alg_/), substance: 'Latex', reaction: null, criticality: 'LOW' },
      { ...penicillin },
    ]);
    expect(replaced.allergies[0].id).not.toBe(penicillin.id);
    expect((await lastEvent(t.patient.id, t.ownerToken)).changes).toEqual([
      {
        field: 'allergies',
        from: [{ substance: 'Penicillin', reaction: 'Rash', criticality: 'HIGH' }],
        to: [
          { substance: 'Latex', reaction: null, criticality: 'LOW' },
          { substance: 'Penicillin', reaction: 'Rash', criticality: 'HIGH' },
        ],
      },
    ]);

    // The same list again changes nothing; the ids stay usable by the item mutations.
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const again = ok(
      await hub.gql(
        ReplaceRecordListsDocument,
        { input: { id: t.patient.id, expectedVersion: replaced.version, allergies: replaced.allergies.map(({ id: _id, ...a }) => a) } },
        t.nurseToken,
      ),
    ).updatePatient;
    expect(again).toEqual(replaced);
    await unchanged();
    const removed = await send(
      allergies.remove,
      { patientId: t.patient.id, itemId: penicillin.id, expectedVersion: replaced.version },
      t.nurseToken,
    );
    expect(removed.allergies.map((a) => a.substance)).toEqual(['Latex']);
  });
});

describe('the allergy–medication safety check on item edits', () => {
  it('refuses a medication added that conflicts with a recorded allergy as SAFETY_CONFLICT on `name`, changing nothing; with overrideReason it is added and the event records the override', async () => {
    const t = await w.team(); // the factory's patient is allergic to Penicillin (HIGH)
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const input = { patientId: t.patient.id, expectedVersion: 1, name: 'Amoxicillin 500 mg' };
    expect(refusal(await hub.gql(AddMedicationDocument, { input }, t.nurseToken))).toMatchObject({
      code: 'SAFETY_CONFLICT',
      extensions: { field: 'name', allergy: 'Penicillin', medication: 'Amoxicillin 500 mg', criticality: 'HIGH', match: 'SAME_CLASS' },
    });
    await unchanged();

    const reason = 'Tolerated amoxicillin in 2023 under observation';
    const added = await send(medications.add, { ...input, overrideReason: reason }, t.nurseToken);
    expect(added.medications).toEqual([{ id: expect.stringMatching(/^med_/), name: 'Amoxicillin 500 mg', dose: null, frequency: null }]);
    expect(added.medicationConflicts).toEqual([{ allergy: 'Penicillin', medication: 'Amoxicillin 500 mg' }]);
    const event = await lastEvent(t.patient.id, t.ownerToken);
    expect(event.summary).toContain(`allergy check overridden (1 conflict): ${reason}`);
    expect(event.changes!.map((c) => c.field)).toEqual([`medications.${added.medications[0].id}`, 'safetyOverride', 'medicationConflicts']);

    // A dose change of the same drug is no new drug: no second override is needed.
    const dose = await send(
      medications.update,
      { patientId: t.patient.id, itemId: added.medications[0].id, expectedVersion: added.version, name: 'Amoxicillin 250 mg' },
      t.nurseToken,
    );
    expect(dose.medications[0]).toMatchObject({ id: added.medications[0].id, name: 'Amoxicillin 250 mg' });
  });

  it('refuses an update that turns a medication into a conflicting drug as SAFETY_CONFLICT, changing nothing', async () => {
    const t = await w.team();
    const added = await send(medications.add, { patientId: t.patient.id, expectedVersion: 1, name: 'Furosemide' }, t.nurseToken);
    const unchanged = await w.snapshot(t.patient.id, 'patient', t.patient.id);
    const input = { patientId: t.patient.id, itemId: added.medications[0].id, expectedVersion: added.version, name: 'Augmentin 625 mg' };
    expect(refusal(await hub.gql(UpdateMedicationDocument, { input }, t.nurseToken))).toMatchObject({
      code: 'SAFETY_CONFLICT',
      extensions: { field: 'name', ingredient: 'amoxicillin' },
    });
    await unchanged();
  });

  it('accepts an allergy that conflicts with a recorded medication, as updatePatient does, and says so in the event', async () => {
    const t = await w.team();
    const added = await send(medications.add, { patientId: t.patient.id, expectedVersion: 1, name: 'Ibuprofen 400 mg' }, t.nurseToken);
    const allergic = await send(
      allergies.add,
      { patientId: t.patient.id, expectedVersion: added.version, substance: 'Aspirin', criticality: 'LOW' },
      t.nurseToken,
    );
    expect(allergic.medicationConflicts).toEqual([{ allergy: 'Aspirin', medication: 'Ibuprofen 400 mg' }]);
    const event = await lastEvent(t.patient.id, t.ownerToken);
    expect(event.summary).toContain('review: "Ibuprofen 400 mg" conflicts with the allergy to "Aspirin" (LOW)');
    expect(event.changes!.map((c) => c.field)).toEqual([`allergies.${allergic.allergies[1].id}`, 'medicationConflicts']);

    // Removing the allergy clears the conflict, and the event says that too.
    const removed = await send(
      allergies.remove,
      { patientId: t.patient.id, itemId: allergic.allergies[1].id, expectedVersion: allergic.version },
      t.nurseToken,
    );
    expect(removed.medicationConflicts).toEqual([]);
    expect((await lastEvent(t.patient.id, t.ownerToken)).changes).toContainEqual(
      expect.objectContaining({ field: 'medicationConflicts', to: [] }),
    );
  });
});
