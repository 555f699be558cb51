import type { CarePlan as FhirCarePlan } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { CarePlanCategory, CarePlanStatus, type CarePlan } from '../modules/care-plans';
import type { Goal } from '../modules/goals';
import type { Patient } from '../modules/patients';
import type { Task } from '../modules/tasks';
import { fhirId, ref } from './ids';
import { concept, fhirInstant, HUB_SYSTEM, inverse, type Element } from './input';

/** CarePlan.status (value set request-status). */
export const CARE_PLAN_STATUS: Record<CarePlanStatus, 'draft' | 'active' | 'on-hold' | 'completed' | 'revoked'> = {
  DRAFT: 'draft',
  ACTIVE: 'active',
  ON_HOLD: 'on-hold',
  COMPLETED: 'completed',
  REVOKED: 'revoked',
};
/** Our plans are plans: CarePlan.intent (value set care-plan-intent) is always `plan`. */
export const CARE_PLAN_INTENT = 'plan';

const CATEGORY_DISPLAY: Record<CarePlanCategory, string> = {
  GENERAL: 'General care coordination',
  HOME_RECOVERY: 'Recovery at home',
  MENTAL_HEALTH: 'Mental health care',
  CHRONIC_CONDITION: 'Chronic condition management',
};

/**
 * CarePlan: status and intent, our category, the owner as author, the
 * patient's care team, its goals and (as activities) its tasks, the
 * record's conditions it addresses, and its warning signs as notes (one a
 * note).
 */
export function toCarePlan(plan: CarePlan, related: { patient: Patient; goals: readonly Goal[]; tasks: readonly Task[] }): FhirCarePlan {
  const { patient, goals, tasks } = related;
  return {
    resourceType: 'CarePlan',
    id: fhirId(plan.id),
    meta: { versionId: String(plan.version), lastUpdated: plan.updatedAt.toISOString() },
    status: CARE_PLAN_STATUS[plan.status],
    intent: CARE_PLAN_INTENT,
    category: [concept(HUB_SYSTEM.carePlanCategory, plan.category, CATEGORY_DISPLAY[plan.category])],
    title: plan.title,
    ...(plan.description ? { description: plan.description } : {}),
    subject: ref('Patient', patient.id),
    period: { start: fhirInstant(plan.createdAt) },
    created: fhirInstant(plan.createdAt),
    author: ref('Practitioner', plan.owner.id),
    careTeam: [ref('CareTeam', patient.id)],
    ...(patient.conditions.length ? { addresses: patient.conditions.map((c) => ref('Condition', c.id)) } : {}),
    ...(goals.length ? { goal: goals.map((g) => ref('Goal', g.id)) } : {}),
    ...(tasks.length ? { activity: tasks.map((t) => ({ reference: ref('Task', t.id) })) } : {}),
    ...(plan.warningSigns.length ? { note: plan.warningSigns.map((text) => ({ text })) } : {}),
  };
}

/** A submitted CarePlan's fields (the owner is resolved by the import from `author`). */
export function fromCarePlan(resource: Element) {
  const category = resource.get('category').first();
  const code = category.exists ? category.codeIn(HUB_SYSTEM.carePlanCategory) : null;
  if (code !== null && !Object.hasOwn(CarePlanCategory, code)) {
    category.get('coding').first().get('code').code(CarePlanCategory);
  }
  return {
    status: resource.get('status').code(inverse(CARE_PLAN_STATUS)) as CarePlanStatus,
    intent: resource.get('intent').string(20),
    category: (code as CarePlanCategory | null) ?? CarePlanCategory.GENERAL,
    title: resource.get('title').string(200, 'CarePlan.title'),
    description: resource.get('description').optionalString(10000),
    warningSigns: resource
      .get('note')
      .list()
      .map((note) => note.get('text').string(500)),
    author: resource.get('author'),
    goals: resource.get('goal').list(),
    activities: resource
      .get('activity')
      .list()
      .map((a) => a.get('reference')),
  };
}
