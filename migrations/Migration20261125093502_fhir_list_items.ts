import { Migration } from '@mikro-orm/migrations';

export class Migration20261125093502_fhir_list_items extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "patient_medications_items" on "patient" using gin ("medications" jsonb_path_ops);`);
    this.addSql(`create index "patient_conditions_items" on "patient" using gin ("conditions" jsonb_path_ops);`);
    this.addSql(`create index "patient_allergies_items" on "patient" using gin ("allergies" jsonb_path_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "patient_medications_items";`);
    this.addSql(`drop index "patient_conditions_items";`);
    this.addSql(`drop index "patient_allergies_items";`);
  }

}
