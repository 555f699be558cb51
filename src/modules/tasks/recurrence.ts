import { Frequency, RRule, type Options } from 'rrule';
import { badInput } from '../../core/errors';

/**
 * Recurrence rules (RFC 5545 RRULE) of recurring tasks, parsed and expanded
 * with the `rrule` package in its "floating" mode: the rule is expanded over
 * wall-clock times (dates whose UTC fields are the local time), and each
 * wall-clock time is then placed in the series' IANA time zone here. rrule's
 * own TZID support returns times in the *process's* zone, so the result
 * would depend on the server's TZ; this way a weekly 09:00 visit in
 * Europe/Berlin is at 09:00 Berlin time on both sides of a DST change,
 * whatever zone the hub runs in (docs/contract.md, "Recurring tasks").
 */

/** How often a care task may recur: daily at most (an hourly rule would flood a worklist). */
const FREQUENCIES = new Map<Frequency, string>([
  [Frequency.DAILY, 'DAILY'],
  [Frequency.WEEKLY, 'WEEKLY'],
  [Frequency.MONTHLY, 'MONTHLY'],
  [Frequency.YEARLY, 'YEARLY'],
]);

/** Most occurrences a COUNT may ask for. */
export const MAX_COUNT = 1000;

/** Ranges of the numeric BY* parts (RFC 5545 §3.3.10); 0 is never allowed. */
const RANGES: Partial<Record<keyof Options, [number, number]>> = {
  bymonth: [1, 12],
  bymonthday: [-31, 31],
  byyearday: [-366, 366],
  byweekno: [-53, 53],
  byhour: [0, 23],
  byminute: [0, 59],
  bysecond: [0, 59],
  bysetpos: [-366, 366],
};
const ZERO_ALLOWED = new Set<keyof Options>(['byhour', 'byminute', 'bysecond']);

/** A rule as given by a client, with where its parts sit in the input (`recurrence.rule`, …). */
export interface RecurrenceInput {
  rule: string;
  start: Date;
  timeZone: string;
}

/** A checked recurrence: the rule normalised (`FREQ=WEEKLY;COUNT=12;BYDAY=MO,WE,FR`), the zone's canonical name. */
export interface Recurrence {
  rule: string;
  start: Date;
  timeZone: string;
}

/** The zone's canonical IANA name, or null when the runtime does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null; // no offsets such as "+01:00": a series needs DST rules
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * Checks and normalises a recurrence. Everything wrong is BAD_USER_INPUT
 * naming the field (`<prefix>.rule`, `<prefix>.timeZone`, `<prefix>.start`):
 * a rule rrule cannot parse, a frequency more often than daily, a part out
 * of range, COUNT with UNTIL, or a rule with no occurrence at all.
 */
export function parseRecurrence(input: RecurrenceInput, prefix = 'recurrence'): Recurrence {
  const field = `${prefix}.rule`;
  const refuse = (why: string) => badInput(field, `${field} is not a recurrence rule this hub accepts: ${why}`);
  const { rule } = checkRule(input.rule, field);
  const timeZone = canonicalTimeZone(input.timeZone.trim());
  if (!timeZone) throw badInput(`${prefix}.timeZone`, `${prefix}.timeZone must be an IANA time zone such as "Europe/Berlin"`);
  const recurrence = { rule, start: input.start, timeZone };
  if (!new Occurrences(recurrence).after(new Date(input.start.getTime() - 1))) throw refuse('it has no occurrence from its start on');
  return recurrence;
}

/**
 * A rule's own text checked and normalised, before any start or zone: of a
 * recurring task and of a plan template's task (which adds its own limits).
 * BAD_USER_INPUT on `field`: a rule rrule cannot parse, a DTSTART (the start
 * is the task's), a frequency more often than daily, a part out of range,
 * COUNT with UNTIL.
 */
