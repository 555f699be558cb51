import type { Goal as FhirGoal } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { GoalStatus, type Goal } from '../modules/goals';
import { fhirId, ref } from './ids';
import type { Element } from './input';

/** Goal.lifecycleStatus (value set goal-status). */
export const GOAL_STATUS: Record<GoalStatus, 'proposed' | 'active' | 'completed' | 'cancelled'> = {
  PROPOSED: 'proposed',
  ACTIVE: 'active',
  ACHIEVED: 'completed',
  CANCELLED: 'cancelled',
};
/** lifecycleStatus codes of other systems, as ours (goal-status has more states than our lifecycle). */
const FROM_STATUS: Record<string, GoalStatus> = {
  proposed: GoalStatus.PROPOSED,
  planned: GoalStatus.PROPOSED,
  accepted: GoalStatus.ACTIVE,
  active: GoalStatus.ACTIVE,
  'on-hold': GoalStatus.ACTIVE,
  completed: GoalStatus.ACHIEVED,
  cancelled: GoalStatus.CANCELLED,
  rejected: GoalStatus.CANCELLED,
};
const ACHIEVEMENT = 'http://terminology.hl7.org/CodeSystem/goal-achievement';

/** Goal: lifecycle status (an achieved goal also says so in achievementStatus), description, target with its due date. */
export function toGoal(goal: Goal): FhirGoal {
  const target = {
    ...(goal.target ? { detailString: goal.target } : {}),
    ...(goal.dueDate ? { dueDate: goal.dueDate } : {}),
  };
  return {
    resourceType: 'Goal',
    id: fhirId(goal.id),
    meta: { versionId: String(goal.version), lastUpdated: goal.updatedAt.toISOString() },
    lifecycleStatus: GOAL_STATUS[goal.status],
    ...(goal.status === GoalStatus.ACHIEVED ? { achievementStatus: { coding: [{ system: ACHIEVEMENT, code: 'achieved' }] } } : {}),
    description: { text: goal.description },
    subject: ref('Patient', goal.patient.id),
    ...(Object.keys(target).length ? { target: [target] } : {}),
  };
}

export function fromGoal(resource: Element) {
  const target = resource.get('target').first();
  return {
    status: resource.get('lifecycleStatus').code(FROM_STATUS),
    description: resource.get('description').required(resource.get('description').conceptText(1000), 'Goal.description'),
    target: target.get('detailString').optionalString(500),
    dueDate: target.get('dueDate').optionalDate(),
  };
}
