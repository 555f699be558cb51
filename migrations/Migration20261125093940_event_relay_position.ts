import { Migration } from '@mikro-orm/migrations';

/** How far the outbox relay has published each patient's events to the event bus (EVENT_BUS=nats://…; src/events/outbox-relay.ts). */
export class Migration20261125093940_event_relay_position extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "event_relay_position" ("patient_id" text not null, "sequence" int not null, constraint "event_relay_position_pkey" primary key ("patient_id"));`);

    this.addSql(`alter table "event_relay_position" add constraint "event_relay_position_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "event_relay_position" cascade;`);
  }

}
