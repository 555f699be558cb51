import type { Resource } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { access } from '../auth/access';
import type { Context } from '../core/context';
import type { ConnectionResult } from '../core/pagination';
import { AlertStatus, alerts, type Alert } from '../modules/alerts';
import { carePlans, type CarePlan } from '../modules/care-plans';
import { careTeam } from '../modules/care-team';
import { checkIns, type CheckIn, type Observation } from '../modules/check-ins';
import { goals } from '../modules/goals';
import { measures } from '../modules/measures';
import { organizations } from '../modules/organizations';
import { patients, type Patient } from '../modules/patients';
import { providers } from '../modules/providers';
import { taskLifecycle, tasks, type Task, type TaskStatus } from '../modules/tasks';
import { toCarePlan } from './care-plan.mapping';
import { toAllergy, toCondition, toMedication } from './clinical-record.mapping';
import { toCareTeam, toOrganization, toPractitioner, toPractitionerRole } from './care-team.mapping';
import { toFlag } from './flag.mapping';
import { toGoal } from './goal.mapping';
import { ourId } from './ids';
import { toObservation, toQuestionnaireResponse } from './observation.mapping';
import { FhirError } from './outcome';
import { toPatient } from './patient.mapping';
import { toTask } from './task.mapping';

/**
 * The export side: resources built from what the modules' services return,
 * so every read passes the same access rule and lands on the same audit
 * trail as GraphQL's (a non-member gets NOT_FOUND, an ADMIN who is not on
 * the team FORBIDDEN for clinical content).
 */

/** Every page of a connection, in order (services cap a page at 100). */
async function allPages<T>(page: (after: string | null) => Promise<ConnectionResult<T>>): Promise<T[]> {
  const all: T[] = [];
  let after: string | null = null;
  for (;;) {
    const result: ConnectionResult<T> = await page(after);
    all.push(...result.edges.map((e) => e.node));
    if (!result.pageInfo.hasNextPage) return all;
    after = result.pageInfo.endCursor;
  }
}

const PAGE = 100;
const ALL_ALERTS = Object.values(AlertStatus);

/** A task as FHIR shows it: with its notes. */
async function taskResource(ctx: Context, task: Task) {
  const notes = await allPages((after) => tasks.notes(ctx, task, { first: PAGE, after }));
  return toTask(task, notes, taskLifecycle.isFinal(task.status));
}

/** A plan as FHIR shows it, with its goals and tasks (which the caller gets too). */
async function planResources(ctx: Context, plan: CarePlan, patient: Patient) {
  const [planGoals, planTasks] = await Promise.all([
    goals.ofPlan(ctx, plan.id, patient.id),
    allPages((after) => tasks.ofPlan(ctx, plan.id, patient.id, { first: PAGE, after })),
  ]);
  return {
    plan: toCarePlan(plan, { patient, goals: planGoals, tasks: planTasks }),
    goals: planGoals.map(toGoal),
    tasks: await Promise.all(planTasks.map((task) => taskResource(ctx, task))),
  };
}

/** An observation, and its QuestionnaireResponse for PHQ-9 and GAD-7. */
async function observationResources(ctx: Context, observation: Observation, checkIn: CheckIn): Promise<Resource[]> {
  const measure = await measures.get(ctx, observation.measureCode, 'measure');
  const answers = toQuestionnaireResponse(observation, checkIn);
  return [toObservation(observation, checkIn, measure), ...(answers ? [answers] : [])];
}

/**
 * `Patient/{id}/$everything`: the patient, the organization, the care team
 * (ended memberships too), every practitioner it references with their
 * roles, the record's allergies, conditions and medications, every care
 * plan with its goals and tasks, every check-in's observations (and
 * questionnaire answers), every alert. Clinical: care-team members only.
 */
export async function everything(ctx: Context, patientId: string): Promise<Resource[]> {
  const patient = await patients.get(ctx, patientId);
  const [plans, members, checkInList, alertList, organization] = await Promise.all([
    carePlans.ofPatient(ctx, patient.id), // clinical: asserts membership first
    careTeam.ofPatient(ctx, patient.id, true),
    allPages((after) => checkIns.ofPatient(ctx, patient.id, { first: PAGE, after })),
    allPages<Alert>((after) => alerts.ofPatient(ctx, patient.id, { first: PAGE, after, status: ALL_ALERTS })),
    organizations.get(ctx, patient.organization.id),
  ]);
  const planParts = await Promise.all(plans.map((plan) => planResources(ctx, plan, patient)));
  const observations = (
    await Promise.all(
      checkInList.map(async (checkIn) =>
        (await Promise.all((await checkIns.observationsOf(ctx, checkIn)).map((o) => observationResources(ctx, o, checkIn)))).flat(),
      ),
    )
  ).flat();

  // Every practitioner a resource points to: team members, owners, assignees, requesters, note authors, recorders.
  const practitionerIds = new Set<string>(members.map((m) => m.provider.id));
  for (const plan of plans) practitionerIds.add(plan.owner.id);
  for (const resource of [...planParts.flatMap((p) => p.tasks), ...observations]) {
    JSON.stringify(resource, (_key, value) => {
      const id = typeof value === 'string' ? /^Practitioner\/(.+)$/.exec(value)?.[1] : undefined;
      const our = id ? ourId(id, 'Provider') : null;
      if (our) practitionerIds.add(our);
      return value;
    });
  }
  const practitioners = await Promise.all([...practitionerIds].map((id) => providers.load(ctx, id)));

  return [
    toPatient(patient, { clinical: true }),
    toOrganization(organization),
    toCareTeam(patient, members),
    ...practitioners.flatMap((p) => [toPractitioner(p), toPractitionerRole(p)]),
    ...patient.allergies.map((a) => toAllergy(patient, a)),
    ...patient.conditions.map((c) => toCondition(patient, c)),
    ...patient.medications.map((m) => toMedication(patient, m)),
    ...planParts.flatMap((p) => [p.plan, ...p.goals, ...p.tasks]),
    ...observations,
    ...alertList.map(toFlag),
  ];
}

