import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { whereActiveMember } from '../../auth/membership';
import { byIdLoader, readOnlyEntity } from '../../core/batch';
import { changedValues, createdValues, diffChanges } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, badInput, forbidden, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { toConnection, toPage } from '../../core/pagination';
import { writeNewPatient, writePatient } from '../../core/patient-write';
import type { MedicationConflict } from '../medication-safety';
import { organizations } from '../organizations';
import { providers } from '../providers';
import { PatientEvent } from './patient-events';
import { LIST_FIELDS, LISTS, withItemIds, withoutItemIds, type ListField } from './patient-lists.service';
import { conflictsOf, guardNewRecord, guardRecordEdit } from './patient-safety';
import { Patient } from './patient.entity';
import type { CreatePatientInput, MyPreferences, PatientsArgs, UpdateMyPreferencesInput, UpdatePatientInput } from './patient.types';

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

function recordFields(input: CreatePatientInput | UpdatePatientInput, stored?: Patient): Partial<Patient> {
  const fields: Partial<Patient> = {};
  if (input.preferredLanguage !== undefined) fields.preferredLanguage = input.preferredLanguage?.trim() || null;
  if (input.history !== undefined) fields.history = input.history ?? null;
  if (input.preferences != null) fields.preferences = input.preferences.map((p) => p.trim()).filter(Boolean);
  if (input.personalGoals != null) fields.personalGoals = input.personalGoals.map((p) => p.trim()).filter(Boolean);
  for (const field of LIST_FIELDS) {
    const list = input[field];
    if (list != null) Object.assign(fields, { [field]: withItemIds(field, stored?.[field] ?? [], list) });
  }
  return fields;
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

  /**
   * ADMIN registers a patient. `within` runs inside the same write, after
   * PATIENT_CREATED, with the write's context: a record imported whole (the
   * FHIR transaction) adds its care team, plan, goals and tasks there, so the
   * patient and everything of it commit together, events in order.
   */
  async create(ctx: Context, input: CreatePatientInput, within?: (ctx: Context, patient: Patient) => Promise<void>): Promise<Patient> {
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
        const safety = guardNewRecord(write, patient, input.overrideReason);
        write.event({
          type: PatientEvent.PATIENT_CREATED,
          summary: `Patient record created (MRN ${mrn})${safety.summary}`,
          changes: { ...withoutItemIds(createdValues(fields)), ...safety.changes },
        });
        if (within) await within(await write.context(), patient);
        return patient;
      });
    } catch (err) {
      // The check above cannot see a concurrent registration of the same MRN; the unique index can.
      if (err instanceof UniqueConstraintViolationException)
        throw badInput('mrn', 'A patient with this MRN already exists in the organization');
      throw err;
    }
  },

  /**
   * The patient whose record holds the list item `itemId` ("alg_…", "cnd_…",
   * "med_…", "sup_…") and the item, for the care team (clinical content):
   * NOT_FOUND to anyone else, as for an item that does not exist.
   */
  async withListItem<F extends ListField>(ctx: Context, field: F, itemId: string): Promise<{ patient: Patient; item: Patient[F][number] }> {
    expectId(LISTS[field].id.type, itemId, 'id');
    const column = ctx.em.getMetadata().find(Patient.name)!.properties[field].fieldNames[0];
    const rows = await ctx.em.execute<{ id: string }[]>(`select id from patient where ?? @> ?::jsonb limit 1`, [
      column,
      JSON.stringify([{ id: itemId }]),
    ]);
    if (!rows.length) throw access.refuse(ctx, null, notFound(LISTS[field].id.type, itemId));
    await access.assertClinical(ctx, rows[0].id).catch((err) => {
      throw ctx.viewer.isAdmin ? err : notFound(LISTS[field].id.type, itemId);
    });
    const patient = (await ctx.loaders.patientById.load(rows[0].id))!;
    const item = (patient[field] as Patient[F][number][]).find((i) => i.id === itemId)!;
    return { patient, item };
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
      const fields = recordFields(input, patient);
      if (input.name != null) fields.name = input.name.trim();
      const changes = diffChanges(patient, fields);
      if (!Object.keys(changes).length) return patient;
      // The record as it will be: a medication added is checked against the allergies it will have.
      const after = { allergies: fields.allergies ?? patient.allergies, medications: fields.medications ?? patient.medications };
      const safety = guardRecordEdit(write, patient, after, {
        overrideReason: input.overrideReason,
        fieldOf: (i) => `medications.${i}.name`,
      });
      // em.assign, not plain assignment: embedded lists (allergies …) become embeddable instances.
      write.em.assign(patient, changedValues<Patient>(changes));
      // A clinician's edit of the patient's own words makes them no longer the patient's.
      if ('preferences' in changes || 'personalGoals' in changes) patient.statedByPatientAt = null;
      const name = await providers.names(write.em, [ctx.viewer.providerId]);
      write.event({
        type: PatientEvent.PATIENT_UPDATED,
        summary: `${name(ctx.viewer.providerId)} updated the patient record: ${Object.keys(changes).join(', ')}${safety.summary}`,
        changes: { ...withoutItemIds(changes), ...safety.changes },
      });
      return patient;
    });
  },

  /**
   * The patient states their own preferences and personal goals (a patient
   * token only; a caregiver cannot speak for them here): one write,
   * PATIENT_UPDATED by the patient, and the record marks them as the
   * patient's own words (`statedByPatientAt`), which clinicians see.
   */
  async updateMine(ctx: Context, input: UpdateMyPreferencesInput): Promise<MyPreferences> {
    const id = access.requirePatientSide(ctx);
    if (ctx.viewer.kind !== 'PATIENT') throw forbidden('Only the patient states their own preferences');
    await access.assertActsFor(ctx, id, null);
    return writePatient(ctx, id, async (write) => {
      const patient = await write.em.findOneOrFail(Patient, id, { refresh: true });
      assertVersion(patient, input.expectedVersion, 'Patient');
      const fields = recordFields({ preferences: input.preferences, personalGoals: input.personalGoals } as UpdatePatientInput, patient);
      const changes = diffChanges(patient, fields);
      if (Object.keys(changes).length) {
        write.em.assign(patient, changedValues<Patient>(changes));
        patient.statedByPatientAt = new Date();
        write.event({
          type: PatientEvent.PATIENT_UPDATED,
          summary: `The patient stated in their own words: ${Object.keys(changes).join(', ')}`,
          changes,
        });
        await write.em.flush();
      }
      return {
        preferences: patient.preferences,
        personalGoals: patient.personalGoals,
        statedByPatientAt: patient.statedByPatientAt,
        version: patient.version,
      };
    });
  },
};
