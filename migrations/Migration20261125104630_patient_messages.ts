import { Migration } from '@mikro-orm/migrations';

export class Migration20261125104630_patient_messages extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "patient_message" ("id" text not null, "care_plan_id" text not null, "patient_id" text not null, "author_kind" text check ("author_kind" in ('PROVIDER', 'OPERATOR', 'PATIENT', 'CAREGIVER')) not null, "author_name" text not null, "author_sub" text not null, "body" text not null, "created_at" timestamptz not null, constraint "patient_message_pkey" primary key ("id"));`);
    this.addSql(`create index "patient_message_patient_id_index" on "patient_message" ("patient_id");`);
    this.addSql(`create index "patient_message_plan_idx" on "patient_message" ("care_plan_id", "created_at");`);

    this.addSql(`alter table "patient_message" add constraint "patient_message_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "patient_message" add constraint "patient_message_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "patient_message" cascade;`);
  }

}
