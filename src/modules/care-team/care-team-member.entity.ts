import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { Patient } from '../patients';
import { Provider } from '../providers';

export const CareTeamMemberId = defineIdType('CareTeamMember', 'ctm');

/** A membership; whether it grants access is decided by the one rule in auth/membership.ts. */
@Entity({ tableName: 'care_team_member' })
// One open membership per provider and patient; ended ones stay as history.
@Index({
  name: 'care_team_member_active_unique',
  expression:
    'create unique index "care_team_member_active_unique" on "care_team_member" ("patient_id", "provider_id") where "ended_at" is null',
})
// The access check (auth/membership.ts): "is this provider an active member of this patient's team?"
@Index({
  name: 'care_team_member_active_by_provider',
  expression:
    'create index "care_team_member_active_by_provider" on "care_team_member" ("provider_id", "patient_id") where "ended_at" is null',
})
@Index({ name: 'care_team_member_patient_idx', properties: ['patient', 'startedAt'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: "A provider's membership on a patient's care team." })
export class CareTeamMember implements Node {
  [OptionalProps]?: 'startedAt' | 'endedAt' | 'active';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id of the membership (starts with "ctm_"); endCareTeamMembership takes it.' })
  id: string = CareTeamMemberId.create();

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Provider, { ref: true })
  provider!: Ref<Provider>;

  @Property({ type: 'text' })
  @Field({ description: 'The member\'s role on this team, free text, e.g. "primary physician", "home nurse".' })
  role!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the provider joined the team (ISO 8601 with zone); access starts then.' })
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'When the membership ended (ISO 8601 with zone); null while active. Access ends with it.',
  })
  endedAt: Date | null = null;

  /** The membership rule (auth/membership.ts) for a row already loaded. */
  @Field({ description: "True until the membership is ended: only active members see and change the patient's care." })
  get active(): boolean {
    return this.endedAt === null;
  }
}
