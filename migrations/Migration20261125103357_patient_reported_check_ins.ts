import { Migration } from '@mikro-orm/migrations';

export class Migration20261125103357_patient_reported_check_ins extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "check_in" alter column "recorded_by_id" drop not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "check_in" alter column "recorded_by_id" set not null;`);
  }

}
