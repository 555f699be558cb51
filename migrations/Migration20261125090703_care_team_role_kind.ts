import { Migration } from '@mikro-orm/migrations';

export class Migration20261125090703_care_team_role_kind extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "care_team_member" add column "role_kind" text check ("role_kind" in ('PRIMARY_PHYSICIAN', 'SPECIALIST', 'THERAPIST', 'HOME_NURSE', 'COORDINATOR', 'PHARMACIST', 'SOCIAL_WORKER', 'OTHER')) not null default 'OTHER';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "care_team_member" drop column "role_kind";`);
  }

}