export function checkRule(value: string, field: string): { rule: string; until: Date | null } {
  const refuse = (why: string) => badInput(field, `${field} is not a recurrence rule this hub accepts: ${why}`);
  const text = value.trim().replace(/^RRULE:/i, '');
  if (!text || /[\r\n]/.test(text) || /(^|;)(DTSTART|TZID)/i.test(text)) {
    throw refuse("give one RRULE line such as FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12 (the start is the task's)");
  }
  let options: Partial<Options>;
  try {
    options = RRule.parseString(text);
  } catch (err) {
    throw refuse((err as Error).message);
  }
  if (options.freq === undefined || !FREQUENCIES.has(options.freq)) throw refuse('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  if (options.count != null && options.until != null) throw refuse('COUNT and UNTIL must not both be given');
  if (options.count != null && !(Number.isInteger(options.count) && options.count >= 1 && options.count <= MAX_COUNT)) {
    throw refuse(`COUNT must be a whole number from 1 to ${MAX_COUNT}`);
  }
  if (options.interval != null && !(Number.isInteger(options.interval) && options.interval >= 1 && options.interval <= 366)) {
    throw refuse('INTERVAL must be a whole number from 1 to 366');
  }
  if (options.until != null && Number.isNaN(new Date(options.until).getTime())) throw refuse('UNTIL is not a date-time');
  for (const [key, [min, max]] of Object.entries(RANGES) as [keyof Options, [number, number]][]) {
    const value = options[key];
    if (value == null) continue;
    const values = Array.isArray(value) ? value : [value];
    const allowed = (n: unknown) =>
      Number.isInteger(n) && (n as number) >= min && (n as number) <= max && (n !== 0 || ZERO_ALLOWED.has(key));
    if (!values.every(allowed)) throw refuse(`${key.slice(2).toUpperCase()} is out of range`);
  }
  const weekdays = options.byweekday == null ? [] : Array.isArray(options.byweekday) ? options.byweekday : [options.byweekday];
  if (weekdays.some((day) => day == null)) throw refuse('BYDAY names a day that does not exist (MO, TU, WE, TH, FR, SA, SU)');
  if (options.wkst === null) throw refuse('WKST names a day that does not exist');
  return { rule: RRule.optionsToString(options).replace(/^RRULE:/, ''), until: options.until ? new Date(options.until) : null };
}

/** The occurrences of a (checked) recurrence, as instants. */
export class Occurrences {
  private readonly rrule: RRule;
  private readonly until: Date | null;

  constructor(private readonly recurrence: Recurrence) {
    const { until, ...options } = RRule.parseString(recurrence.rule);
    this.until = until ? new Date(until) : null;
    // Floating: the start's wall-clock time in the zone; UNTIL (an instant, RFC 5545) is applied to the instants below.
    this.rrule = new RRule({ ...options, dtstart: toWallClock(recurrence.start, recurrence.timeZone), tzid: null }, true);
  }

  /** Occurrences with `from` < time ≤ `to`, in order, at most `limit`. */
  between(from: Date, to: Date, limit: number): Date[] {
    const out: Date[] = [];
    // One day of slack each side: a wall-clock time is within 14 hours of its instant.
    this.rrule.between(
      shift(toWallClock(from, this.recurrence.timeZone), -DAY),
      shift(toWallClock(to, this.recurrence.timeZone), DAY),
      true,
      (wall) => {
        const at = this.toInstant(wall);
        if (this.until && at > this.until) return false;
        if (at > to) return false;
        if (at > from) out.push(at);
        return out.length < limit;
      },
    );
    return out;
  }

  /** The first occurrence after `after`, or null when the rule has ended. */
  after(after: Date): Date | null {
    let wall: Date | null = shift(toWallClock(after, this.recurrence.timeZone), -DAY);
    for (;;) {
      wall = this.rrule.after(wall, false);
      if (!wall) return null;
      const at = this.toInstant(wall);
      if (this.until && at > this.until) return null;
      if (at > after) return at;
    }
  }

  private toInstant(wall: Date): Date {
    return fromWallClock(wall, this.recurrence.timeZone);
  }
}

const DAY = 86_400_000;
const shift = (date: Date, ms: number) => new Date(date.getTime() + ms);

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time of `instant` in `timeZone`, as a Date whose UTC fields are that local time. */
export function toWallClock(instant: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  );
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, instant.getUTCMilliseconds()));
}

/** The zone's UTC offset at `instant`, in ms. */
const offsetAt = (instant: number, timeZone: string) => toWallClock(new Date(instant), timeZone).getTime() - instant;

/**
 * The instant a wall-clock time (UTC fields = local time) names in
 * `timeZone`, as RFC 5545 §3.3.5 resolves DST: a time that occurs twice (the
 * hour the clocks go back) is the first of the two; a time that does not
 * exist (the hour they go forward) is read with the offset before the gap,
 * i.e. moved later by the gap (02:30 → 03:30).
 */
export function fromWallClock(wall: Date, timeZone: string): Date {
  const w = wall.getTime();
  // DST changes are more than a day apart: the offsets a day either side are the only candidates.
  const before = offsetAt(w - DAY, timeZone);
  const after = offsetAt(w + DAY, timeZone);
  const valid = [w - before, w - after].filter((t) => offsetAt(t, timeZone) === w - t);
  return new Date(valid.length ? Math.min(...valid) : w - before);
}

/** An instant shown in the series' zone for summaries: `2027-03-29 09:00 Europe/Berlin`. */
export function localTime(instant: Date, timeZone: string): string {
  return `${toWallClock(instant, timeZone).toISOString().slice(0, 16).replace('T', ' ')} ${timeZone}`;
}

/**
 * Whether a checked rule (see `checkRule`) occurs at all within `years` of
 * now: for a rule kept without its start, as a plan template's is.
 */
export function recurrenceOccurs(rule: string, years: number): boolean {
  const start = new Date();
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return new Occurrences({ rule, start, timeZone: 'UTC' }).between(new Date(start.getTime() - 1), end, 1).length > 0;
}
