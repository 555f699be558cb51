import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { CarePlan } from '../care-plans';
import { Patient } from '../patients';
import { Provider } from '../providers';
import { TaskKind, TaskPriority } from './task.entity';

export const TaskSeriesId = defineIdType('TaskSeries', 'tsr');

export enum TaskSeriesStatus {
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TaskSeriesStatus, {
  name: 'TaskSeriesStatus',
  description: 'Whether a recurring task still produces occurrences.',
  valuesConfig: {
    ACTIVE: { description: 'Occurrences are created ahead of time, up to the horizon.' },
    COMPLETED: {
      description:
        'Every occurrence of the rule exists as a task (COUNT or UNTIL reached), or its plan was closed; cancelTaskSeries may still cancel the upcoming ones.',
    },
    CANCELLED: { description: 'Stopped with cancelTaskSeries: no further occurrences. Final.' },
  },
});

/**
 * "Physiotherapy Mon/Wed/Fri 09:00, 12 sessions": what every occurrence of a
 * recurring task copies, and the rule that says when they are. Occurrences
 * are ordinary tasks (`Task.series`), created ahead of time by the
 * `materialize_task_series` job (docs/contract.md, "Recurring tasks").
 */
@Entity({ tableName: 'task_series' })
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description:
    'A recurring task: an RFC 5545 rule, a start and a time zone. Its occurrences are ordinary tasks, created ahead of time up to `horizonDays`.',
})
export class TaskSeries extends VersionedRecord implements Node {
  [OptionalProps]?:
    | 'createdAt'
    | 'updatedAt'
    | 'version'
    | 'status'
    | 'description'
    | 'assignee'
    | 'durationMinutes'
    | 'location'
    | 'telehealthUrl'
    | 'materializedThrough';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "tsr_").' })
  id: string = TaskSeriesId.create();

  @ManyToOne(() => CarePlan, { ref: true, index: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan, as on tasks. */
  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field({ description: 'RFC 5545 RRULE as stored (normalised), e.g. "FREQ=WEEKLY;COUNT=12;BYDAY=MO,WE,FR".' })
  rule!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: "The first occurrence (DTSTART), ISO 8601 with zone; its wall-clock time in `timeZone` is every occurrence's." })
  start!: Date;

  @Property({ type: 'text' })
  @Field({ description: 'IANA time zone the rule is read in, e.g. "Europe/Berlin": 09:00 stays 09:00 local time across DST changes.' })
  timeZone!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'How many days ahead occurrences are created as tasks (1–366); the next one always exists.' })
  horizonDays!: number;

  @Enum({ items: () => TaskSeriesStatus })
  @Field(() => TaskSeriesStatus, { description: 'ACTIVE while it produces occurrences.' })
  status: TaskSeriesStatus = TaskSeriesStatus.ACTIVE;

  @Property({ type: 'text' })
  @Field({ description: "Every occurrence's title." })
  title!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "Every occurrence's details; null when none." })
  description: string | null = null;

  @Enum({ items: () => TaskKind })
  @Field(() => TaskKind, { description: "Every occurrence's kind." })
  kind!: TaskKind;

  @Enum({ items: () => TaskPriority })
  @Field(() => TaskPriority, { description: "Every occurrence's priority." })
  priority!: TaskPriority;

  @ManyToOne(() => Provider, { ref: true, nullable: true })
  assignee: Ref<Provider> | null = null;

  @ManyToOne(() => Provider, { ref: true })
  requester!: Ref<Provider>;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, {
    nullable: true,
    description: "An appointment series: each occurrence's length in minutes (its startAt and endAt); null for other tasks.",
  })
  durationMinutes: number | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "Every occurrence's location (appointments); null when none." })
  location: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "Every occurrence's telehealth link (appointments, https); null when none." })
  telehealthUrl: string | null = null;

  /** Occurrences up to this instant exist as tasks; the job continues after it. Null before the first. */
  @Property({ type: 'timestamptz', nullable: true })
  materializedThrough: Date | null = null;
}
