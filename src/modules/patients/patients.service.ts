import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { whereActiveMember } from '../../auth/membership';
import { byIdLoader, readOnlyEntity } from '../../core/batch';
import { changedValues, createdValues, diffChanges, type Changes } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { toConnection, toPage } from '../../core/pagination';
import { writeNewPatient, writePatient } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { medicationSafety, overrideChanges, overrideSummary, type MedicationConflict, type MedicationToCheck } from '../medication-safety';
import { organizations } from '../organizations';
import { providers } from '../providers';
import type { Medication } from './patient.embeddables';
import { Patient } from './patient.entity';
import type { CreatePatientInput, PatientsArgs, UpdatePatientInput } from './patient.types';

/** Events of the patient record itself. */
export const PatientEvent = defineEventTypes({
  PATIENT_CREATED: 'A patient was registered.',
  PATIENT_UPDATED: 'The patient record (allergies, medications, preferences …) changed.',
});

export function patientLoaders(em: EntityManager) {
  return { patientById: byIdLoader(em, Patient) };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof patientLoaders> {}
}

const EARLIEST_BIRTH_DATE = '1900-01-01';

/** `YYYY-MM-DD` of a parsed `Date` scalar, refusing dates no living patient can have. */
export function toBirthDate(value: Date, field: string): string {
  const date = value.toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  if (date < EARLIEST_BIRTH_DATE || date > today) {
    throw badInput(field, `${field} must be between ${EARLIEST_BIRTH_DATE} and today`);
  }
  return date;
}

function recordFields(input: CreatePatientInput | UpdatePatientInput): Partial<Patient> {
  const fields: Partial<Patient> = {};
  if (input.preferredLanguage !== undefined) fields.preferredLanguage = input.preferredLanguage?.trim() || null;
  if (input.history !== undefined) fields.history = input.history ?? null;
  if (input.preferences != null) fields.preferences = input.preferences.map((p) => p.trim()).filter(Boolean);
  if (input.personalGoals != null) fields.personalGoals = input.personalGoals.map((p) => p.trim()).filter(Boolean);
  if (input.supportNetwork != null)
    fields.supportNetwork = input.supportNetwork.map((c) => ({ ...c, phone: c.phone ?? null, email: c.email ?? null }));
  if (input.allergies != null) fields.allergies = input.allergies.map((a) => ({ ...a, reaction: a.reaction ?? null }));
  if (input.conditions != null) fields.conditions = input.conditions.map((c) => ({ ...c, code: c.code ?? null, since: c.since ?? null }));
  if (input.medications != null)
    fields.medications = input.medications.map((m) => ({ ...m, dose: m.dose ?? null, frequency: m.frequency ?? null }));
  return fields;
}

/** The medications of `after` that `before` does not hold (by drug, not dose), with the input field that names each. */
function addedMedications(before: readonly Medication[], after: readonly Medication[]): MedicationToCheck[] {
  return after
    .map((m, i) => ({ name: m.name, field: `medications.${i}.name` }))
    .filter((m) => !before.some((b) => medicationSafety.isSameMedication(b.name, m.name)));
}

function conflictsOf(record: { allergies: readonly { substance: string; criticality: string }[]; medications: readonly Medication[] }) {
  return medicationSafety.conflicts(
    record.allergies,
    record.medications.map((m) => m.name),
  );
}

/**
 * How the record's medication conflicts changed, for the event: as a field
 * change `medicationConflicts` when they did, and a summary warning for a
 * conflict that appeared without an override (an allergy recorded while a
 * conflicting medication is already on the record: accepted, never lost, but
 * said out loud).
 */
function conflictChanges(before: MedicationConflict[], after: MedicationConflict[], overridden: MedicationConflict[]) {
  const key = (c: MedicationConflict) => JSON.stringify([c.allergy, c.medication]);
  const known = new Set([...before, ...overridden].map(key));
  const appeared = after.filter((c) => !known.has(key(c)));
  const warning = appeared.length
    ? `; review: ${appeared.map((c) => `"${c.medication}" conflicts with the allergy to "${c.allergy}" (${c.criticality})`).join(', ')}`
    : '';
  const changed = JSON.stringify(before) !== JSON.stringify(after);
  const changes: Changes = changed ? { medicationConflicts: { from: before, to: after } } : {};
  return { changes, warning };
}

