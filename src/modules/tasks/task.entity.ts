import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { CarePlan } from '../care-plans';
import { Patient } from '../patients';
import { Provider } from '../providers';
import type { TaskSeries } from './task-series.entity';

export const TaskId = defineIdType('Task', 'tsk');
export const TaskNoteId = defineIdType('TaskNote', 'tnt');

export enum TaskKind {
  MEDICATION = 'MEDICATION',
  FOLLOW_UP = 'FOLLOW_UP',
  HOME_VISIT = 'HOME_VISIT',
  TELECONSULT = 'TELECONSULT',
  THERAPY_SESSION = 'THERAPY_SESSION',
  ASSESSMENT = 'ASSESSMENT',
  EDUCATION = 'EDUCATION',
  OTHER = 'OTHER',
}
registerEnumType(TaskKind, {
  name: 'TaskKind',
  description: 'What sort of work a task is, for icons, filters and routing.',
  valuesConfig: {
    MEDICATION: { description: 'Start, change, stop or review a medication.' },
    FOLLOW_UP: { description: 'A follow-up contact or check with the patient.' },
    HOME_VISIT: { description: "A visit at the patient's home." },
    TELECONSULT: { description: 'A video or phone consultation.' },
    THERAPY_SESSION: { description: 'A therapy session: physiotherapy, occupational, speech or psychotherapy.' },
    ASSESSMENT: { description: 'An assessment or measurement, e.g. a fall-risk or mood assessment.' },
    EDUCATION: { description: 'Teaching the patient or a caregiver, e.g. inhaler technique.' },
    OTHER: { description: 'Anything else; say what in the title.' },
  },
});

export enum TaskPriority {
  ROUTINE = 'ROUTINE',
  URGENT = 'URGENT',
  ASAP = 'ASAP',
  STAT = 'STAT',
}
registerEnumType(TaskPriority, {
  name: 'TaskPriority',
  description: 'FHIR request priority, lowest to highest.',
  valuesConfig: {
    ROUTINE: { description: 'Normal priority; the default.' },
    URGENT: { description: 'Sooner than routine.' },
    ASAP: { description: 'As soon as possible, before urgent work.' },
    STAT: { description: 'Immediately: the highest priority.' },
  },
});

export enum TaskStatus {
  REQUESTED = 'REQUESTED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
  IN_PROGRESS = 'IN_PROGRESS',
  ON_HOLD = 'ON_HOLD',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}
registerEnumType(TaskStatus, {
  name: 'TaskStatus',
  description:
    'The FHIR Task lifecycle; see transitionTask. REQUESTED → ACCEPTED | REJECTED | CANCELLED; ACCEPTED → IN_PROGRESS | CANCELLED; ' +
    'IN_PROGRESS → ON_HOLD | COMPLETED | FAILED; ON_HOLD → IN_PROGRESS | CANCELLED. Any other move is INVALID_TRANSITION.',
  valuesConfig: {
    REQUESTED: {
      description: 'Waiting for the assignee to accept or reject it (every task starts here, and returns here when reassigned).',
    },
    ACCEPTED: { description: 'The assignee agreed to do it.' },
    REJECTED: { description: 'The assignee declined it. Final.' },
    CANCELLED: { description: 'No longer needed. Final.' },
    IN_PROGRESS: { description: 'Being worked on.' },
    ON_HOLD: { description: 'Paused; may resume (IN_PROGRESS) or be cancelled.' },
    COMPLETED: { description: 'Done. Final.' },
    FAILED: { description: 'Attempted but could not be done. Final.' },
  },
});

/** The patient's answer to an appointment. */
export enum AppointmentResponse {
  CONFIRMED = 'CONFIRMED',
  DECLINED = 'DECLINED',
}
registerEnumType(AppointmentResponse, {
  name: 'AppointmentResponse',
  description: "The patient's answer to an appointment.",
  valuesConfig: {
    CONFIRMED: { description: 'The patient will come (or be there, for a home visit).' },
    DECLINED: { description: 'The patient cannot make it; the team should arrange another time.' },
  },
});

