import { Entity, ManyToOne, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';

/**
 * How far the outbox relay (outbox-relay.ts) has published a patient's
 * events to the event bus: every event up to `sequence` is acknowledged by
 * the bus. Only the relay reads and writes it, in SQL; the entity keeps the
 * table in the ORM's schema. No row: nothing published yet.
 */
@Entity({ tableName: 'event_relay_position' })
export class EventRelayPosition {
  [PrimaryKeyProp]?: 'patient';

  @ManyToOne({ entity: 'Patient', ref: true, primary: true, deleteRule: 'cascade' })
  patient!: Ref<{ id: string }>;

  @Property({ type: 'integer' })
  sequence!: number;
}
