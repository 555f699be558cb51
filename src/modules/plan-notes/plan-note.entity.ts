import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { CarePlan } from '../care-plans';
import { Patient } from '../patients';
import { Provider } from '../providers';

export const CarePlanNoteId = defineIdType('CarePlanNote', 'cpn');

/**
 * One message of a care plan's thread: the team's discussion of the plan,
 * which every active member reads. Notes do not change; the providers it
 * mentions (active members when it was written) hear of it on `myMentions`.
 */
@Entity({ tableName: 'care_plan_note' })
@Index({ name: 'care_plan_note_plan_idx', properties: ['carePlan', 'id'] })
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: "A note in a care plan's thread, which the whole care team reads; it may mention team members, who are told live.",
})
export class CarePlanNote implements Node {
  [OptionalProps]?: 'createdAt' | 'mentionIds';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "cpn_").' })
  id: string = CarePlanNoteId.create();

  @ManyToOne(() => CarePlan, { ref: true })
  carePlan!: Ref<CarePlan>;

  /** Denormalised from the plan so access checks need no join. */
  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Provider, { ref: true })
  author!: Ref<Provider>;

  @Property({ type: 'text' })
  @Field({ description: 'The note as written, e.g. a hand-over or a question to the team.' })
  body!: string;

  /** Provider ids of the members it mentions, in the order given, without repeats. */
  @Property({ type: 'text[]' })
  mentionIds: string[] = [];

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was written (ISO 8601 with zone). Notes do not change.' })
  createdAt: Date = new Date();
}
