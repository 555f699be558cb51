import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../../db/ids';
import { Node } from '../../graphql/node';
import { CarePlan } from '../care-plans/care-plan.entity';
import { Patient } from '../patients/patient.entity';
import { Provider } from '../providers/provider.entity';

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
registerEnumType(TaskKind, { name: 'TaskKind' });

export enum TaskPriority {
  ROUTINE = 'ROUTINE',
  URGENT = 'URGENT',
  ASAP = 'ASAP',
  STAT = 'STAT',
}
registerEnumType(TaskPriority, { name: 'TaskPriority', description: 'FHIR request priority, lowest to highest.' });

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
registerEnumType(TaskStatus, { name: 'TaskStatus', description: 'The FHIR Task lifecycle; see transitionTask.' });

@Entity({ tableName: 'task' })
@Index({ name: 'task_care_plan_idx', properties: ['carePlan', 'createdAt', 'id'] })
@Index({ name: 'task_assignee_idx', properties: ['assignee', 'status', 'createdAt', 'id'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A shared piece of work with an assignee and a strict lifecycle.' })
@Directive('@key(fields: "id")')
export class Task implements Node {
  [OptionalProps]?:
    | 'createdAt' | 'updatedAt' | 'status' | 'priority' | 'version' | 'description' | 'assignee' | 'dueAt' | 'statusReason';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('Task');

  @ManyToOne(() => CarePlan, { ref: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan so access checks and patient feeds need no join. */
  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field()
  title!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  description: string | null = null;

  @Enum({ items: () => TaskKind })
  @Field(() => TaskKind)
  kind!: TaskKind;

  @Enum({ items: () => TaskPriority })
  @Field(() => TaskPriority)
  priority: TaskPriority = TaskPriority.ROUTINE;

  @Enum({ items: () => TaskStatus })
  @Field(() => TaskStatus)
  status: TaskStatus = TaskStatus.REQUESTED;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why the task was last rejected, put on hold, failed or returned.' })
  statusReason: string | null = null;

  @ManyToOne(() => Provider, { ref: true, nullable: true })
  assignee: Ref<Provider> | null = null;

  @ManyToOne(() => Provider, { ref: true })
  requester!: Ref<Provider>;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  dueAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  @Field(() => Int)
  version: number = 1;

  @Property({ type: 'timestamptz' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  @Field()
  updatedAt: Date = new Date();
}

@Entity({ tableName: 'task_note' })
@Index({ name: 'task_note_task_idx', properties: ['task', 'createdAt', 'id'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A note on a task, by a team member.' })
export class TaskNote implements Node {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('TaskNote');

  @ManyToOne(() => Task, { ref: true })
  task!: Ref<Task>;

  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Provider, { ref: true })
  author!: Ref<Provider>;

  @Property({ type: 'text' })
  @Field()
  text!: string;

  @Property({ type: 'timestamptz' })
  @Field()
  createdAt: Date = new Date();
}

/** Statuses in which a task still needs work. */
export const OPEN_TASK_STATUSES = [TaskStatus.REQUESTED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD];
