import { Migration } from '@mikro-orm/migrations';

export class Migration20261124020052_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_record" ("id" bigserial primary key, "at" timestamptz not null default now(), "actor_sub" text not null, "actor_provider_id" text null, "patient_id" text null, "operation" text not null, "kind" text check ("kind" in ('READ', 'WRITE')) not null, "request_id" text not null);`);
    this.addSql(`create index "audit_record_patient_idx" on "audit_record" ("patient_id", "id");`);

    this.addSql(`create table "organization" ("id" text not null, "name" text not null, "created_at" timestamptz not null, constraint "organization_pkey" primary key ("id"));`);

    this.addSql(`create table "patient" ("id" text not null, "organization_id" text not null, "mrn" text not null, "name" text not null, "birth_date" date not null, "preferred_language" text null, "history" text null, "preferences" text[] not null, "personal_goals" text[] not null, "support_network" jsonb not null, "allergies" jsonb not null, "conditions" jsonb not null, "medications" jsonb not null, "last_event_sequence" int not null default 0, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "patient_pkey" primary key ("id"));`);
    this.addSql(`alter table "patient" add constraint "patient_organization_mrn_unique" unique ("organization_id", "mrn");`);

    this.addSql(`create table "provider" ("id" text not null, "organization_id" text not null, "name" text not null, "discipline" text check ("discipline" in ('PHYSICIAN', 'SPECIALIST', 'THERAPIST', 'NURSE')) not null, "specialty" text null, "email" text not null, "phone" text null, "created_at" timestamptz not null, constraint "provider_pkey" primary key ("id"));`);
    this.addSql(`create index "provider_organization_id_index" on "provider" ("organization_id");`);
    this.addSql(`alter table "provider" add constraint "provider_email_unique" unique ("email");`);

    this.addSql(`create table "care_team_member" ("id" text not null, "patient_id" text not null, "provider_id" text not null, "role" text not null, "started_at" timestamptz not null, "ended_at" timestamptz null, constraint "care_team_member_pkey" primary key ("id"));`);
    this.addSql(`create index "care_team_member_patient_idx" on "care_team_member" ("patient_id", "started_at");`);
    this.addSql(`create index "care_team_member_active_by_provider" on "care_team_member" ("provider_id", "patient_id") where "ended_at" is null;`);
    this.addSql(`create unique index "care_team_member_active_unique" on "care_team_member" ("patient_id", "provider_id") where "ended_at" is null;`);

    this.addSql(`create table "care_plan" ("id" text not null, "patient_id" text not null, "title" text not null, "description" text null, "category" text check ("category" in ('GENERAL', 'HOME_RECOVERY', 'MENTAL_HEALTH', 'CHRONIC_CONDITION')) not null, "status" text check ("status" in ('DRAFT', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'REVOKED')) not null default 'DRAFT', "owner_id" text not null, "warning_signs" text[] not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "care_plan_pkey" primary key ("id"));`);
    this.addSql(`create index "care_plan_owner_idx" on "care_plan" ("owner_id");`);
    this.addSql(`create index "care_plan_patient_idx" on "care_plan" ("patient_id", "created_at");`);
    this.addSql(`create unique index "care_plan_one_active_per_category" on "care_plan" ("patient_id", "category") where "status" = 'ACTIVE';`);

    this.addSql(`create table "goal" ("id" text not null, "care_plan_id" text not null, "patient_id" text not null, "description" text not null, "target" text null, "due_date" date null, "status" text check ("status" in ('PROPOSED', 'ACTIVE', 'ACHIEVED', 'CANCELLED')) not null default 'PROPOSED', "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "goal_pkey" primary key ("id"));`);
    this.addSql(`create index "goal_patient_id_index" on "goal" ("patient_id");`);
    this.addSql(`create index "goal_care_plan_idx" on "goal" ("care_plan_id", "created_at");`);

    this.addSql(`create table "task" ("id" text not null, "care_plan_id" text not null, "patient_id" text not null, "title" text not null, "description" text null, "kind" text check ("kind" in ('MEDICATION', 'FOLLOW_UP', 'HOME_VISIT', 'TELECONSULT', 'THERAPY_SESSION', 'ASSESSMENT', 'EDUCATION', 'OTHER')) not null, "priority" text check ("priority" in ('ROUTINE', 'URGENT', 'ASAP', 'STAT')) not null default 'ROUTINE', "status" text check ("status" in ('REQUESTED', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'FAILED')) not null default 'REQUESTED', "status_reason" text null, "assignee_id" text null, "requester_id" text not null, "due_at" timestamptz null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "task_pkey" primary key ("id"));`);
    this.addSql(`create index "task_patient_id_index" on "task" ("patient_id");`);
    this.addSql(`create index "task_assignee_idx" on "task" ("assignee_id", "status", "created_at", "id");`);
    this.addSql(`create index "task_care_plan_idx" on "task" ("care_plan_id", "created_at", "id");`);

    this.addSql(`create table "event" ("id" text not null, "patient_id" text not null, "sequence" int not null, "type" text check ("type" in ('PATIENT_CREATED', 'PATIENT_UPDATED', 'CARE_TEAM_MEMBER_ADDED', 'CARE_TEAM_MEMBER_ENDED', 'CARE_PLAN_CREATED', 'CARE_PLAN_UPDATED', 'CARE_PLAN_OWNER_CHANGED', 'GOAL_ADDED', 'GOAL_UPDATED', 'TASK_CREATED', 'TASK_ASSIGNED', 'TASK_UNASSIGNED', 'TASK_STATUS_CHANGED', 'TASK_NOTE_ADDED')) not null, "at" timestamptz not null, "actor_id" text null, "actor_sub" text not null, "care_plan_id" text null, "task_id" text null, "goal_id" text null, "summary" text not null, "changes" jsonb null, constraint "event_pkey" primary key ("id"));`);
    this.addSql(`create index "event_task_idx" on "event" ("task_id");`);
    this.addSql(`alter table "event" add constraint "event_patient_sequence_unique" unique ("patient_id", "sequence");`);

    this.addSql(`create table "task_note" ("id" text not null, "task_id" text not null, "patient_id" text not null, "author_id" text not null, "text" text not null, "created_at" timestamptz not null, constraint "task_note_pkey" primary key ("id"));`);
    this.addSql(`create index "task_note_patient_id_index" on "task_note" ("patient_id");`);
    this.addSql(`create index "task_note_task_idx" on "task_note" ("task_id", "created_at", "id");`);

    this.addSql(`alter table "patient" add constraint "patient_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade;`);

    this.addSql(`alter table "provider" add constraint "provider_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade;`);

    this.addSql(`alter table "care_team_member" add constraint "care_team_member_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "care_team_member" add constraint "care_team_member_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "care_plan" add constraint "care_plan_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "care_plan" add constraint "care_plan_owner_id_foreign" foreign key ("owner_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "goal" add constraint "goal_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "goal" add constraint "goal_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);

    this.addSql(`alter table "task" add constraint "task_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade;`);
    this.addSql(`alter table "task" add constraint "task_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "task" add constraint "task_assignee_id_foreign" foreign key ("assignee_id") references "provider" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "task" add constraint "task_requester_id_foreign" foreign key ("requester_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "event" add constraint "event_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "event" add constraint "event_actor_id_foreign" foreign key ("actor_id") references "provider" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "event" add constraint "event_care_plan_id_foreign" foreign key ("care_plan_id") references "care_plan" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "event" add constraint "event_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "event" add constraint "event_goal_id_foreign" foreign key ("goal_id") references "goal" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "task_note" add constraint "task_note_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade;`);
    this.addSql(`alter table "task_note" add constraint "task_note_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "task_note" add constraint "task_note_author_id_foreign" foreign key ("author_id") references "provider" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "patient" drop constraint "patient_organization_id_foreign";`);

    this.addSql(`alter table "provider" drop constraint "provider_organization_id_foreign";`);

    this.addSql(`alter table "care_team_member" drop constraint "care_team_member_patient_id_foreign";`);

    this.addSql(`alter table "care_plan" drop constraint "care_plan_patient_id_foreign";`);

    this.addSql(`alter table "goal" drop constraint "goal_patient_id_foreign";`);

    this.addSql(`alter table "task" drop constraint "task_patient_id_foreign";`);

    this.addSql(`alter table "event" drop constraint "event_patient_id_foreign";`);

    this.addSql(`alter table "task_note" drop constraint "task_note_patient_id_foreign";`);

    this.addSql(`alter table "care_team_member" drop constraint "care_team_member_provider_id_foreign";`);

    this.addSql(`alter table "care_plan" drop constraint "care_plan_owner_id_foreign";`);

    this.addSql(`alter table "task" drop constraint "task_assignee_id_foreign";`);

    this.addSql(`alter table "task" drop constraint "task_requester_id_foreign";`);

    this.addSql(`alter table "event" drop constraint "event_actor_id_foreign";`);

    this.addSql(`alter table "task_note" drop constraint "task_note_author_id_foreign";`);

    this.addSql(`alter table "goal" drop constraint "goal_care_plan_id_foreign";`);

    this.addSql(`alter table "task" drop constraint "task_care_plan_id_foreign";`);

    this.addSql(`alter table "event" drop constraint "event_care_plan_id_foreign";`);

    this.addSql(`alter table "event" drop constraint "event_goal_id_foreign";`);

    this.addSql(`alter table "event" drop constraint "event_task_id_foreign";`);

    this.addSql(`alter table "task_note" drop constraint "task_note_task_id_foreign";`);

    this.addSql(`drop table if exists "audit_record" cascade;`);

    this.addSql(`drop table if exists "organization" cascade;`);

    this.addSql(`drop table if exists "patient" cascade;`);

    this.addSql(`drop table if exists "provider" cascade;`);

    this.addSql(`drop table if exists "care_team_member" cascade;`);

    this.addSql(`drop table if exists "care_plan" cascade;`);

    this.addSql(`drop table if exists "goal" cascade;`);

    this.addSql(`drop table if exists "task" cascade;`);

    this.addSql(`drop table if exists "event" cascade;`);

    this.addSql(`drop table if exists "task_note" cascade;`);
  }

}
