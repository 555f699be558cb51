import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';
import { Patient } from '../patients';
import { Provider } from '../providers';

export const CareTeamMemberId = defineIdType('CareTeamMember', 'ctm');

/**
 * The small vocabulary of care-team roles, next to the free-text `role`. One
 * of them carries a right: a COORDINATOR manages the patient's team (the rule
 * is `assertManagesTeam` in care-team.service.ts).
 */
export enum CareTeamRoleKind {
  PRIMARY_PHYSICIAN = 'PRIMARY_PHYSICIAN',
  SPECIALIST = 'SPECIALIST',
  THERAPIST = 'THERAPIST',
  HOME_NURSE = 'HOME_NURSE',
  COORDINATOR = 'COORDINATOR',
  PHARMACIST = 'PHARMACIST',
  SOCIAL_WORKER = 'SOCIAL_WORKER',
  OTHER = 'OTHER',
}
registerEnumType(CareTeamRoleKind, {
  name: 'CareTeamRoleKind',
  description:
    "What a member does on a care team, from a small vocabulary; the free-text `role` says it in the team's own words. " +
    'COORDINATOR also manages the team: adds and ends its members.',
  valuesConfig: {
    PRIMARY_PHYSICIAN: { description: "The physician responsible for the patient's overall care, e.g. the family doctor." },
    SPECIALIST: { description: 'A specialist physician, e.g. a cardiologist or an orthopaedic surgeon.' },
    THERAPIST: { description: 'A therapist: physiotherapy, occupational, speech or psychotherapy.' },
    HOME_NURSE: { description: 'A nurse who cares for the patient at home.' },
    COORDINATOR: {
      description:
        "The patient's care coordinator: may add providers of the patient's organization to this team and end memberships, without an operator account.",
    },
    PHARMACIST: { description: 'A pharmacist who reviews and reconciles medications.' },
    SOCIAL_WORKER: { description: 'A social worker: benefits, housing, caregiver support.' },
    OTHER: { description: 'Any other role (the default); the free-text `role` says which.' },
  },
});

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
  [OptionalProps]?: 'startedAt' | 'endedAt' | 'active' | 'roleKind';

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

  @Enum({ items: () => CareTeamRoleKind, default: CareTeamRoleKind.OTHER })
  @Field(() => CareTeamRoleKind, {
    description: 'The role from the vocabulary; OTHER unless one was given when the member was added. COORDINATOR manages the team.',
  })
  roleKind: CareTeamRoleKind = CareTeamRoleKind.OTHER;

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
