import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../db/ids';
import { Node } from '../graphql/node';
import { CarePlan } from '../modules/care-plans/care-plan.entity';
import { Goal } from '../modules/goals/goal.entity';
import { Patient } from '../modules/patients/patient.entity';
import { Provider } from '../modules/providers/provider.entity';
import { Task } from '../modules/tasks/task.entity';

export enum EventType {
  PATIENT_CREATED = 'PATIENT_CREATED',
  PATIENT_UPDATED = 'PATIENT_UPDATED',
  CARE_TEAM_MEMBER_ADDED = 'CARE_TEAM_MEMBER_ADDED',
  CARE_TEAM_MEMBER_ENDED = 'CARE_TEAM_MEMBER_ENDED',
  CARE_PLAN_CREATED = 'CARE_PLAN_CREATED',
  CARE_PLAN_UPDATED = 'CARE_PLAN_UPDATED',
  CARE_PLAN_OWNER_CHANGED = 'CARE_PLAN_OWNER_CHANGED',
  GOAL_ADDED = 'GOAL_ADDED',
  GOAL_UPDATED = 'GOAL_UPDATED',
  TASK_CREATED = 'TASK_CREATED',
  TASK_ASSIGNED = 'TASK_ASSIGNED',
  TASK_UNASSIGNED = 'TASK_UNASSIGNED',
  TASK_STATUS_CHANGED = 'TASK_STATUS_CHANGED',
  TASK_NOTE_ADDED = 'TASK_NOTE_ADDED',
}
registerEnumType(EventType, { name: 'EventType' });

@Entity({ tableName: 'event' })
@Unique({ name: 'event_patient_sequence_unique', properties: ['patient', 'sequence'] })
@Index({ name: 'event_task_idx', properties: ['task'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One recorded change to a patient\'s care.' })
export class Event implements Node {
  [OptionalProps]?: 'at' | 'actor' | 'carePlan' | 'task' | 'goal' | 'changes';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('Event');

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  /** 1, 2, 3, … per patient, with no gap, in commit order. */
  @Property({ type: 'integer' })
  @Field(() => Int)
  sequence!: number;

  @Enum({ items: () => EventType })
  @Field(() => EventType)
  type!: EventType;

  @Property({ type: 'timestamptz' })
  @Field()
  at: Date = new Date();

  /** The provider who made the change; null for operators (ADMIN tokens that are no provider). */
  @ManyToOne(() => Provider, { ref: true, nullable: true })
  actor: Ref<Provider> | null = null;

  /** The token subject of whoever made the change, provider or operator. */
  @Property({ type: 'text' })
  actorSub!: string;

  @ManyToOne(() => CarePlan, { ref: true, nullable: true })
  carePlan: Ref<CarePlan> | null = null;

  @ManyToOne(() => Task, { ref: true, nullable: true })
  task: Ref<Task> | null = null;

  @ManyToOne(() => Goal, { ref: true, nullable: true })
  goal: Ref<Goal> | null = null;

  @Property({ type: 'text' })
  @Field({ description: 'One human-readable line, e.g. "Task \\"Wound check\\" moved from ACCEPTED to IN_PROGRESS".' })
  summary!: string;

  /** What changed, as `{ field: { from, to } }` or the created values. */
  @Property({ type: 'jsonb', nullable: true })
  changes: Record<string, unknown> | null = null;
}
