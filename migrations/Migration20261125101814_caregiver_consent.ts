import { Migration } from '@mikro-orm/migrations';

export class Migration20261125101814_caregiver_consent extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "caregiver_consent" ("id" text not null, "patient_id" text not null, "contact_id" text not null, "scopes" text[] not null, "granted_at" timestamptz not null, "granted_by_kind" text check ("granted_by_kind" in ('PROVIDER', 'OPERATOR', 'PATIENT', 'CAREGIVER')) not null, "grant_reason" text null, "revoked_at" timestamptz null, "revoked_reason" text null, constraint "caregiver_consent_pkey" primary key ("id"));`);
    this.addSql(`create index "caregiver_consent_patient_id_index" on "caregiver_consent" ("patient_id");`);
    this.addSql(`create index "caregiver_consent_active_by_contact" on "caregiver_consent" ("contact_id", "patient_id") where "revoked_at" is null;`);
    this.addSql(`create unique index "caregiver_consent_active_unique" on "caregiver_consent" ("patient_id", "contact_id") where "revoked_at" is null;`);

    this.addSql(`alter table "caregiver_consent" add constraint "caregiver_consent_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "caregiver_consent" cascade;`);
  }

}
