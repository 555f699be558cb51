import { Frequency, RRule } from 'rrule';
import { badInput } from '../../core/errors';

/** Frequencies a care task may repeat at: daily or less often (rrule numbers them YEARLY 0 … SECONDLY 6). */
const ALLOWED = new Set([Frequency.YEARLY, Frequency.MONTHLY, Frequency.WEEKLY, Frequency.DAILY]);

/** An arbitrary start to see that a rule yields occurrences at all (its own DTSTART comes from the plan). */
const PROBE_START = new Date(Date.UTC(2026, 0, 1, 9));
const PROBE_YEARS = 5;

/**
 * A template task's recurrence, checked with the rrule library and returned
 * in canonical form ("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18"), or
 * BAD_USER_INPUT on `field`. Relative to the plan: no DTSTART (the task's
 * first due time is its start) and no UNTIL (an absolute end; COUNT says how
 * many). Daily or less often, and it must yield an occurrence within five
 * years of any start.
 */
export function checkRecurrence(value: string, field: string): string {
  const text = value.trim().replace(/^RRULE:/i, '');
  const refuse = (why: string) => badInput(field, `${field}: ${why}`);
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(text);
  } catch {
    throw refuse('not an RFC 5545 RRULE (e.g. "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12")');
  }
  if (text.includes('\n') || options.dtstart || options.tzid) throw refuse('no DTSTART or TZID: the plan gives the start');
  if (options.until) throw refuse('no UNTIL in a template: say how many times with COUNT');
  if (options.freq == null || !ALLOWED.has(options.freq)) throw refuse('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  if (options.count != null && !(Number.isInteger(options.count) && options.count >= 1 && options.count <= 500)) {
    throw refuse('COUNT must be 1 to 500');
  }
  if (options.interval != null && !(Number.isInteger(options.interval) && options.interval >= 1 && options.interval <= 365)) {
    throw refuse('INTERVAL must be 1 to 365');
  }
  const lists = [options.byweekday, options.bymonthday, options.bymonth, options.bysetpos, options.byyearday, options.byweekno];
  if (lists.some((list) => (Array.isArray(list) ? list : list == null ? [] : [list]).some((v) => v == null || Number.isNaN(v as number)))) {
    throw refuse('a BY… part has a value that is not one');
  }
  const probeEnd = new Date(PROBE_START.getTime());
  probeEnd.setUTCFullYear(probeEnd.getUTCFullYear() + PROBE_YEARS);
  const first = new RRule({ ...options, dtstart: PROBE_START }).between(PROBE_START, probeEnd, true, (_date, i) => i < 1);
  if (!first.length) throw refuse(`it never occurs within ${PROBE_YEARS} years`);
  return RRule.optionsToString(options).replace(/^RRULE:/, '');
}
