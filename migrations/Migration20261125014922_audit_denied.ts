import { Migration } from '@mikro-orm/migrations';

export class Migration20261125014922_audit_denied extends Migration {

  /** Refused attempts on patient data are audited too (kind DENIED). */
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_record" drop constraint if exists "audit_record_kind_check";`);

    this.addSql(`alter table "audit_record" add constraint "audit_record_kind_check" check("kind" in ('READ', 'WRITE', 'DENIED'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_record" drop constraint if exists "audit_record_kind_check";`);

    this.addSql(`alter table "audit_record" add constraint "audit_record_kind_check" check("kind" in ('READ', 'WRITE'));`);
  }

}
