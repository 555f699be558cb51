import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { VersionedRecord } from '../../core/versioned-record';
import { Patient } from '../patients';
import { Provider } from '../providers';

export enum CarePlanCategory {
  GENERAL = 'GENERAL',
  HOME_RECOVERY = 'HOME_RECOVERY',
  MENTAL_HEALTH = 'MENTAL_HEALTH',
  CHRONIC_CONDITION = 'CHRONIC_CONDITION',
}
registerEnumType(CarePlanCategory, {
  name: 'CarePlanCategory',
  description: 'What the plan is for. A patient has at most one ACTIVE plan per category.',
  valuesConfig: {
    GENERAL: { description: 'General care coordination.' },
    HOME_RECOVERY: { description: 'Recovery at home, e.g. after a hospital stay or surgery.' },
    MENTAL_HEALTH: { description: 'Mental health care: therapy, psychiatric follow-up.' },
    CHRONIC_CONDITION: { description: 'Long-term management of a chronic condition, e.g. heart failure or diabetes.' },
  },
});

export enum CarePlanStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  ON_HOLD = 'ON_HOLD',
  COMPLETED = 'COMPLETED',
  REVOKED = 'REVOKED',
}
registerEnumType(CarePlanStatus, {
  name: 'CarePlanStatus',
  description: 'DRAFT → ACTIVE ⇄ ON_HOLD → COMPLETED | REVOKED (a DRAFT may also be REVOKED). Any other move is INVALID_TRANSITION.',
  valuesConfig: {
    DRAFT: { description: 'Being prepared; not yet in force. Every plan starts here.' },
    ACTIVE: { description: 'In force. At most one ACTIVE plan per patient and category.' },
    ON_HOLD: { description: 'Paused; may become ACTIVE again.' },
    COMPLETED: { description: 'Finished as intended. Final: the plan, its goals and tasks no longer change.' },
    REVOKED: { description: 'Withdrawn before completion (or never started). Final, like COMPLETED.' },
  },
});

export const CarePlanId = defineIdType('CarePlan', 'cpl');

@Entity({ tableName: 'care_plan' })
// At most one ACTIVE plan per patient and category.
@Index({
  name: 'care_plan_one_active_per_category',
  expression:
    'create unique index "care_plan_one_active_per_category" on "care_plan" ("patient_id", "category") where "status" = \'ACTIVE\'',
})
@Index({ name: 'care_plan_patient_idx', properties: ['patient', 'createdAt'] })
@Index({ name: 'care_plan_owner_idx', properties: ['owner'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: "A patient's plan of care, with exactly one accountable owner." })
@Directive('@key(fields: "id")')
export class CarePlan extends VersionedRecord implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'version' | 'description' | 'warningSigns';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "cpl_").' })
  id: string = CarePlanId.create();

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field({ description: 'Short title shown in lists, e.g. "Recovery after hip replacement".' })
  title!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Longer free-text description of the plan; null when none.' })
  description: string | null = null;

  @Enum({ items: () => CarePlanCategory })
  @Field(() => CarePlanCategory, { description: 'What the plan is for; fixed when the plan is created.' })
  category!: CarePlanCategory;

  @Enum({ items: () => CarePlanStatus })
  @Field(() => CarePlanStatus, { description: 'Where the plan is in its lifecycle; the owner moves it with updateCarePlan.' })
  status: CarePlanStatus = CarePlanStatus.DRAFT;

  /** The accountable owner; always an active member of the patient's care team. */
  @ManyToOne(() => Provider, { ref: true })
  owner!: Ref<Provider>;

  @Property({ type: 'text[]' })
  @Field(() => [String], {
    description: 'Signs that should make the patient or a caregiver call the team, one per entry, e.g. "weight gain over 2 kg in 3 days".',
  })
  warningSigns: string[] = [];
}
