import { Migration } from '@mikro-orm/migrations';

export class Migration20261125011435_event_subjects extends Migration {

  /**
   * Events name what they concern by id (`subject_ids`, e.g. the plan and the
   * task) instead of one foreign-key column per module, and store their type
   * as text: a new module's events need no column and no migration here.
   * Existing events keep their subjects, most general first.
   */
  override async up(): Promise<void> {
    this.addSql(`alter table "event" add column "subject_ids" text[] not null default '{}';`);
    this.addSql(`update "event" set "subject_ids" = array_remove(array["care_plan_id", "task_id", "goal_id"], null);`);
    this.addSql(`alter table "event" alter column "subject_ids" drop default;`);

    this.addSql(`alter table "event" drop constraint if exists "event_type_check";`);
    this.addSql(`alter table "event" alter column "type" type text using ("type"::text);`);

    this.addSql(`alter table "event" drop constraint "event_care_plan_id_foreign";`);
    this.addSql(`alter table "event" drop constraint "event_goal_id_foreign";`);
    this.addSql(`alter table "event" drop constraint "event_task_id_foreign";`);
    this.addSql(`drop index "event_task_idx";`);
    this.addSql(`alter table "event" drop column "care_plan_id", drop column "task_id", drop column "goal_id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "event" add column "care_plan_id" text null, add column "task_id" text null, add column "goal_id" text null;`);
    this.addSql(`update "event" set "care_plan_id" = (select s from unnest("subject_ids") s where s like 'cpl\\_%' limit 1), "task_id" = (select s from unnest("subject_ids") s where s like 'tsk\\_%' limit 1), "goal_id" = (select s from unnest("subject_ids") s where s like 'gol\\_%' limit 1);`);
    this.addSql(`alter table "event" drop column "subject_ids";`);
    this.addSql(`alter table "event" add constraint "event_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "event" add constraint "event_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "event" add constraint "event_goal_id_foreign" foreign key ("goal_id") references "goal" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "event" add constraint "event_type_check" check("type" in ('PATIENT_CREATED', 'PATIENT_UPDATED', 'CARE_TEAM_MEMBER_ADDED', 'CARE_TEAM_MEMBER_ENDED', 'CARE_PLAN_CREATED', 'CARE_PLAN_UPDATED', 'CARE_PLAN_OWNER_CHANGED', 'GOAL_ADDED', 'GOAL_UPDATED', 'TASK_CREATED', 'TASK_ASSIGNED', 'TASK_UNASSIGNED', 'TASK_STATUS_CHANGED', 'TASK_NOTE_ADDED'));`);
    this.addSql(`create index "event_task_idx" on "event" ("task_id");`);
  }

}
