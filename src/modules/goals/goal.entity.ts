import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { newId } from '../../db/ids';
import { Node } from '../../graphql/node';
import { CarePlan } from '../care-plans/care-plan.entity';
import { Patient } from '../patients/patient.entity';

export enum GoalStatus {
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  ACHIEVED = 'ACHIEVED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(GoalStatus, { name: 'GoalStatus' });

@Entity({ tableName: 'goal' })
@Index({ name: 'goal_care_plan_idx', properties: ['carePlan', 'createdAt'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A goal of a care plan, ideally with a measurable target.' })
export class Goal implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'version' | 'target' | 'dueDate';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('Goal');

  @ManyToOne(() => CarePlan, { ref: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan so access checks need no join. */
  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field()
  description!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Measurable target, e.g. "walks 500 m unaided".' })
  target: string | null = null;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateResolver, { nullable: true })
  dueDate: string | null = null;

  @Enum({ items: () => GoalStatus })
  @Field(() => GoalStatus)
  status: GoalStatus = GoalStatus.PROPOSED;

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
