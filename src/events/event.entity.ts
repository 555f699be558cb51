import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { FieldChange } from '../core/changes';
import { defineIdType, typeOfId } from '../core/ids';
import { Node } from '../core/node';
import { EventType } from './event-types';

export const EventId = defineIdType('Event', 'evt');

/**
 * One recorded change to a patient's care. Which objects it concerns is a
 * list of their ids (`subjectIds`, e.g. the plan and the task of a task
 * event): ids carry their type, so a new module's events need no column
 * here. Modules expose the subjects they own as fields of `Event` (the tasks
 * module adds `Event.task`, …) with `subjectOf`.
 *
 * Patient and actor are named by entity name, not imported: the events layer
 * sits below the modules (docs/architecture.md) and keeps its foreign keys.
 */
@Entity({ tableName: 'event' })
@Unique({ name: 'event_patient_sequence_unique', properties: ['patient', 'sequence'] })
// The events that start and end care-team memberships, which careEvents reads as the caller's spans (auth/membership.ts).
@Index({
  name: 'event_membership_idx',
  expression:
    'create index "event_membership_idx" on "event" ("patient_id", "sequence") where "type" in (\'CARE_TEAM_MEMBER_ADDED\', \'CARE_TEAM_MEMBER_ENDED\')',
})
@ObjectType({ implements: Node, simpleResolvers: true, description: "One recorded change to a patient's care." })
export class Event implements Node {
  [OptionalProps]?: 'at' | 'actor' | 'subjectIds' | 'changes' | 'note';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "evt_"). To resume a stream, use `sequence`, not the id.' })
  id: string = EventId.create();

  @ManyToOne({ entity: 'Patient', ref: true })
  patient!: Ref<{ id: string }>;

  /** 1, 2, 3, … per patient, with no gap, in commit order. */
  @Property({ type: 'integer' })
  @Field(() => Int, {
    description:
      "Numbers this patient's events 1, 2, 3, … with no gap, in commit order. Keep the last one seen and pass it as `afterSequence` when resubscribing.",
  })
  sequence!: number;

  /** One of the modules' event types (events/event-types.ts); text, so adding a type needs no migration. */
  @Property({ type: 'text' })
  @Field(() => EventType, {
    description: 'What kind of change it records. New types appear as the hub grows: ignore those you do not know.',
  })
  type!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the change was made (ISO 8601 with zone).' })
  at: Date = new Date();

  /** The provider who made the change; null for operators (ADMIN tokens that are no provider). */
  @ManyToOne({ entity: 'Provider', ref: true, nullable: true, deleteRule: 'set null' })
  actor: Ref<{ id: string }> | null = null;

  /** The token subject of whoever made the change, provider or operator. */
  @Property({ type: 'text' })
  actorSub!: string;

  /** Ids of the objects the change concerns (a plan, a task, a goal …), most general first. */
  @Property({ type: 'text[]' })
  subjectIds: string[] = [];

  @Property({ type: 'text' })
  @Field({
    description:
      'One human-readable line naming who did what, e.g. "Dr. A handed care plan \\"Hip recovery\\" to Dr. B", ' +
      '"Nurse B moved \\"Wound check\\" from ACCEPTED to IN_PROGRESS".',
  })
  summary!: string;

  /**
   * What changed, field by field, in the order the service set them
   * (`toFieldChanges` in core/changes.ts); null for events that change no
   * field of an object.
   */
  @Property({ type: 'jsonb', nullable: true })
  @Field(() => [FieldChange], {
    nullable: true,
    description:
      'What the change did to the object the event concerns, field by field, from what to what: a creation lists the fields it set ' +
      '(from null), an edit the fields that moved. Null for events that change no field of an object, such as a note added to a task. ' +
      'Enough for a dashboard to update what it shows without querying again.',
  })
  changes: FieldChange[] | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'What the person who made the change wrote with it: the reason or hand-over (e.g. SBAR) given to `transferCarePlanOwnership` ' +
      'or `assignTask`, in full (the summary quotes its start). Null when none was given.',
  })
  note: string | null = null;
}

/** The id of the event's subject of `type` (a GraphQL type name such as `Task`), or null. */
export function subjectOf(event: Event, type: string): string | null {
  return event.subjectIds.find((id) => typeOfId(id) === type) ?? null;
}
