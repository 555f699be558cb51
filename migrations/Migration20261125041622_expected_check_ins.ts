import { Migration } from '@mikro-orm/migrations';

export class Migration20261125041622_expected_check_ins extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "check_in_expectation" ("id" text not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "care_plan_id" text not null, "patient_id" text not null, "measure_code" text not null, "every_days" int not null, "grace_hours" int not null default 6, "severity" text check ("severity" in ('LOW', 'MODERATE', 'HIGH', 'CRITICAL')) not null, "instruction" text not null, "active" boolean not null default true, constraint "check_in_expectation_pkey" primary key ("id"));`);
    this.addSql(`create index "check_in_expectation_care_plan_id_index" on "check_in_expectation" ("care_plan_id");`);
    this.addSql(`create index "check_in_expectation_patient_id_index" on "check_in_expectation" ("patient_id");`);

    this.addSql(`alter table "check_in_expectation" add constraint "check_in_expectation_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "check_in_expectation" add constraint "check_in_expectation_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);

    this.addSql(`create unique index "alert_one_open_per_expectation" on "alert" ("expectation_id") where "expectation_id" is not null and "status" <> 'RESOLVED';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "check_in_expectation" cascade;`);

    this.addSql(`alter table "alert" drop constraint "alert_one_open_per_expectation";`);
  }

}