export const patients = {
  /** The patient's record, for its care team (and for ADMIN, who manages it). */
  async get(ctx: Context, id: string): Promise<Patient> {
    const patient = await ctx.loaders.patientById.load(expectId('Patient', id, 'id'));
    if (!patient) throw access.refuse(ctx, id, notFound('Patient', id)); // a forged id: on the trail under that id
    await access.assertCanSeePatientRecord(ctx, patient.id);
    return patient;
  },

  /**
   * The viewer's patients (ADMIN: every patient), by name, optionally searched;
   * with `ofProviderId`, only those on whose team that provider is active too.
   */
  async list(ctx: Context, args: PatientsArgs, ofProviderId?: string) {
    const page = toPage(args, ['string', 'string']); // [name, id]
    const knex = ctx.em.getKnex();
    const inner = knex('patient as p').select('p.*', knex.raw('count(*) over ()::int as "__total"'));
    if (!ctx.viewer.isAdmin) whereActiveMember(knex, inner, 'p.id', ctx.viewer.providerId ?? '');
    if (ofProviderId) whereActiveMember(knex, inner, 'p.id', ofProviderId, 'o');
    const search = args.search?.trim();
    if (search) {
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      inner.where((q) => q.whereILike('p.name', pattern).orWhere('p.mrn', search));
    }
    const query = knex
      .select('*')
      .from(inner.as('x'))
      .orderBy([{ column: 'name' }, { column: 'id' }])
      .limit(page.first + 1);
    if (page.after) query.whereRaw('("name", "id") > (?, ?)', page.after as string[]);

    const rows = await ctx.em.execute<Record<string, unknown>[]>(query);
    const totalCount = rows.length ? Number(rows[0].__total) : await patients.count(ctx, inner.clone());
    const list = rows.map(({ __total, ...columns }) => readOnlyEntity(ctx.em, Patient, columns));
    for (const patient of list) {
      ctx.loaders.patientById.prime(patient.id, patient);
      if (!ctx.viewer.isAdmin) ctx.loaders.viewerIsMember.prime(patient.id, true);
      ctx.audit.read(patient.id);
    }
    return toConnection(list, page.first, totalCount, (p) => [p.name, p.id]);
  },

  /** Total for a page past the last row: the same filter, counted. */
  async count(ctx: Context, filtered: ReturnType<ReturnType<EntityManager['getKnex']>>): Promise<number> {
    const [row] = await ctx.em.execute<{ n: number }[]>(
      ctx.em.getKnex().count({ n: '*' }).from(filtered.clearSelect().select('p.id').as('c')),
    );
    return Number(row?.n ?? 0);
  },

  async create(ctx: Context, input: CreatePatientInput): Promise<Patient> {
    access.assertAdmin(ctx);
    const org = await organizations.get(ctx, expectId('Organization', input.organizationId, 'organizationId'));
    const mrn = input.mrn.trim();
    if (await ctx.em.count(Patient, { organization: org.id, mrn })) {
      throw badInput('mrn', 'A patient with this MRN already exists in the organization');
    }
    const fields = { mrn, name: input.name.trim(), birthDate: toBirthDate(input.birthDate, 'birthDate'), ...recordFields(input) };
    const patient = ctx.em.create(Patient, {
      organization: org.id, // loaded read-only: refer to it by id
      ...fields,
    });
    try {
      return await writeNewPatient(ctx, patient, async (write) => {
        // Every medication of a new record is new: each conflict is refused or overridden here.
        const override = medicationSafety.guard(write, {
          allergies: patient.allergies,
          medications: addedMedications([], patient.medications),
          overrideReason: input.overrideReason,
        });
        write.event({
          type: PatientEvent.PATIENT_CREATED,
          summary: `Patient record created (MRN ${mrn})${overrideSummary(override)}`,
          changes: { ...createdValues(fields), ...overrideChanges(override) },
        });
        return patient;
      });
    } catch (err) {
      // The check above cannot see a concurrent registration of the same MRN; the unique index can.
      if (err instanceof UniqueConstraintViolationException)
        throw badInput('mrn', 'A patient with this MRN already exists in the organization');
      throw err;
    }
  },

  /** The record's medications that conflict with its allergies (the safety check's view), most serious first. */
  medicationConflicts(patient: Patient): MedicationConflict[] {
    return conflictsOf(patient);
  },

  /**
   * Team members keep the record current: allergies, medications, preferences …
   * A medication added that conflicts with an allergy is SAFETY_CONFLICT
   * unless overridden; an allergy added that conflicts with a medication
   * already recorded is accepted, and the event says so.
   */
  async update(ctx: Context, input: UpdatePatientInput): Promise<Patient> {
    const id = expectId('Patient', input.id, 'id');
    await access.assertMember(ctx, id);
    return writePatient(ctx, id, async (write) => {
      const patient = await write.em.findOneOrFail(Patient, id, { refresh: true });
      assertVersion(patient, input.expectedVersion, 'Patient');
      const fields = recordFields(input);
      if (input.name != null) fields.name = input.name.trim();
      const changes = diffChanges(patient, fields);
      if (!Object.keys(changes).length) return patient;
      // The record as it will be: a medication added is checked against the allergies it will have.
      const after = { allergies: fields.allergies ?? patient.allergies, medications: fields.medications ?? patient.medications };
      const override = medicationSafety.guard(write, {
        allergies: after.allergies,
        medications: addedMedications(patient.medications, after.medications),
        overrideReason: input.overrideReason,
      });
      const conflicts = conflictChanges(conflictsOf(patient), conflictsOf(after), override?.conflicts ?? []);
      // em.assign, not plain assignment: embedded lists (allergies …) become embeddable instances.
      write.em.assign(patient, changedValues<Patient>(changes));
      const name = await providers.names(write.em, [ctx.viewer.providerId]);
      write.event({
        type: PatientEvent.PATIENT_UPDATED,
        summary: `${name(ctx.viewer.providerId)} updated the patient record: ${Object.keys(changes).join(', ')}${overrideSummary(override)}${conflicts.warning}`,
        changes: { ...changes, ...overrideChanges(override), ...conflicts.changes },
      });
      return patient;
    });
  },
};
