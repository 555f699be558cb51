import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum AuditKind {
  READ = 'READ',
  WRITE = 'WRITE',
  /** A refused attempt: a non-member, an ended member, ADMIN on clinical content, or an id that names nothing. */
  DENIED = 'DENIED',
}
registerEnumType(AuditKind, {
  name: 'AuditKind',
  description: "Whether the patient's data was read or changed.",
  valuesConfig: {
    READ: { description: "The operation read the patient's data (recorded once per request and patient)." },
    WRITE: { description: "The operation changed the patient's data (recorded in the same transaction as the change)." },
    DENIED: {
      description:
        "The operation was refused access to the patient's data (a provider off the team, an ended member, ADMIN on clinical content, or an id that names nothing); recorded although any write rolled back.",
    },
  },
});

/** The kind of principal behind an audit record (auth/viewer.ts `PrincipalKind`). */
export enum ActorKind {
  PROVIDER = 'PROVIDER',
  OPERATOR = 'OPERATOR',
  PATIENT = 'PATIENT',
  CAREGIVER = 'CAREGIVER',
}
registerEnumType(ActorKind, {
  name: 'ActorKind',
  description: 'Which kind of principal acted.',
  valuesConfig: {
    PROVIDER: { description: 'A clinician (a Provider), with or without the ADMIN role.' },
    OPERATOR: { description: 'An ADMIN operator token that is no provider, or the hub itself (scheduled jobs).' },
    PATIENT: { description: 'The patient themself.' },
    CAREGIVER: { description: "A person of the patient's support network acting with the patient's consent." },
  },
});

/**
 * Who touched which patient's data, how and when. Rows are append-only: a
 * trigger created by migration rejects UPDATE and DELETE. There are no
 * foreign keys on purpose, so the trail outlives anything it mentions.
 */
@Entity({ tableName: 'audit_record' })
@Index({ name: 'audit_record_patient_idx', properties: ['patientId', 'id'] })
@ObjectType({ description: "Who read or changed a patient's data, how and when. Append-only." })
export class AuditRecord {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  @Field(() => ID, { description: 'Position in the trail (increasing; not a node id).' })
  id!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  @Field({ description: 'When it happened (ISO 8601 with zone).' })
  at!: Date;

  @Property({ type: 'text' })
  @Field({ description: 'The token subject: a provider id, an operator id, a patient id, or a support contact id (see `actorKind`).' })
  actorSub!: string;

  /** Null only on rows recorded before principal kinds existed (the trail is append-only, so they stay as they were). */
  @Enum({ items: () => ActorKind, nullable: true })
  @Field(() => ActorKind, {
    nullable: true,
    description:
      'Which kind of principal acted; `actorSub` is then a provider id, an operator id, a patient id, or a support contact id. Null on records made before the hub knew patient and caregiver principals (those were providers, or operators where `actorProviderId` is null).',
  })
  actorKind: ActorKind | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The Provider id of the actor; null for an operator token that is no provider.' })
  actorProviderId: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'The Patient id whose data was touched. Plain text, not a reference: the trail outlives what it mentions.',
  })
  patientId: string | null = null;

  @Property({ type: 'text' })
  @Field({
    description:
      'The operation type, the client\'s name for it, and its root fields, e.g. "query Dashboard { patients }", "mutation { transitionTask }".',
  })
  operation!: string;

  @Enum({ items: () => AuditKind })
  @Field(() => AuditKind, { description: 'Read or write.' })
  kind!: AuditKind;

  @Property({ type: 'text' })
  @Field({ description: "The request id (the client's `x-request-id`, or one the hub made), to match logs." })
  requestId!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      "A WRITE that went ahead despite the allergy–medication safety check: the writer's `overrideReason` (the write's event says what was overridden). Null otherwise.",
  })
  overrideReason: string | null = null;
}
