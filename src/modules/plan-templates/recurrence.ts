import { badInput } from '../../core/errors';
import { checkRecurrenceRule, recurrenceOccurs } from '../tasks';

/** How far ahead a template's rule must occur at least once (its start comes with each plan). */
const WITHIN_YEARS = 5;

/**
 * A template task's recurrence, checked as a recurring task's rule is (the
 * tasks module's `checkRecurrenceRule`) and returned in canonical form
 * ("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18"), or BAD_USER_INPUT on `field`.
 * Relative to the plan, so no UNTIL (an absolute end; COUNT says how many),
 * and it must occur within five years of any start.
 */
export function checkRecurrence(value: string, field: string): string {
  const { rule, until } = checkRecurrenceRule(value, field);
  if (until) throw badInput(field, `${field}: no UNTIL in a template: say how many times with COUNT`);
  if (!recurrenceOccurs(rule, WITHIN_YEARS)) throw badInput(field, `${field}: it never occurs within ${WITHIN_YEARS} years`);
  return rule;
}
