/** Times and words as the clinician reads them: the viewer's own time zone and locale. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatShortDate = (iso: string | Date) => shortDate.format(new Date(iso));
export const formatTime = (iso: string) => time.format(new Date(iso));
/** The viewer's time zone, named once in the header so every time on the page is read right. */
export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "IN_PROGRESS" → "in progress". */
export const words = (value: string) => value.toLowerCase().replace(/_/g, ' ');

export function age(birthDate: string): number {
  const born = new Date(birthDate);
  const now = new Date();
  const years = now.getFullYear() - born.getFullYear();
  return now < new Date(now.getFullYear(), born.getMonth(), born.getDate()) ? years - 1 : years;
}

export const isOverdue = (dueAt: string | null) => dueAt !== null && new Date(dueAt).getTime() < Date.now();
