import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum AuditKind {
  READ = 'READ',
  WRITE = 'WRITE',
}
registerEnumType(AuditKind, { name: 'AuditKind' });

/**
 * Who touched which patient's data, how and when. Rows are append-only: a
 * trigger created by migration rejects UPDATE and DELETE. There are no
 * foreign keys on purpose, so the trail outlives anything it mentions.
 */
@Entity({ tableName: 'audit_record' })
@Index({ name: 'audit_record_patient_idx', properties: ['patientId', 'id'] })
@ObjectType({ description: 'Who read or changed a patient\'s data, how and when. Append-only.' })
export class AuditRecord {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  @Field()
  at!: Date;

  @Property({ type: 'text' })
  @Field({ description: 'The token subject: a provider id, or an operator id.' })
  actorSub!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  actorProviderId: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  patientId: string | null = null;

  @Property({ type: 'text' })
  @Field({ description: 'e.g. "query Dashboard", "mutation transitionTask".' })
  operation!: string;

  @Enum({ items: () => AuditKind })
  @Field(() => AuditKind)
  kind!: AuditKind;

  @Property({ type: 'text' })
  @Field()
  requestId!: string;
}
