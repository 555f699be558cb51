import { Migration } from '@mikro-orm/migrations';

export class Migration20261125070615_event_note extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "event" add column "note" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "event" drop column "note";`);
  }

}
