import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readOnlyEntity, type ChildPage } from '../core/batch';
import type { Page } from '../core/pagination';
import { Event } from './event.entity';

/** One subject's page of change events: the subject's id, its patient (whose events it searches), the page. */
export interface ChangePageKey {
  patientId: string;
  subjectId: string;
  page: Page;
}

/**
 * Pages of the events that concern a subject (its id in `subject_ids`) and
 * change a field of something (`changes` is not null): a plan's revisions.
 * Oldest first, by `sequence`; the cursor is the sequence. All subjects asked
 * for with the same page — every plan of a dashboard — share one statement.
 */
export function changePagesLoader(em: EntityManager) {
  return new DataLoader<ChangePageKey, ChildPage<Event>, string>(
    async (keys) => {
      const groups = new Map<string, ChangePageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify(key.page);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const results = new Map<ChangePageKey, ChildPage<Event>>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const pages = await loadChangePages(em, group, group[0].page);
          group.forEach((key, i) => results.set(key, pages[i]));
        }),
      );
      return keys.map((key) => results.get(key)!);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.subjectId, key.page]) },
  );
}

/**
 * `page.first + 1` change events per subject after the cursor's sequence,
 * with each subject's total. Each subject is looked up among its patient's
 * events (the `(patient_id, sequence)` index, in sequence order), so the
 * subject filter runs over one patient's log, never the whole table.
 */
async function loadChangePages(em: EntityManager, subjects: readonly ChangePageKey[], page: Page): Promise<ChildPage<Event>[]> {
  const after = page.after ? Number(page.after[0]) : 0; // sequences start at 1
  const rows = await em.execute<Record<string, unknown>[]>(
    `select * from (
       select m.*, row_number() over (partition by m."__subject" order by m.sequence) as "__rn"
       from (
         select e.*, s.subject_id as "__subject", count(*) over (partition by s.subject_id)::int as "__total"
         from jsonb_to_recordset(?::jsonb) as s(subject_id text, patient_id text)
         join event e on e.patient_id = s.patient_id and e.subject_ids @> array[s.subject_id] and e.changes is not null
       ) m
       where m.sequence > ?
     ) p
     where p."__rn" <= ?
     order by p."__subject", p.sequence`,
    [asRecordset(subjects), after, page.first + 1],
  );
  const bySubject = new Map<string, ChildPage<Event>>();
  for (const { __subject, __total, __rn, ...columns } of rows) {
    const subject = String(__subject);
    let found = bySubject.get(subject);
    if (!found) bySubject.set(subject, (found = { rows: [], totalCount: Number(__total) }));
    found.rows.push(readOnlyEntity(em, Event, columns));
  }
  // A subject whose page after the cursor is empty still needs its total.
  const missing = subjects.filter((s) => !bySubject.has(s.subjectId));
  if (page.after && missing.length) {
    const totals = await em.execute<{ subject_id: string; n: number }[]>(
      `select s.subject_id, count(e.id)::int as n
       from jsonb_to_recordset(?::jsonb) as s(subject_id text, patient_id text)
       join event e on e.patient_id = s.patient_id and e.subject_ids @> array[s.subject_id] and e.changes is not null
       group by s.subject_id`,
      [asRecordset(missing)],
    );
    for (const { subject_id, n } of totals) bySubject.set(subject_id, { rows: [], totalCount: Number(n) });
  }
  return subjects.map((s) => bySubject.get(s.subjectId) ?? { rows: [], totalCount: 0 });
}

/** The subjects as one JSON parameter (a list binding would be spread into one parameter per item). */
function asRecordset(subjects: readonly ChangePageKey[]): string {
  return JSON.stringify(subjects.map((s) => ({ subject_id: s.subjectId, patient_id: s.patientId })));
}
