import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { newId } from '../../db/ids';
import { Node } from '../../graphql/node';
import { Patient } from '../patients/patient.entity';
import { Provider } from '../providers/provider.entity';

@Entity({ tableName: 'care_team_member' })
// One open membership per provider and patient; ended ones stay as history.
@Index({
  name: 'care_team_member_active_unique',
  expression:
    'create unique index "care_team_member_active_unique" on "care_team_member" ("patient_id", "provider_id") where "ended_at" is null',
})
// The access check: "is this provider an active member of this patient's team?"
@Index({
  name: 'care_team_member_active_by_provider',
  expression:
    'create index "care_team_member_active_by_provider" on "care_team_member" ("provider_id", "patient_id") where "ended_at" is null',
})
@Index({ name: 'care_team_member_patient_idx', properties: ['patient', 'startedAt'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A provider\'s membership on a patient\'s care team.' })
export class CareTeamMember implements Node {
  [OptionalProps]?: 'startedAt' | 'endedAt' | 'active';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('CareTeamMember');

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Provider, { ref: true })
  provider!: Ref<Provider>;

  @Property({ type: 'text' })
  @Field({ description: 'e.g. "primary physician", "home nurse".' })
  role!: string;

  @Property({ type: 'timestamptz' })
  @Field()
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'Set when the membership ended; access ends with it.' })
  endedAt: Date | null = null;

  @Field({ description: 'True until the membership is ended.' })
  get active(): boolean {
    return this.endedAt === null;
  }
}
