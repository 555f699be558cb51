import { Migration } from '@mikro-orm/migrations';

export class Migration20261125035047_monitoring extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "measure" ("code" text not null, "system" text not null default 'http://loinc.org', "name" text not null, "unit" text not null, "value_type" text check ("value_type" in ('QUANTITY', 'CODED', 'QUESTIONNAIRE')) not null, "integer" boolean not null default false, "min_value" double precision null, "max_value" double precision null, "options" jsonb not null, "created_at" timestamptz not null, constraint "measure_pkey" primary key ("code"));`);

    this.addSql(`create table "check_in" ("id" text not null, "patient_id" text not null, "recorded_by_id" text not null, "source" text check ("source" in ('CLINICIAN', 'PATIENT', 'CAREGIVER', 'DEVICE')) not null, "taken_at" timestamptz not null, "note" text null, "created_at" timestamptz not null, constraint "check_in_pkey" primary key ("id"));`);
    this.addSql(`create index "check_in_patient_taken_idx" on "check_in" ("patient_id", "taken_at", "id");`);

    this.addSql(`create table "observation" ("id" text not null, "check_in_id" text not null, "patient_id" text not null, "measure_code" text not null, "taken_at" timestamptz not null, "value" double precision null, "code" text null, "answers" jsonb null, "band" text null, "flags" text[] not null, constraint "observation_pkey" primary key ("id"));`);
    this.addSql(`create index "observation_check_in_id_index" on "observation" ("check_in_id");`);
    this.addSql(`create index "observation_patient_measure_taken_idx" on "observation" ("patient_id", "measure_code", "taken_at", "id");`);

    this.addSql(`alter table "check_in" add constraint "check_in_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "check_in" add constraint "check_in_recorded_by_id_foreign" foreign key ("recorded_by_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "observation" add constraint "observation_check_in_id_foreign" foreign key ("check_in_id") references "check_in" ("id") on update cascade;`);
    this.addSql(`alter table "observation" add constraint "observation_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);

    // The measures the hub ships (docs/contract.md, "Monitoring"): LOINC where a code exists, the hub's own codes otherwise.
    this.addSql(`insert into "measure" ("code", "system", "name", "unit", "value_type", "integer", "min_value", "max_value", "options", "created_at") values
      ('29463-7', 'http://loinc.org', 'Body weight', 'kg', 'QUANTITY', false, 1, 400, '[]'::jsonb, now()),
      ('8480-6', 'http://loinc.org', 'Systolic blood pressure', 'mm[Hg]', 'QUANTITY', true, 40, 300, '[]'::jsonb, now()),
      ('8462-4', 'http://loinc.org', 'Diastolic blood pressure', 'mm[Hg]', 'QUANTITY', true, 20, 200, '[]'::jsonb, now()),
      ('8867-4', 'http://loinc.org', 'Heart rate', '/min', 'QUANTITY', true, 20, 300, '[]'::jsonb, now()),
      ('59408-5', 'http://loinc.org', 'Oxygen saturation (pulse oximetry)', '%', 'QUANTITY', true, 50, 100, '[]'::jsonb, now()),
      ('8310-5', 'http://loinc.org', 'Body temperature', 'Cel', 'QUANTITY', false, 30, 45, '[]'::jsonb, now()),
      ('72514-3', 'http://loinc.org', 'Pain severity (0-10)', '{score}', 'QUANTITY', true, 0, 10, '[]'::jsonb, now()),
      ('44261-6', 'http://loinc.org', 'PHQ-9 total score', '{score}', 'QUESTIONNAIRE', true, 0, 27, '[]'::jsonb, now()),
      ('70274-6', 'http://loinc.org', 'GAD-7 total score', '{score}', 'QUESTIONNAIRE', true, 0, 21, '[]'::jsonb, now()),
      ('mood', 'urn:carehub:measure', 'Mood (0 worst - 10 best)', '{score}', 'QUANTITY', true, 0, 10, '[]'::jsonb, now()),
      ('93832-4', 'http://loinc.org', 'Sleep duration', 'h', 'QUANTITY', false, 0, 24, '[]'::jsonb, now()),
      ('41950-7', 'http://loinc.org', 'Steps in 24 hours', '/d', 'QUANTITY', true, 0, 100000, '[]'::jsonb, now()),
      ('wound-status', 'urn:carehub:measure', 'Wound status', '1', 'CODED', false, null, null, '[{"code": "HEALING", "display": "Healing as expected"}, {"code": "UNCHANGED", "display": "Unchanged"}, {"code": "WORSE", "display": "Worse: more redness, swelling or pain"}, {"code": "INFECTION_SIGNS", "display": "Signs of infection: pus, spreading redness, fever"}, {"code": "OPEN", "display": "Wound edges open"}]'::jsonb, now());`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "observation" drop constraint "observation_check_in_id_foreign";`);

    this.addSql(`drop table if exists "measure" cascade;`);

    this.addSql(`drop table if exists "check_in" cascade;`);

    this.addSql(`drop table if exists "observation" cascade;`);
  }

}
