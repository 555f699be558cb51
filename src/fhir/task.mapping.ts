import type { Task as FhirTask, TaskInput } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { TaskKind, TaskPriority, TaskStatus, type Task, type TaskNote } from '../modules/tasks';
import { fhirId, ref } from './ids';
import { concept, fhirInstant, HUB_SYSTEM, inverse, type Element } from './input';

/** Task.status (value set task-status): our lifecycle is FHIR's, without draft, received, ready and entered-in-error. */
export const TASK_STATUS: Record<
  TaskStatus,
  'requested' | 'accepted' | 'rejected' | 'cancelled' | 'in-progress' | 'on-hold' | 'completed' | 'failed'
> = {
  REQUESTED: 'requested',
  ACCEPTED: 'accepted',
  REJECTED: 'rejected',
  CANCELLED: 'cancelled',
  IN_PROGRESS: 'in-progress',
  ON_HOLD: 'on-hold',
  COMPLETED: 'completed',
  FAILED: 'failed',
};
/** A requester asks an assignee to act: Task.intent (value set task-intent) is `order`. */
export const TASK_INTENT = 'order';
/** Task.priority (value set request-priority). */
export const TASK_PRIORITY: Record<TaskPriority, 'routine' | 'urgent' | 'asap' | 'stat'> = {
  ROUTINE: 'routine',
  URGENT: 'urgent',
  ASAP: 'asap',
  STAT: 'stat',
};
const KIND_DISPLAY: Record<TaskKind, string> = {
  MEDICATION: 'Medication',
  FOLLOW_UP: 'Follow-up',
  HOME_VISIT: 'Home visit',
  TELECONSULT: 'Teleconsultation',
  THERAPY_SESSION: 'Therapy session',
  ASSESSMENT: 'Assessment',
  EDUCATION: 'Education',
  OTHER: 'Other',
};
/** Task.input types: what the performer is given besides the title. */
const INSTRUCTIONS = 'instructions';
const MEDICATION = 'medication';

/**
 * Task: status, intent, priority, our kind as its code, the title as its
 * description, the plan it is part of (basedOn), the assignee as owner, the
 * requester, the deadline as the restriction period's end, when the final
 * action was taken (executionPeriod.end, once the task is closed), the
 * instructions and the drug as inputs, and its notes.
 */
export function toTask(task: Task, notes: readonly TaskNote[], closed: boolean): FhirTask {
  const input: TaskInput[] = [
    ...(task.description ? [{ type: { text: INSTRUCTIONS }, valueString: task.description }] : []),
    ...(task.medication ? [{ type: { text: MEDICATION }, valueString: task.medication }] : []),
  ];
  return {
    resourceType: 'Task',
    id: fhirId(task.id),
    meta: { versionId: String(task.version), lastUpdated: task.updatedAt.toISOString() },
    basedOn: [ref('CarePlan', task.carePlan.id)],
    status: TASK_STATUS[task.status],
    ...(task.statusReason ? { statusReason: { text: task.statusReason } } : {}),
    intent: TASK_INTENT,
    priority: TASK_PRIORITY[task.priority],
    code: concept(HUB_SYSTEM.taskKind, task.kind, KIND_DISPLAY[task.kind]),
    description: task.title,
    for: ref('Patient', task.patient.id),
    authoredOn: fhirInstant(task.createdAt),
    lastModified: fhirInstant(task.updatedAt),
    requester: ref('Practitioner', task.requester.id),
    ...(task.assignee ? { owner: ref('Practitioner', task.assignee.id) } : {}),
    ...(closed ? { executionPeriod: { end: fhirInstant(task.updatedAt) } } : {}),
    ...(task.dueAt ? { restriction: { period: { end: fhirInstant(task.dueAt) } } } : {}),
    ...(input.length ? { input } : {}),
    ...(notes.length
      ? { note: notes.map((n) => ({ authorReference: ref('Practitioner', n.author.id), time: fhirInstant(n.createdAt), text: n.text })) }
      : {}),
  };
}

/** A submitted Task's fields (its plan, owner, requester and note authors are references the import resolves). */
export function fromTask(resource: Element) {
  const inputs = resource.get('input').list();
  const input = (type: string, max: number) =>
    inputs
      .find((i) => i.get('type').conceptText(50)?.toLowerCase() === type)
      ?.get('valueString')
      .optionalString(max) ?? null;
  const code = resource.get('code');
  const kind = code.exists ? code.codeIn(HUB_SYSTEM.taskKind) : null;
  if (kind !== null && !Object.hasOwn(TaskKind, kind)) code.get('coding').first().get('code').code(TaskKind);
  return {
    status: resource.get('status').code(inverse(TASK_STATUS)) as TaskStatus,
    statusReason: resource.get('statusReason').conceptText(2000),
    intent: resource.get('intent').string(20),
    priority: resource.get('priority').code(inverse(TASK_PRIORITY), TaskPriority.ROUTINE),
    kind: (kind as TaskKind | null) ?? TaskKind.OTHER,
    title: resource.get('description').string(200, 'Task.description (the title)'),
    description: input(INSTRUCTIONS, 10000),
    medication: input(MEDICATION, 300),
    dueAt: resource.get('restriction').get('period').get('end').optionalDateTime(),
    basedOn: resource.get('basedOn').list(),
    owner: resource.get('owner'),
    requester: resource.get('requester'),
    notes: resource
      .get('note')
      .list()
      .map((note) => ({
        author: note.get('authorReference'),
        text: note.get('text').string(10000),
        at: note.get('time').optionalDateTime(),
      })),
  };
}
