import { Migration } from '@mikro-orm/migrations';

export class Migration20261125091120_careevents_membership_index extends Migration {

  /**
   * careEvents reads a caller's membership spans (auth/membership.ts) from the
   * events that start and end memberships; a partial index holds just those,
   * so the read does not scan a patient's whole history.
   */
  override async up(): Promise<void> {
    this.addSql(`create index "event_membership_idx" on "event" ("patient_id", "sequence") where "type" in ('CARE_TEAM_MEMBER_ADDED', 'CARE_TEAM_MEMBER_ENDED');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "event_membership_idx";`);
  }

}
