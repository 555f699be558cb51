import type { Bundle, BundleEntry } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { access } from '../auth/access';
import type { Context } from '../core/context';
import { carePlans } from '../modules/care-plans';
import { careTeam } from '../modules/care-team';
import { goals } from '../modules/goals';
import { organizations } from '../modules/organizations';
import { patients, type Patient } from '../modules/patients';
import { providers, type Provider } from '../modules/providers';
import { tasks } from '../modules/tasks';
import { fromCarePlan } from './care-plan.mapping';
import { fromCareTeam } from './care-team.mapping';
import { fromAllergy, fromCondition, fromMedication } from './clinical-record.mapping';
import { fromGoal } from './goal.mapping';
import { fhirId, ourId } from './ids';
import { Element } from './input';
import { fromServiceError, invalid } from './outcome';
import { fromPatient } from './patient.mapping';
import { fromTask } from './task.mapping';

/** Resource types a transaction creates, and those it only points to (they must match what the hub has). */
const CREATED = ['Patient', 'AllergyIntolerance', 'Condition', 'MedicationStatement', 'CareTeam', 'CarePlan', 'Goal', 'Task'];
const MATCHED = ['Organization', 'Practitioner', 'PractitionerRole'];
const MAX_ENTRIES = 2000;

interface Entry {
  index: number;
  type: string;
  resource: Element;
  /** Where it is: `Bundle.entry[3].resource`. */
  path: string;
}

/** What a reference points to: an entry of the bundle, or a record the hub already has (by our id). */
type Target = { entry: Entry } | { existing: string };

/**
 * The bundle's entries, indexed for reference resolution (FHIR transaction
 * rules: a reference matches an entry's fullUrl, or `Type/id` of an entry;
 * otherwise it names a record the hub already holds).
 */
class Entries {
  readonly all: Entry[];
  private readonly byUrl = new Map<string, Entry>();

  constructor(bundle: Element) {
    if (bundle.get('resourceType').value !== 'Bundle') throw invalid('Bundle.resourceType', 'The body must be a Bundle');
    if (bundle.get('type').value !== 'transaction') throw invalid('Bundle.type', 'Bundle.type must be transaction');
    const list = bundle.get('entry').list();
    if (list.length > MAX_ENTRIES) throw invalid('Bundle.entry', `A transaction holds at most ${MAX_ENTRIES} entries`);
    this.all = list.map((element, index) => {
      const resource = element.get('resource');
      const type = resource.get('resourceType').string(64, `${resource.path}.resourceType`);
      if (!CREATED.includes(type) && !MATCHED.includes(type)) {
        throw invalid(`${resource.path}.resourceType`, `${type} cannot be imported (supported: ${[...CREATED, ...MATCHED].join(', ')})`);
      }
      const method = element.get('request').get('method');
      if (CREATED.includes(type) && method.value !== 'POST')
        throw invalid(method.path, `A ${type} is created: request.method must be POST`);
      const entry = { index, type, resource, path: resource.path };
      const fullUrl = element.get('fullUrl').optionalString(2000);
      if (fullUrl) this.byUrl.set(fullUrl, entry);
      // A relative `Type/id` finds the entry whose fullUrl ends with it, or whose resource has that id.
      const tail = fullUrl && /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(fullUrl)?.[1];
      if (tail && !this.byUrl.has(tail)) this.byUrl.set(tail, entry);
      const id = resource.get('id').optionalString(64);
      if (id) this.byUrl.set(`${type}/${id}`, entry);
      return entry;
    });
  }

  of(type: string): Entry[] {
    return this.all.filter((e) => e.type === type);
  }

  /** Resolves a Reference element to one of `types`, or refuses it naming the element. */
  resolve(reference: Element, types: string[]): Target {
    const text = reference.get('reference').string(2000, `${reference.path}.reference`);
    const where = `${reference.path}.reference`;
    const entry = this.byUrl.get(text);
    if (entry) {
      if (!types.includes(entry.type)) throw invalid(where, `${where} must point to a ${types.join(' or ')}, not a ${entry.type}`);
      return { entry };
    }
    const match = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(text);
    if (match && types.includes(match[1])) return { existing: match[2] };
    throw invalid(where, `${where} resolves to no entry of the bundle`);
  }

