import { access } from '../../auth/access';
import type { Changes } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, notFound } from '../../core/errors';
import { expectId, type IdType } from '../../core/ids';
import { writePatient } from '../../core/patient-write';
import { providers } from '../providers';
import { PatientEvent } from './patient-events';
import { guardRecordEdit } from './patient-safety';
import { AllergyId, ConditionId, MedicationId, SupportContactId } from './patient.embeddables';
import { Patient } from './patient.entity';
import type { ItemEditInput, ListEditInput } from './patient-lists.types';

/** The record's lists that are edited item by item. */
export type ListField = 'allergies' | 'conditions' | 'medications' | 'supportNetwork';
type Item<F extends ListField> = Patient[F][number];

interface ListSpec {
  /** Its item ids' type (`Allergy`, "alg_…"). */
  id: IdType;
  /** How a summary names one item. */
  noun: string;
  /** The item's fields besides `id`, in the order the item type declares them; an input's missing optional field is stored as null. */
  keys: readonly string[];
}

/** The one description of each list that add, update, remove and updatePatient's whole-list replacement share. */
export const LISTS: Record<ListField, ListSpec> = {
  allergies: { id: AllergyId, noun: 'an allergy', keys: ['substance', 'reaction', 'criticality'] },
  conditions: { id: ConditionId, noun: 'a condition', keys: ['name', 'code', 'since'] },
  medications: { id: MedicationId, noun: 'a medication', keys: ['name', 'dose', 'frequency'] },
  supportNetwork: { id: SupportContactId, noun: 'a support contact', keys: ['name', 'relationship', 'phone', 'email', 'isCaregiver'] },
};
export const LIST_FIELDS = Object.keys(LISTS) as ListField[];

/** An item's values (no id) from an input, in the item type's order. */
function valuesOf(field: ListField, input: object): Record<string, unknown> {
  const source = input as Record<string, unknown>;
  return Object.fromEntries(LISTS[field].keys.map((key) => [key, source[key] ?? null]));
}

const sameValues = (field: ListField, a: object, b: object) => JSON.stringify(valuesOf(field, a)) === JSON.stringify(valuesOf(field, b));

/**
 * A whole list as updatePatient and createPatient replace it: each item sent
 * with the same values as a stored one keeps that one's id (so re-sending a
 * list unchanged changes nothing); any other item gets a new id.
 */
export function withItemIds<F extends ListField>(field: F, stored: readonly Item<F>[], inputs: readonly object[]): Item<F>[] {
  const free = [...stored];
  return inputs.map((input) => {
    const index = free.findIndex((item) => sameValues(field, item, input));
    const [kept] = index >= 0 ? free.splice(index, 1) : [];
    return { id: kept?.id ?? LISTS[field].id.create(), ...valuesOf(field, input) } as Item<F>;
  });
}

/**
 * Whole-list changes as events showed them before items had ids (values
 * only), so updatePatient's and createPatient's events keep their form
 * (docs/contract.md, "Revision history").
 */
export function withoutItemIds(changes: Changes): Changes {
  const strip = (list: unknown) => (Array.isArray(list) ? list.map(({ id: _id, ...values }: { id?: string }) => values) : list);
  return Object.fromEntries(
    Object.entries(changes).map(([field, change]) =>
      field in LISTS ? [field, { from: strip(change.from), to: strip(change.to) }] : [field, change],
    ),
  );
}

type Edit = (items: readonly object[], index: number) => { items: object[]; from: object | null; to: object | null };

/**
 * One edit of one list of the record, the rule all twelve list mutations
 * share: the same access as updatePatient (an active team member), one patient
 * write, `expectedVersion` (CONFLICT), the item by id (NOT_FOUND when it is
 * not on the record), the allergy–medication check, one PATIENT_UPDATED
 * whose change is named `<list>.<itemId>` (from/to the item's values; null
 * on add/remove). An update that changes nothing writes nothing.
 */
async function editList(ctx: Context, field: ListField, input: ListEditInput & { itemId?: string }, verb: string, edit: Edit) {
  const list = LISTS[field];
  const patientId = expectId('Patient', input.patientId, 'patientId');
  const itemId = input.itemId === undefined ? null : expectId(list.id.type, input.itemId, 'itemId');
  await access.assertMember(ctx, patientId);
  return writePatient(ctx, patientId, async (write) => {
    const patient = await write.em.findOneOrFail(Patient, patientId, { refresh: true });
    assertVersion(patient, input.expectedVersion, 'Patient');
    const items = patient[field] as readonly { id: string }[];
    const index = itemId === null ? -1 : items.findIndex((item) => item.id === itemId);
    if (itemId !== null && index < 0) throw notFound(list.id.type, itemId);
    const { items: after, from, to } = edit(items, index);
    if (from && to && sameValues(field, from, to)) return patient;
    const changed = ((to ?? from) as { id: string }).id;
    const values = (item: object | null) => (item ? valuesOf(field, item) : null);
    const record = { allergies: patient.allergies, medications: patient.medications, [field]: after } as Pick<
      Patient,
      'allergies' | 'medications'
    >;
    // updatePatient's rule: only an item edit's own medication is named, by its input field.
    const safety = guardRecordEdit(write, patient, record, { overrideReason: input.overrideReason, fieldOf: () => 'name' });
    // em.assign, not plain assignment: the items become embeddable instances.
    write.em.assign(patient, { [field]: after } as Partial<Patient>);
    const name = await providers.names(write.em, [ctx.viewer.providerId]);
    write.event({
      type: PatientEvent.PATIENT_UPDATED,
      summary: `${name(ctx.viewer.providerId)} ${verb} ${list.noun} of the patient record${safety.summary}`,
      changes: { [`${field}.${changed}`]: { from: values(from), to: values(to) }, ...safety.changes },
    });
    return patient;
  });
}

/** Add, update and remove of one list of the record. */
function listEdits(field: ListField) {
  return {
    add: (ctx: Context, input: ListEditInput) =>
      editList(ctx, field, input, 'added', (items) => {
        const item = { id: LISTS[field].id.create(), ...valuesOf(field, input) };
        return { items: [...items, item], from: null, to: item };
      }),
    update: (ctx: Context, input: ItemEditInput) =>
      editList(ctx, field, input, 'updated', (items, index) => {
        const item = { id: input.itemId, ...valuesOf(field, input) };
        return { items: items.map((old, i) => (i === index ? item : old)), from: items[index], to: item };
      }),
    remove: (ctx: Context, input: ItemEditInput) =>
      editList(ctx, field, input, 'removed', (items, index) => ({
        items: items.filter((_, i) => i !== index),
        from: items[index],
        to: null,
      })),
  };
}

/** Item-by-item edits of the record's lists (docs/contract.md, "Editing the record's lists"). */
export const patientLists = {
  allergies: listEdits('allergies'),
  conditions: listEdits('conditions'),
  medications: listEdits('medications'),
  supportNetwork: listEdits('supportNetwork'),
};
