import { Migration } from '@mikro-orm/migrations';

export class Migration20261125104324_appointment_responses extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "task" add column "patient_response" text check ("patient_response" in ('CONFIRMED', 'DECLINED')) null, add column "patient_response_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "task" drop column "patient_response", drop column "patient_response_at";`);
  }

}
