import { Field, ObjectType } from 'type-graphql';
import { JSONResolver } from 'graphql-scalars';

/**
 * What one edit changed, by field name, in the order the fields were set:
 * the form services build (`applyChanges`, `createdValues`) and hand to
 * `write.event({ changes })`. Field names are the GraphQL field names of
 * the object the event concerns, and values are as the API shows them
 * (docs/contract.md, "Revision history").
 */
export type Changes = Record<string, { from: unknown; to: unknown }>;

/**
 * One field of an object that a change moved, from what to what: one entry
 * of `Event.changes`, and how events store it (a JSON list, in the order the
 * service set the fields).
 */
@ObjectType({
  simpleResolvers: true,
  description:
    'One field of the object an event concerns (the task of a task event, the goal of a goal event, the plan, the patient record, ' +
    'the care-team membership), from what to what. Values are JSON as the API shows them: enum values by name, `Date` as YYYY-MM-DD, ' +
    '`DateTime` as ISO 8601, another object (a provider) by its id, a list (allergies, warning signs …) as the whole list, or one item of a record list as its values (field `allergies.<itemId>`, from null when added, to null when removed); null is "not set".',
})
export class FieldChange {
  @Field({
    description:
      "The name of that object's GraphQL field, e.g. `status`, `title`, `owner` or `assignee` (a Provider's id), `allergies` (the whole list), or `allergies.alg_…` (one item, edited with `addAllergy`, `updateAllergy`, `removeAllergy` and the like).",
  })
  field!: string;

  @Field(() => JSONResolver, {
    nullable: true,
    description: 'The value before the change; null when it was not set (always null on creation).',
  })
  from!: unknown;

  @Field(() => JSONResolver, { nullable: true, description: 'The value after the change; null when the change cleared it.' })
  to!: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

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
    if (same(target[key], value)) continue;
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

/**
 * The changes of a creation: every field the new object was given, from null.
 * Fields left unset (null, undefined, an empty list) are left out, as they
 * changed nothing.
 */
export function createdValues(values: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const [field, to] of Object.entries(values)) {
    if (to === undefined || to === null || (Array.isArray(to) && to.length === 0)) continue;
    changes[field] = { from: null, to };
  }
  return changes;
}

/**
 * Adds a field to changes when it really moved (compared as JSON), so a
 * service that sets fields one by one records only what differs.
 */
export function addChange(changes: Changes, field: string, from: unknown, to: unknown): Changes {
  if (!same(from, to)) changes[field] = { from: from ?? null, to: to ?? null };
  return changes;
}

/** The new values of a diff, as a patch. */
export function changedValues<T extends object>(changes: Changes): Partial<T> {
  return Object.fromEntries(Object.entries(changes).map(([key, { to }]) => [key, to])) as Partial<T>;
}

/**
 * Changes as events store and `Event.changes` shows them: a list in the
 * order the fields were set, each value as its JSON form (a `Date` becomes
 * its ISO string, an embedded object its fields); null when nothing changed.
 */
export function toFieldChanges(changes: Changes | null | undefined): FieldChange[] | null {
  const list = Object.entries(changes ?? {}).map(([field, { from, to }]) => ({ field, from: asJson(from), to: asJson(to) }));
  return list.length ? list : null;
}

function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value ?? null));
}

/** `"title, status (DRAFT → ACTIVE)"`: the changed fields for an event summary, with a status move spelled out. */
export function describeChanges(changes: Changes): string {
  const status = changes.status ? ` (${String(changes.status.from)} → ${String(changes.status.to)})` : '';
  return `${Object.keys(changes).join(', ')}${status}`;
}