  /** A reference that must point to an entry of this bundle (the patient, a goal, a task). */
  entry(reference: Element, type: string): Entry {
    const target = this.resolve(reference, [type]);
    if (!('entry' in target))
      throw invalid(`${reference.path}.reference`, `${reference.path}.reference must point to the bundle's ${type}`);
    return target.entry;
  }
}

/** Turns a service's refusal inside the import into one naming the element (`fields` maps the service's field to an element path). */
async function at<T>(path: string, fields: Record<string, string>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw fromServiceError(err, (field) => (field && fields[field] ? fields[field] : path)) ?? err;
  }
}

/**
 * `POST /fhir/R4` with a transaction Bundle from another system: one
 * Patient with its AllergyIntolerance, Condition and MedicationStatement
 * resources, optionally a CareTeam, CarePlans with their Goals and Tasks.
 * Organization and Practitioners are not created: the patient's
 * managingOrganization must be an organization of the hub
 * (`Organization/{id}`), and every practitioner a provider of it, named by
 * id (`Practitioner/{id}`) or given as a Practitioner entry whose email
 * matches. Everything is checked first (an invalid element is refused with
 * its FHIRPath); then it is written as ONE patient write: the record, the
 * team, each plan, its goals and tasks, events in that order — or nothing.
 * ADMIN only, like createPatient.
 */