/** `CarePlan?patient=`: the patient's plans (clinical: care-team members only). */
export async function carePlansOf(ctx: Context, patientId: string): Promise<Resource[]> {
  const patient = await patients.get(ctx, patientId);
  const plans = await carePlans.ofPatient(ctx, patient.id);
  return (await Promise.all(plans.map((plan) => planResources(ctx, plan, patient)))).map((p) => p.plan);
}

/**
 * `Task?owner=&status=`: the tasks assigned to a practitioner, of the
 * caller's patients only (the team worklist's rule: a provider's view;
 * ADMIN is FORBIDDEN, as with teamTasks).
 */
export async function tasksOwnedBy(ctx: Context, ownerId: string, statuses: TaskStatus[] | null): Promise<Resource[]> {
  const list = await allPages((after) =>
    tasks.team(ctx, { first: PAGE, after, filter: { assigneeIds: [ownerId], ...(statuses ? { status: statuses } : {}) } }),
  );
  return Promise.all(list.map((task) => taskResource(ctx, task)));
}

/** What a FHIR id names among our records of `ourType`, or 404 (a malformed id names nothing). */
function idOf(fhir: string, ourType: string, resourceType: string): string {
  const id = ourId(fhir, ourType);
  if (!id) throw new FhirError(404, 'not-found', `${resourceType}/${fhir} not found`);
  return id;
}

/** The readers of `GET /{type}/{id}`, by resource type: each goes through the owning module's service. */
export const READERS: Record<string, (ctx: Context, fhir: string) => Promise<Resource>> = {
  async Patient(ctx, fhir) {
    const patient = await patients.get(ctx, idOf(fhir, 'Patient', 'Patient'));
    // The support network is clinical: shown to the care team, not to an ADMIN who manages the record.
    return toPatient(patient, { clinical: await access.isMember(ctx, patient.id) });
  },
  async Organization(ctx, fhir) {
    return toOrganization(await organizations.get(ctx, idOf(fhir, 'Organization', 'Organization')));
  },
  async Practitioner(ctx, fhir) {
    return toPractitioner(await providers.load(ctx, idOf(fhir, 'Provider', 'Practitioner')));
  },
  async PractitionerRole(ctx, fhir) {
    return toPractitionerRole(await providers.load(ctx, idOf(fhir, 'Provider', 'PractitionerRole')));
  },
  async CareTeam(ctx, fhir) {
    const patient = await patients.get(ctx, idOf(fhir, 'Patient', 'CareTeam'));
    return toCareTeam(patient, await careTeam.ofPatient(ctx, patient.id, true));
  },
  async AllergyIntolerance(ctx, fhir) {
    const { patient, item } = await patients.withListItem(ctx, 'allergies', idOf(fhir, 'Allergy', 'AllergyIntolerance'));
    return toAllergy(patient, item);
  },
  async Condition(ctx, fhir) {
    const { patient, item } = await patients.withListItem(ctx, 'conditions', idOf(fhir, 'Condition', 'Condition'));
    return toCondition(patient, item);
  },
  async MedicationStatement(ctx, fhir) {
    const { patient, item } = await patients.withListItem(ctx, 'medications', idOf(fhir, 'Medication', 'MedicationStatement'));
    return toMedication(patient, item);
  },
  async CarePlan(ctx, fhir) {
    const plan = await carePlans.get(ctx, idOf(fhir, 'CarePlan', 'CarePlan'));
    const patient = await patients.get(ctx, plan.patient.id);
    return (await planResources(ctx, plan, patient)).plan;
  },
  async Goal(ctx, fhir) {
    return toGoal(await goals.get(ctx, idOf(fhir, 'Goal', 'Goal')));
  },
  async Task(ctx, fhir) {
    return taskResource(ctx, await tasks.get(ctx, idOf(fhir, 'Task', 'Task')));
  },
  async Observation(ctx, fhir) {
    const observation = await checkIns.getObservation(ctx, idOf(fhir, 'Observation', 'Observation'));
    return (await observationResources(ctx, observation, await checkIns.get(ctx, observation.checkIn.id)))[0];
  },
  async QuestionnaireResponse(ctx, fhir) {
    const observation = await checkIns.getObservation(ctx, idOf(fhir, 'Observation', 'QuestionnaireResponse'));
    const answers = toQuestionnaireResponse(observation, await checkIns.get(ctx, observation.checkIn.id));
    if (!answers) throw new FhirError(404, 'not-found', `QuestionnaireResponse/${fhir} not found`);
    return answers;
  },
  async Flag(ctx, fhir) {
    return toFlag(await alerts.get(ctx, idOf(fhir, 'Alert', 'Flag')));
  },
};
