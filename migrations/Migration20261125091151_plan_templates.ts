import { Migration } from '@mikro-orm/migrations';

export class Migration20261125091151_plan_templates extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "plan_template" ("id" text not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" text not null, "title" text not null, "category" text check ("category" in ('GENERAL', 'HOME_RECOVERY', 'MENTAL_HEALTH', 'CHRONIC_CONDITION')) not null, "description" text null, "warning_signs" text[] not null, "goals" jsonb not null, "tasks" jsonb not null, "warning_sign_rules" jsonb not null, "expected_check_ins" jsonb not null, "archived_at" timestamptz null, constraint "plan_template_pkey" primary key ("id"));`);
    this.addSql(`create index "plan_template_organization_idx" on "plan_template" ("organization_id", "id");`);

    this.addSql(`alter table "plan_template" add constraint "plan_template_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "plan_template" cascade;`);
  }

}
