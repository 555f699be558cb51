import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { CarePlan } from '../care-plans';
import { Patient } from '../patients';

export enum GoalStatus {
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  ACHIEVED = 'ACHIEVED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(GoalStatus, {
  name: 'GoalStatus',
  description: 'PROPOSED → ACTIVE | CANCELLED; ACTIVE → ACHIEVED | CANCELLED; ACHIEVED → ACTIVE. Any other move is INVALID_TRANSITION.',
  valuesConfig: {
    PROPOSED: { description: 'Suggested, not yet agreed. Every goal starts here.' },
    ACTIVE: { description: 'Agreed and being worked towards.' },
    ACHIEVED: { description: 'Met; may become ACTIVE again if it is lost.' },
    CANCELLED: { description: 'Dropped. Final.' },
  },
});

export const GoalId = defineIdType('Goal', 'gol');

@Entity({ tableName: 'goal' })
@Index({ name: 'goal_care_plan_idx', properties: ['carePlan', 'createdAt'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A goal of a care plan, ideally with a measurable target.' })
export class Goal extends VersionedRecord implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'version' | 'target' | 'dueDate';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "gol_").' })
  id: string = GoalId.create();

  @ManyToOne(() => CarePlan, { ref: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan so access checks need no join. */
  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field({ description: 'What the goal is, in words the team and the patient share, e.g. "Walk without a frame".' })
  description!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'How to tell it is met, e.g. "walks 500 m unaided"; null when not set.' })
  target: string | null = null;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateResolver, { nullable: true, description: 'When it should be met, YYYY-MM-DD; null when open-ended.' })
  dueDate: string | null = null;

  @Enum({ items: () => GoalStatus })
  @Field(() => GoalStatus, { description: 'Where the goal is in its lifecycle; the plan owner moves it with updateGoal.' })
  status: GoalStatus = GoalStatus.PROPOSED;
}
