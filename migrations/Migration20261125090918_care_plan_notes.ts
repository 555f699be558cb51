import { Migration } from '@mikro-orm/migrations';

export class Migration20261125090918_care_plan_notes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "care_plan_note" ("id" text not null, "care_plan_id" text not null, "patient_id" text not null, "author_id" text not null, "body" text not null, "mention_ids" text[] not null, "created_at" timestamptz not null, constraint "care_plan_note_pkey" primary key ("id"));`);
    this.addSql(`create index "care_plan_note_patient_id_index" on "care_plan_note" ("patient_id");`);
    this.addSql(`create index "care_plan_note_plan_idx" on "care_plan_note" ("care_plan_id", "id");`);

    this.addSql(`alter table "care_plan_note" add constraint "care_plan_note_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "care_plan_note" add constraint "care_plan_note_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "care_plan_note" add constraint "care_plan_note_author_id_foreign" foreign key ("author_id") references "provider" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "care_plan_note" cascade;`);
  }

}
