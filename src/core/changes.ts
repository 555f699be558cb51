/** One field of a versioned object that a change moved, from what to what. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** What one edit changed, by field name, as recorded on its event. */
export type Changes = Record<string, FieldChange>;

/**
 * What an edit would change: every field of `patch` that is not `undefined`
 * and differs from the current value (compared as JSON, so lists and embedded
 * objects compare by content), as `{ from, to }`. Fields left `undefined` stay
 * as they are. An empty result means the edit changes nothing: no version,
 * no event.
 */
export function diffChanges<T extends object>(target: T, patch: { [P in keyof T]?: T[P] }): Changes {
  const changes: Changes = {};
  for (const key of Object.keys(patch) as (keyof T & string)[]) {
    const value = patch[key];
    if (value === undefined) continue;
    if (JSON.stringify(target[key]) === JSON.stringify(value)) continue;
    changes[key] = { from: target[key], to: value };
  }
  return changes;
}

/** Applies an edit to an object (see `diffChanges`) and says what it changed. */
export function applyChanges<T extends object>(target: T, patch: { [P in keyof T]?: T[P] }): Changes {
  const changes = diffChanges(target, patch);
  for (const [key, { to }] of Object.entries(changes)) target[key as keyof T] = to as T[keyof T];
  return changes;
}

/** The new values of a diff, as a patch. */
export function changedValues<T extends object>(changes: Changes): Partial<T> {
  return Object.fromEntries(Object.entries(changes).map(([key, { to }]) => [key, to])) as Partial<T>;
}

/** `"title, status (DRAFT → ACTIVE)"`: the changed fields for an event summary, with a status move spelled out. */
export function describeChanges(changes: Changes): string {
  const status = changes.status ? ` (${String(changes.status.from)} → ${String(changes.status.to)})` : '';
  return `${Object.keys(changes).join(', ')}${status}`;
}