@Entity({ tableName: 'task' })
@Index({ name: 'task_care_plan_idx', properties: ['carePlan', 'createdAt', 'id'] })
@Index({ name: 'task_assignee_idx', properties: ['assignee', 'status', 'createdAt', 'id'] })
@Index({ name: 'task_assignee_start_idx', properties: ['assignee', 'startAt'] })
@Unique({ name: 'task_series_occurrence_unique', properties: ['series', 'occurrenceAt'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A shared piece of work with an assignee and a strict lifecycle.' })
@Directive('@key(fields: "id")')
export class Task extends VersionedRecord implements Node {
  [OptionalProps]?:
    | 'createdAt'
    | 'updatedAt'
    | 'status'
    | 'priority'
    | 'version'
    | 'description'
    | 'medication'
    | 'assignee'
    | 'dueAt'
    | 'statusReason'
    | 'startAt'
    | 'endAt'
    | 'location'
    | 'telehealthUrl'
    | 'patientResponse'
    | 'patientResponseAt'
    | 'series'
    | 'occurrenceAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "tsk_").' })
  id: string = TaskId.create();

  @ManyToOne(() => CarePlan, { ref: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan so access checks and patient feeds need no join. */
  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field({ description: 'Short title shown in worklists, e.g. "Wound check".' })
  title!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Details and instructions, free text; null when none.' })
  description: string | null = null;

  @Enum({ items: () => TaskKind })
  @Field(() => TaskKind, { description: 'What sort of work it is.' })
  kind!: TaskKind;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'The drug a MEDICATION task is about, as written, e.g. "Amoxicillin 500 mg"; checked against the patient\'s allergies when the task was created. Null when none was named.',
  })
  medication: string | null = null;

  @Enum({ items: () => TaskPriority })
  @Field(() => TaskPriority, { description: 'How urgent it is; ROUTINE unless the requester said otherwise.' })
  priority: TaskPriority = TaskPriority.ROUTINE;

  @Enum({ items: () => TaskStatus })
  @Field(() => TaskStatus, { description: 'Where the task is in its lifecycle; moved with transitionTask.' })
  status: TaskStatus = TaskStatus.REQUESTED;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'Why the task was last rejected, put on hold, failed or returned: the `note` of the last transitionTask that gave one; null otherwise.',
  })
  statusReason: string | null = null;

  @ManyToOne(() => Provider, { ref: true, nullable: true })
  assignee: Ref<Provider> | null = null;

  @ManyToOne(() => Provider, { ref: true })
  requester!: Ref<Provider>;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it should be done (ISO 8601 with zone); null when no deadline.' })
  dueAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      'An appointment (FOLLOW_UP, TELECONSULT, HOME_VISIT, THERAPY_SESSION): when it starts (ISO 8601 with zone); null otherwise.',
  })
  startAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'An appointment: when it ends, after `startAt`; null otherwise.' })
  endAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'An appointment: where, free text (an address, "Room 4", "patient\'s home"); null when not said.',
  })
  location: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'An appointment: the video or phone link (an https URL); null when none.' })
  telehealthUrl: string | null = null;

  @Enum({ items: () => AppointmentResponse, nullable: true })
  @Field(() => AppointmentResponse, {
    nullable: true,
    description:
      'An appointment: whether the patient (or a caregiver for them) confirmed or declined it (`respondToAppointment`); null while they have not said.',
  })
  patientResponse: AppointmentResponse | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the patient side last answered the appointment; null while they have not.' })
  patientResponseAt: Date | null = null;

  /** The recurring task this task is an occurrence of; the GraphQL field `series` checks access. */
  @ManyToOne(() => 'TaskSeries', { ref: true, nullable: true }) // task_series_occurrence_unique serves lookups by series
  series: Ref<TaskSeries> | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      "An occurrence of a recurring task: the occurrence's time per the rule (its identity in the series, like RFC 5545 RECURRENCE-ID, kept when the appointment is moved); null otherwise.",
  })
  occurrenceAt: Date | null = null;
}

/** The task kinds that are appointments: they may carry a start, end, location and telehealth link. */
export const APPOINTMENT_KINDS: ReadonlySet<TaskKind> = new Set([
  TaskKind.FOLLOW_UP,
  TaskKind.TELECONSULT,
  TaskKind.HOME_VISIT,
  TaskKind.THERAPY_SESSION,
]);

@Entity({ tableName: 'task_note' })
@Index({ name: 'task_note_task_idx', properties: ['task', 'createdAt', 'id'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A note on a task, by a team member.' })
export class TaskNote implements Node {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "tnt_").' })
  id: string = TaskNoteId.create();

  @ManyToOne(() => Task, { ref: true })
  task!: Ref<Task>;

  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Provider, { ref: true })
  author!: Ref<Provider>;

  @Property({ type: 'text' })
  @Field({ description: "The note, free text as written (a status change's reason, too)." })
  text!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was written (ISO 8601 with zone). Notes do not change.' })
  createdAt: Date = new Date();
}
