import { Migration } from '@mikro-orm/migrations';

export class Migration20261125035542_medication_safety extends Migration {

  /**
   * The allergy–medication safety check: a MEDICATION task may name its drug,
   * and a write that overrode the check keeps the writer's reason on its audit
   * record (a new nullable column: existing rows are not touched, so the
   * append-only trigger has nothing to refuse).
   */
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_record" add column "override_reason" text null;`);

    this.addSql(`alter table "task" add column "medication" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_record" drop column "override_reason";`);

    this.addSql(`alter table "task" drop column "medication";`);
  }

}
