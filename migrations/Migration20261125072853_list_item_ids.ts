import { Migration } from '@mikro-orm/migrations';

/** Each item of the record's four lists (jsonb arrays) gets the stable id it now carries (docs/contract.md, "Editing the record's lists"). */
const LISTS = [
  ['allergies', 'alg'],
  ['conditions', 'cnd'],
  ['medications', 'med'],
  ['support_network', 'sup'],
] as const;

export class Migration20261125072853_list_item_ids extends Migration {

  override async up(): Promise<void> {
    for (const [column, prefix] of LISTS) {
      // Ids of the form the app writes (prefix_ and 32 hex digits); items that have one keep it, order is kept.
      this.addSql(`update "patient" set "${column}" = (
        select coalesce(jsonb_agg(case when e->'id' is null then jsonb_build_object('id', '${prefix}_' || replace(gen_random_uuid()::text, '-', '')) || e else e end order by i), '[]'::jsonb)
        from jsonb_array_elements("${column}") with ordinality as t(e, i)
      ) where exists (select 1 from jsonb_array_elements("${column}") as x(e) where e->'id' is null);`);
    }
  }

  override async down(): Promise<void> {
    for (const [column] of LISTS) {
      this.addSql(`update "patient" set "${column}" = (
        select coalesce(jsonb_agg(e - 'id' order by i), '[]'::jsonb) from jsonb_array_elements("${column}") with ordinality as t(e, i)
      ) where jsonb_array_length("${column}") > 0;`);
    }
  }

}
