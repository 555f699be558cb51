import { Migration } from '@mikro-orm/migrations';

export class Migration20261125035943_alerts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "warning_sign_rule" ("id" text not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "care_plan_id" text not null, "patient_id" text not null, "measure_code" text not null, "comparison" text check ("comparison" in ('ABOVE', 'AT_LEAST', 'BELOW', 'AT_MOST', 'RISES_BY_MORE_THAN', 'FALLS_BY_MORE_THAN', 'IS_ONE_OF')) not null, "threshold" double precision null, "within_days" int null, "consecutive" int not null default 1, "item" int null, "codes" jsonb not null, "severity" text check ("severity" in ('LOW', 'MODERATE', 'HIGH', 'CRITICAL')) not null, "instruction" text not null, "assign_role" text null, "active" boolean not null default true, constraint "warning_sign_rule_pkey" primary key ("id"));`);
    this.addSql(`create index "warning_sign_rule_care_plan_id_index" on "warning_sign_rule" ("care_plan_id");`);
    this.addSql(`create index "warning_sign_rule_patient_measure_idx" on "warning_sign_rule" ("patient_id", "measure_code");`);

    this.addSql(`create table "alert" ("id" text not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "patient_id" text not null, "care_plan_id" text not null, "reason" text check ("reason" in ('WARNING_SIGN', 'MISSED_CHECK_IN')) not null, "rule_id" text null, "expectation_id" text null, "check_in_id" text null, "severity" text check ("severity" in ('LOW', 'MODERATE', 'HIGH', 'CRITICAL')) not null, "status" text check ("status" in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')) not null default 'OPEN', "summary" text not null, "instruction" text not null, "triggering_values" jsonb not null, "task_id" text null, "acknowledged_by_id" text null, "acknowledged_at" timestamptz null, "acknowledge_note" text null, "resolved_by_id" text null, "resolved_at" timestamptz null, "resolution_note" text null, constraint "alert_pkey" primary key ("id"));`);
    this.addSql(`create index "alert_patient_idx" on "alert" ("patient_id", "created_at");`);

    this.addSql(`alter table "warning_sign_rule" add constraint "warning_sign_rule_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "warning_sign_rule" add constraint "warning_sign_rule_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);

    this.addSql(`alter table "alert" add constraint "alert_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "alert" add constraint "alert_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "alert" add constraint "alert_rule_id_foreign" foreign key ("rule_id") references "warning_sign_rule" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "alert" add constraint "alert_check_in_id_foreign" foreign key ("check_in_id") references "check_in" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "alert" add constraint "alert_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "alert" add constraint "alert_acknowledged_by_id_foreign" foreign key ("acknowledged_by_id") references "provider" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "alert" add constraint "alert_resolved_by_id_foreign" foreign key ("resolved_by_id") references "provider" ("id") on update cascade on delete set null;`);

    // One alert per rule until it is resolved (alerts.service checks it under the patient lock; this backs it).
    this.addSql(`create unique index "alert_one_open_per_rule" on "alert" ("rule_id") where "rule_id" is not null and "status" <> 'RESOLVED';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "alert" drop constraint "alert_rule_id_foreign";`);

    this.addSql(`drop table if exists "warning_sign_rule" cascade;`);

    this.addSql(`drop table if exists "alert" cascade;`);
  }

}
