import { createdValues } from '../../core/changes';
import type { PatientWrite } from '../../core/patient-write';
import { defineLifecycle } from '../../core/lifecycle';
import { defineEventTypes } from '../../events/event-types';
import type { CarePlan } from '../care-plans';
import { overrideChanges, overrideSummary, type SafetyOverride } from '../medication-safety';
import { providers } from '../providers';
import type { Appointment } from './appointments';
import { Task, TaskKind, TaskPriority, TaskStatus } from './task.entity';

/**
 * What every write of tasks shares (the one-off task, a recurring task's
 * occurrences, a task an alert raises): the lifecycle, the event types, and
 * how a task is inserted with its TASK_CREATED event.
 */

/** The FHIR Task lifecycle (docs/contract.md), enforced here and nowhere else. */
export const taskLifecycle = defineLifecycle<TaskStatus>('Task', {
  REQUESTED: [TaskStatus.ACCEPTED, TaskStatus.REJECTED, TaskStatus.CANCELLED],
  ACCEPTED: [TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED],
  IN_PROGRESS: [TaskStatus.ON_HOLD, TaskStatus.COMPLETED, TaskStatus.FAILED],
  ON_HOLD: [TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED],
  REJECTED: [],
  CANCELLED: [],
  COMPLETED: [],
  FAILED: [],
});

export const TaskEvent = defineEventTypes({
  TASK_CREATED: 'A task was created on a care plan.',
  TASK_ASSIGNED: 'A task was (re)assigned; the new assignee must accept it.',
  TASK_UNASSIGNED: 'A task lost its assignee (they left the care team) and needs a new one.',
  TASK_STATUS_CHANGED: 'A task moved along its lifecycle.',
  TASK_NOTE_ADDED: 'A note was added to a task.',
  TASK_RESCHEDULED: "An appointment's time, place or telehealth link changed.",
  APPOINTMENT_CONFIRMED: 'The patient (or a caregiver for them) confirmed an appointment.',
  APPOINTMENT_DECLINED: 'The patient (or a caregiver for them) declined an appointment; `note` holds what they said, if anything.',
  TASK_SERIES_CREATED: 'A recurring task was set up; its occurrences follow as TASK_CREATED events.',
  TASK_SERIES_COMPLETED: 'A recurring task has no more occurrences to create (its COUNT or UNTIL was reached, or its plan closed).',
  TASK_SERIES_CANCELLED: 'A recurring task was cancelled: no further occurrences.',
});

/** A new task on `plan` (re-read in the write), with its TASK_CREATED event. */
export async function insertTask(
  write: PatientWrite,
  plan: CarePlan,
  fields: {
    title: string;
    description: string | null;
    kind: TaskKind;
    priority: TaskPriority;
    assigneeId: string | null;
    requesterId: string;
    dueAt: Date | null;
    /** A MEDICATION task's drug, already checked against the allergies. */
    medication?: string | null;
    /** The allergy check the requester overrode, if any. */
    override?: SafetyOverride | null;
    /** An appointment's time, place and link, already checked (appointments.ts). */
    appointment?: Appointment | null;
    /** An occurrence of a recurring task: the series, the occurrence's time per its rule, and how to say when it is. */
    occurrence?: { seriesId: string; at: Date; local: string } | null;
    /** Where an imported task is in its lifecycle (a new one is REQUESTED), and why. */
    status?: TaskStatus;
    statusReason?: string | null;
  },
): Promise<Task> {
  const { assigneeId, requesterId, override = null, appointment = null, occurrence = null } = fields;
  const task = write.em.create(Task, {
    carePlan: plan,
    patient: plan.patient.id,
    title: fields.title,
    description: fields.description,
    kind: fields.kind,
    medication: fields.medication ?? null,
    priority: fields.priority,
    assignee: assigneeId,
    requester: requesterId,
    dueAt: fields.dueAt,
    startAt: appointment?.startAt ?? null,
    endAt: appointment?.endAt ?? null,
    location: appointment?.location ?? null,
    telehealthUrl: appointment?.telehealthUrl ?? null,
    series: occurrence?.seriesId ?? null,
    occurrenceAt: occurrence?.at ?? null,
    status: fields.status ?? TaskStatus.REQUESTED,
    statusReason: fields.statusReason ?? null,
  });
  const name = await providers.names(write.em, [requesterId, assigneeId]);
  write.event({
    type: TaskEvent.TASK_CREATED,
    summary:
      (occurrence
        ? `Recurring task "${task.title}" (${task.kind}, ${task.priority}) set up by ${name(requesterId)} is due ${occurrence.local} on care plan "${plan.title}"`
        : `${name(requesterId)} created task "${task.title}" (${task.kind}, ${task.priority}) on care plan "${plan.title}"`) +
      (assigneeId ? ` for ${name(assigneeId)}` : ', unassigned') +
      overrideSummary(override),
    subjects: [plan.id, occurrence?.seriesId, task.id],
    changes: {
      ...createdValues({
        title: task.title,
        description: task.description,
        kind: task.kind,
        medication: task.medication,
        priority: task.priority,
        status: task.status,
        statusReason: task.statusReason,
        assignee: assigneeId,
        requester: requesterId,
        dueAt: task.dueAt,
        ...(appointment ? { startAt: task.startAt, endAt: task.endAt, location: task.location, telehealthUrl: task.telehealthUrl } : {}),
        ...(occurrence ? { series: occurrence.seriesId, occurrenceAt: task.occurrenceAt } : {}),
      }),
      ...overrideChanges(override),
    },
  });
  return task;
}

/** Due times outside this window are typing mistakes, not plans. */
export const EARLIEST_DUE = new Date('2000-01-01T00:00:00Z');
export const LATEST_DUE = new Date('2101-01-01T00:00:00Z');
