import { Migration } from '@mikro-orm/migrations';

export class Migration20261125035134_event_change_lists extends Migration {

  /**
   * Events store what changed as a list `[{ field, from, to }]` in the order
   * the fields were set (`Event.changes`), named by GraphQL field (`owner`,
   * `assignee`, `provider`, not `ownerId` …), instead of an object keyed by
   * field, whose key order jsonb does not keep. Data only, no column changes.
   *
   * Existing rows are rewritten to the same form: `{ field: { from, to } }`
   * entries keep their values; created values (`{ ownerId: "prv_…" }`) and a
   * transition's `note` become changes from null (`statusReason` for the
   * note); entries whose value did not move are dropped. An ended
   * membership records `endedAt` (the event's time).
   */
  override async up(): Promise<void> {
    this.addSql(`
      update "event" set "changes" = (
        select jsonb_agg(jsonb_build_object('field', c.field, 'from', c.from_value, 'to', c.to_value) order by c.n)
        from (
          select n,
            case key when 'ownerId' then 'owner' when 'assigneeId' then 'assignee' when 'providerId' then 'provider' when 'note' then 'statusReason' else key end as field,
            case when jsonb_typeof(value) = 'object' and value ? 'from' and value ? 'to' then value -> 'from' else 'null'::jsonb end as from_value,
            case when jsonb_typeof(value) = 'object' and value ? 'from' and value ? 'to' then value -> 'to' else value end as to_value
          from jsonb_each("changes") with ordinality as e(key, value, n)
        ) c
        where c.from_value is distinct from c.to_value
      )
      where jsonb_typeof("changes") = 'object' and "type" <> 'CARE_TEAM_MEMBER_ENDED';`);
    this.addSql(`
      update "event" set "changes" = jsonb_build_array(jsonb_build_object(
        'field', 'endedAt', 'from', null, 'to', to_char("at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
      where "type" = 'CARE_TEAM_MEMBER_ENDED' and jsonb_typeof("changes") = 'object';`);
  }

  /** Back to `{ field: { from, to } }` under the old names (created values keep the `{ from: null, to }` form). */
  override async down(): Promise<void> {
    this.addSql(`
      update "event" set "changes" = (
        select jsonb_object_agg(
          case c ->> 'field' when 'owner' then 'ownerId' when 'assignee' then 'assigneeId' when 'provider' then 'providerId' else c ->> 'field' end,
          jsonb_build_object('from', c -> 'from', 'to', c -> 'to'))
        from jsonb_array_elements("changes") as c
      )
      where jsonb_typeof("changes") = 'array';`);
  }

}
