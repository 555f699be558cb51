import { Migration } from '@mikro-orm/migrations';

export class Migration20261125101355_patient_voice_principals extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_record" add column "actor_kind" text check ("actor_kind" in ('PROVIDER', 'OPERATOR', 'PATIENT', 'CAREGIVER')) null;`);

    this.addSql(`create index "patient_support_network_items" on "patient" using gin ("support_network" jsonb_path_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_record" drop column "actor_kind";`);

    this.addSql(`drop index "patient_support_network_items";`);
  }

}
