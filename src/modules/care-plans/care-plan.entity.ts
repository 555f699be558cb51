import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../../db/ids';
import { Node } from '../../graphql/node';
import { Patient } from '../patients/patient.entity';
import { Provider } from '../providers/provider.entity';

export enum CarePlanCategory {
  GENERAL = 'GENERAL',
  HOME_RECOVERY = 'HOME_RECOVERY',
  MENTAL_HEALTH = 'MENTAL_HEALTH',
  CHRONIC_CONDITION = 'CHRONIC_CONDITION',
}
registerEnumType(CarePlanCategory, { name: 'CarePlanCategory' });

export enum CarePlanStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  ON_HOLD = 'ON_HOLD',
  COMPLETED = 'COMPLETED',
  REVOKED = 'REVOKED',
}
registerEnumType(CarePlanStatus, {
  name: 'CarePlanStatus',
  description: 'DRAFT → ACTIVE ⇄ ON_HOLD → COMPLETED | REVOKED (a DRAFT may also be REVOKED).',
});

@Entity({ tableName: 'care_plan' })
// At most one ACTIVE plan per patient and category.
@Index({
  name: 'care_plan_one_active_per_category',
  expression:
    'create unique index "care_plan_one_active_per_category" on "care_plan" ("patient_id", "category") where "status" = \'ACTIVE\'',
})
@Index({ name: 'care_plan_patient_idx', properties: ['patient', 'createdAt'] })
@Index({ name: 'care_plan_owner_idx', properties: ['owner'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A patient\'s plan of care, with exactly one accountable owner.' })
@Directive('@key(fields: "id")')
export class CarePlan implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'version' | 'description' | 'warningSigns';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('CarePlan');

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field()
  title!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  description: string | null = null;

  @Enum({ items: () => CarePlanCategory })
  @Field(() => CarePlanCategory)
  category!: CarePlanCategory;

  @Enum({ items: () => CarePlanStatus })
  @Field(() => CarePlanStatus)
  status: CarePlanStatus = CarePlanStatus.DRAFT;

  /** The accountable owner; always an active member of the patient's care team. */
  @ManyToOne(() => Provider, { ref: true })
  owner!: Ref<Provider>;

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'Signs that should make the patient or a caregiver call the team.' })
  warningSigns: string[] = [];

  /** Incremented on every change; edits carry `expectedVersion`. */
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
