import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../core/errors';
import type { PlanTemplateTask } from './plan-template.entity';

/** A date as YYYY-MM-DD (UTC, as `Date` scalars arrive). */
export const day = (date: Date) => date.toISOString().slice(0, 10);

/** The day `days` after `date` (both YYYY-MM-DD): calendar days, no time zone involved. */
export const addDays = (date: string, days: number) => day(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));

/** The IANA zone due times are given in; BAD_USER_INPUT on `timeZone` when neither the runtime nor PostgreSQL knows it. */
export function checkTimeZone(zone: string): string {
  const known =
    /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) &&
    (() => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    })();
  if (!known) throw badInput('timeZone', `timeZone: "${zone.slice(0, 64)}" is not an IANA time zone such as "Europe/Stockholm"`);
  return zone;
}

/**
 * The first due time of each task: `dueInDays` after the start date at its
 * `dueTime`, as a wall-clock time in `zone` (PostgreSQL's time-zone database
 * turns it into an instant, daylight-saving changes included); null for a
 * task without a deadline. One statement, before the write.
 */
export async function dueTimes(
  em: EntityManager,
  taskList: readonly PlanTemplateTask[],
  startDate: string,
  zone: string,
): Promise<(Date | null)[]> {
  const due = taskList.flatMap((task, i) => (task.dueInDays == null ? [] : [[i, task.dueInDays, task.dueTime] as const]));
  const result: (Date | null)[] = taskList.map(() => null);
  try {
    if (!due.length) {
      await em.execute('select now() at time zone ?', [zone]);
      return result;
    }
    const rows = await em.execute<{ i: number; due: Date }[]>(
      `select v.i, (?::date + v.n + v.t::time) at time zone ? as due from (values ${due.map(() => '(?::int, ?::int, ?::text)').join(', ')}) as v(i, n, t)`,
      [startDate, zone, ...due.flat()],
    );
    for (const row of rows) result[row.i] = new Date(row.due);
    return result;
  } catch (err) {
    if (err instanceof Error && /time zone/i.test(err.message)) throw badInput('timeZone', `timeZone: PostgreSQL does not know "${zone}"`);
    throw err;
  }
}