export async function importTransaction(ctx: Context, body: unknown): Promise<Bundle> {
  access.assertAdmin(ctx);
  const entries = new Entries(new Element(body, 'Bundle'));

  const patientEntries = entries.of('Patient');
  if (patientEntries.length !== 1) throw invalid('Bundle.entry', 'A transaction imports exactly one Patient');
  const [patientEntry] = patientEntries;
  const ofPatient = (entry: Entry, key: string) => {
    const target = entries.entry(entry.resource.get(key), 'Patient');
    if (target !== patientEntry) throw invalid(`${entry.path}.${key}.reference`, "It must point to the bundle's Patient");
  };
  const patientFields = fromPatient(patientEntry.resource);

  // The organization: the hub's, named by the patient.
  const managing = patientEntry.resource.get('managingOrganization');
  const orgTarget = entries.resolve(managing, ['Organization']);
  const orgFhirId = 'entry' in orgTarget ? orgTarget.entry.resource.get('id').optionalString(64) : orgTarget.existing;
  const orgId = orgFhirId ? ourId(orgFhirId, 'Organization') : null;
  const organization = orgId ? await organizations.get(ctx, orgId).catch(() => null) : null;
  if (!organization)
    throw invalid(`${managing.path}.reference`, 'managingOrganization must name an organization of the hub (Organization/{id})');

  /** Where each entry is in the hub once the transaction is done: created, or matched. */
  const locations = new Map<Entry, string>();
  if ('entry' in orgTarget) locations.set(orgTarget.entry, `Organization/${fhirId(organization.id)}`);

  // Practitioners: providers of that organization, by id or by the email of a Practitioner entry.
  const emails = entries.of('Practitioner').map((e) => ({ entry: e, email: practitionerEmail(e) }));
  const byEmail = new Map(
    (
      await providers.inOrganizationByEmail(
        ctx,
        organization.id,
        emails.map((e) => e.email),
      )
    ).map((p) => [p.email, p]),
  );
  const provider = async (reference: Element): Promise<Provider> => {
    const target = entries.resolve(reference, ['Practitioner']);
    const where = `${reference.path}.reference`;
    if ('entry' in target) {
      const found = byEmail.get(emails.find((e) => e.entry === target.entry)!.email);
      if (!found) throw invalid(`${target.entry.path}.telecom`, `No provider of ${organization.name} has this Practitioner's email`);
      locations.set(target.entry, `Practitioner/${fhirId(found.id)}`);
      return found;
    }
    const id = ourId(target.existing, 'Provider');
    const found = id ? await providers.load(ctx, id).catch(() => null) : null;
    if (found?.organization.id !== organization.id) throw invalid(where, `${where} is no provider of ${organization.name}`);
    return found;
  };

  // The record's lists.
  const listOf = <T>(type: string, key: string, parse: (e: Element) => T) =>
    entries.of(type).map((entry) => {
      ofPatient(entry, key);
      return { entry, value: parse(entry.resource) };
    });
  const allergies = listOf('AllergyIntolerance', 'patient', fromAllergy);
  const conditions = listOf('Condition', 'subject', fromCondition);
  const medications = listOf('MedicationStatement', 'subject', fromMedication);

  // The care team.
  const teams = entries.of('CareTeam');
  if (teams.length > 1) throw invalid(teams[1].path, 'A transaction imports at most one CareTeam');
  const members: { role: string; ended: boolean; provider: Provider; path: string }[] = [];
  for (const team of teams) {
    ofPatient(team, 'subject');
    for (const [i, participant] of fromCareTeam(team.resource).entries()) {
      members.push({
        role: participant.role,
        ended: participant.ended,
        provider: await provider(participant.member),
        path: `${team.path}.participant[${i}]`,
      });
    }
  }

  // A provider who left and came back: the ended membership first, or the return would find them still on the team.
  const first = new Map<string, number>();
  members.forEach((m, i) => first.set(m.provider.id, first.get(m.provider.id) ?? i));
  members.sort((a, b) => first.get(a.provider.id)! - first.get(b.provider.id)! || Number(b.ended) - Number(a.ended));

  // Plans, and the goals and tasks each one holds.
  const claimed = new Map<Entry, Entry>();
  const claim = (item: Entry, plan: Entry, where: string) => {
    if (claimed.has(item) && claimed.get(item) !== plan) throw invalid(where, `${item.type} is part of two CarePlans`);
    claimed.set(item, plan);
  };
  const plans: { entry: Entry; plan: ReturnType<typeof fromCarePlan>; owner: Provider }[] = [];
  for (const entry of entries.of('CarePlan')) {
    ofPatient(entry, 'subject');
    const plan = fromCarePlan(entry.resource);
    const owner = await provider(plan.author);
    plan.goals.forEach((g) => claim(entries.entry(g, 'Goal'), entry, `${g.path}.reference`));
    plan.activities.forEach((a) => claim(entries.entry(a, 'Task'), entry, `${a.path}.reference`));
    plans.push({ entry, plan, owner });
  }
  const parsedTasks: {
    entry: Entry;
    planEntry: Entry;
    task: ReturnType<typeof fromTask>;
    assigneeId: string | null;
    requesterId: string;
    notes: { authorId: string; text: string; at: Date | null }[];
  }[] = [];
  for (const entry of entries.of('Task')) {
    ofPatient(entry, 'for');
    const task = fromTask(entry.resource);
    task.basedOn.forEach((b) => claim(entry, entries.entry(b, 'CarePlan'), `${b.path}.reference`));
    const planEntry = claimed.get(entry);
    if (!planEntry)
      throw invalid(`${entry.path}.basedOn`, 'A Task must be part of a CarePlan of the bundle (basedOn or CarePlan.activity)');
    const owner = plans.find((p) => p.entry === planEntry)!.owner;
    const requester = task.requester.exists ? await provider(task.requester) : owner;
    const notes = [];
    for (const note of task.notes)
      notes.push({ authorId: (note.author.exists ? await provider(note.author) : requester).id, text: note.text, at: note.at });
    parsedTasks.push({
      entry,
      planEntry,
      task,
      assigneeId: task.owner.exists ? (await provider(task.owner)).id : null,
      requesterId: requester.id,
      notes,
    });
  }
  const parsedGoals = entries.of('Goal').map((entry) => {
    ofPatient(entry, 'subject');
    if (!claimed.has(entry)) throw invalid(entry.path, "A Goal must be one of a CarePlan's goals in the bundle");
    return { entry, planEntry: claimed.get(entry)!, goal: fromGoal(entry.resource) };
  });

  // One write: the record, the team, the plans with their goals and tasks.
  const patient: Patient = await at(
    patientEntry.path,
    {
      mrn: `${patientEntry.path}.identifier`,
      birthDate: `${patientEntry.path}.birthDate`,
      ...Object.fromEntries(medications.map((m, i) => [`medications.${i}.name`, `${m.entry.path}.medicationCodeableConcept`])),
    },
    () =>
      patients.create(
        ctx,
        {
          organizationId: organization.id,
          ...patientFields,
          allergies: allergies.map((a) => a.value),
          conditions: conditions.map((c) => c.value),
          medications: medications.map((m) => m.value),
        },
        async (inner, created) => {
          for (const member of members) {
            const membership = await at(member.path, { providerId: `${member.path}.member` }, () =>
              careTeam.add(inner, { patientId: created.id, providerId: member.provider.id, role: member.role }),
            );
            if (member.ended) await at(member.path, {}, () => careTeam.end(inner, { membershipId: membership.id }));
          }
          for (const { entry, plan, owner } of plans) {
            const stored = await at(entry.path, { ownerId: `${entry.path}.author`, status: `${entry.path}.status` }, () =>
              carePlans.importPlan(inner, { patientId: created.id, ownerId: owner.id, ...plan }),
            );
            locations.set(entry, `CarePlan/${fhirId(stored.id)}`);
            for (const { entry: goalEntry, goal } of parsedGoals.filter((g) => g.planEntry === entry)) {
              const storedGoal = await at(goalEntry.path, { dueDate: `${goalEntry.path}.target[0].dueDate` }, () =>
                goals.importGoal(inner, stored, goal),
              );
              locations.set(goalEntry, `Goal/${fhirId(storedGoal.id)}`);
            }
            for (const item of parsedTasks.filter((t) => t.planEntry === entry)) {
              const p = item.entry.path;
              const storedTask = await at(
                p,
                { assigneeId: `${p}.owner`, requesterId: `${p}.requester`, dueAt: `${p}.restriction.period.end`, medication: `${p}.input` },
                () =>
                  tasks.importTask(inner, stored, {
                    ...item.task,
                    assigneeId: item.assigneeId,
                    requesterId: item.requesterId,
                    notes: item.notes,
                  }),
              );
              locations.set(item.entry, `Task/${fhirId(storedTask.id)}`);
            }
          }
        },
      ),
  );

  locations.set(patientEntry, `Patient/${fhirId(patient.id)}`);
  teams.forEach((t) => locations.set(t, `CareTeam/${fhirId(patient.id)}`));
  allergies.forEach((a, i) => locations.set(a.entry, `AllergyIntolerance/${fhirId(patient.allergies[i].id)}`));
  conditions.forEach((c, i) => locations.set(c.entry, `Condition/${fhirId(patient.conditions[i].id)}`));
  medications.forEach((m, i) => locations.set(m.entry, `MedicationStatement/${fhirId(patient.medications[i].id)}`));
  return {
    resourceType: 'Bundle',
    type: 'transaction-response',
    entry: entries.all.map((entry): BundleEntry => {
      const location = locations.get(entry);
      const created = CREATED.includes(entry.type);
      return { response: location ? { status: created ? '201 Created' : '200 OK', location } : { status: '200 OK' } };
    }),
  };
}

/** The email a Practitioner entry is matched by. */
function practitionerEmail(entry: Entry): string {
  const telecom = entry.resource.get('telecom');
  const email = telecom.list().find((t) => t.get('system').value === 'email');
  if (!email) throw invalid(telecom.path, 'A Practitioner is matched to a provider by email: give telecom with system email');
  return email.get('value').string(320).toLowerCase();
}
