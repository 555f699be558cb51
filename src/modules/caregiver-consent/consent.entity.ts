import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { ActorKind } from '../../core/audit-record.entity';
import { Patient } from '../patients';

/** The scopes of a caregiver's consent; the rule that reads them is src/auth/consent.ts. */
export enum ConsentScope {
  VIEW_PLAN = 'VIEW_PLAN',
  REPORT_CHECK_INS = 'REPORT_CHECK_INS',
  MESSAGE_TEAM = 'MESSAGE_TEAM',
}
registerEnumType(ConsentScope, {
  name: 'ConsentScope',
  description: 'What a patient lets a caregiver of their support network do for them.',
  valuesConfig: {
    VIEW_PLAN: {
      description: "See the patient's record, care team, plan, appointments and check-ins (`myRecord`) and follow them live (`myEvents`).",
    },
    REPORT_CHECK_INS: { description: 'Record check-ins for the patient (`reportCheckIn`, source CAREGIVER).' },
    MESSAGE_TEAM: { description: "Write to the care team in the patient's messages (`sendMessageToCareTeam`)." },
  },
});

export const CaregiverConsentId = defineIdType('CaregiverConsent', 'cns');

/**
 * A patient's consent for one person of their support network to act for
 * them. At most one in force per pair; revoking keeps the row as history.
 */
@Entity({ tableName: 'caregiver_consent' })
@Index({
  name: 'caregiver_consent_active_unique',
  expression:
    'create unique index "caregiver_consent_active_unique" on "caregiver_consent" ("patient_id", "contact_id") where "revoked_at" is null',
})
// The access check for a caregiver's token (auth/consent.ts).
@Index({
  name: 'caregiver_consent_active_by_contact',
  expression:
    'create index "caregiver_consent_active_by_contact" on "caregiver_consent" ("contact_id", "patient_id") where "revoked_at" is null',
})
@ObjectType({
  simpleResolvers: true,
  description: "A patient's consent for a caregiver of their support network to act for them, within scopes.",
})
export class CaregiverConsent {
  [OptionalProps]?: 'grantedAt' | 'revokedAt' | 'revokedReason' | 'grantReason';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "cns_").' })
  id: string = CaregiverConsentId.create();

  @ManyToOne(() => Patient, { ref: true, index: true })
  patient!: Ref<Patient>;

  @Property({ type: 'text' })
  @Field(() => ID, {
    description: "The SupportContact (on the patient's `supportNetwork`) the consent is for: the `sub` of their caregiver token.",
  })
  contactId!: string;

  @Enum({ items: () => ConsentScope, array: true })
  @Field(() => [ConsentScope], { description: 'What the caregiver may do.' })
  scopes!: ConsentScope[];

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was granted (or its scopes last set), ISO 8601 with zone.' })
  grantedAt: Date = new Date();

  @Enum({ items: () => ActorKind })
  @Field(() => ActorKind, { description: 'Who granted it: the PATIENT, or an operator or provider with ADMIN on their behalf.' })
  grantedByKind!: ActorKind;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "Why ADMIN granted it on the patient's behalf; null when the patient did." })
  grantReason: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while in force.' })
  revokedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "Why ADMIN revoked it on the patient's behalf; null otherwise." })
  revokedReason: string | null = null;
}
