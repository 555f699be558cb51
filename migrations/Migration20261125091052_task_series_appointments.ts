import { Migration } from '@mikro-orm/migrations';

export class Migration20261125091052_task_series_appointments extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "task_series" ("id" text not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "care_plan_id" text not null, "patient_id" text not null, "rule" text not null, "start" timestamptz not null, "time_zone" text not null, "horizon_days" int not null, "status" text check ("status" in ('ACTIVE', 'COMPLETED', 'CANCELLED')) not null default 'ACTIVE', "title" text not null, "description" text null, "kind" text check ("kind" in ('MEDICATION', 'FOLLOW_UP', 'HOME_VISIT', 'TELECONSULT', 'THERAPY_SESSION', 'ASSESSMENT', 'EDUCATION', 'OTHER')) not null, "priority" text check ("priority" in ('ROUTINE', 'URGENT', 'ASAP', 'STAT')) not null, "assignee_id" text null, "requester_id" text not null, "duration_minutes" int null, "location" text null, "telehealth_url" text null, "materialized_through" timestamptz null, constraint "task_series_pkey" primary key ("id"));`);
    this.addSql(`create index "task_series_care_plan_id_index" on "task_series" ("care_plan_id");`);
    this.addSql(`create index "task_series_patient_id_index" on "task_series" ("patient_id");`);

    this.addSql(`alter table "task_series" add constraint "task_series_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "task_series" add constraint "task_series_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "task_series" add constraint "task_series_assignee_id_foreign" foreign key ("assignee_id") references "provider" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "task_series" add constraint "task_series_requester_id_foreign" foreign key ("requester_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "task" add column "start_at" timestamptz null, add column "end_at" timestamptz null, add column "location" text null, add column "telehealth_url" text null, add column "series_id" text null, add column "occurrence_at" timestamptz null;`);
    this.addSql(`alter table "task" add constraint "task_series_id_foreign" foreign key ("series_id") references "task_series" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "task_assignee_start_idx" on "task" ("assignee_id", "start_at");`);
    this.addSql(`alter table "task" add constraint "task_series_occurrence_unique" unique ("series_id", "occurrence_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "task" drop constraint "task_series_id_foreign";`);

    this.addSql(`drop table if exists "task_series" cascade;`);

    this.addSql(`drop index "task_assignee_start_idx";`);
    this.addSql(`alter table "task" drop constraint "task_series_occurrence_unique";`);
    this.addSql(`alter table "task" drop column "start_at", drop column "end_at", drop column "location", drop column "telehealth_url", drop column "series_id", drop column "occurrence_at";`);
  }

}
