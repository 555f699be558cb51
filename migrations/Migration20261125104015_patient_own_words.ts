import { Migration } from '@mikro-orm/migrations';

export class Migration20261125104015_patient_own_words extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "patient" add column "stated_by_patient_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "patient" drop column "stated_by_patient_at";`);
  }

}
