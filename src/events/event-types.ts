import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL enum `EventType`, filled by the modules: each module declares
 * the events it records (`defineEventTypes`) and lists them in its
 * descriptor, and the composition root registers them before it builds the
 * schema. The events table stores the type as text, so a new event type
 * needs no change here, to the Event entity, or to the database.
 */
export const EventType: Record<string, string> = {};

const descriptions: Record<string, { description: string }> = {};

registerEnumType(EventType, {
  name: 'EventType',
  description: 'What kind of change an event records. Modules add their own; clients should ignore types they do not know.',
  valuesConfig: descriptions,
});

/** A module's event types, as `defineEventTypes` returns them: each type mapped to itself. */
export type EventTypes<T extends string = string> = { readonly [K in T]: K };

const owners = new Map<string, string>();
const describedBy = new WeakMap<EventTypes, Record<string, string>>();

/**
 * Declares a module's event types, `TYPE → description` (the description
 * goes into the schema). The result maps each type to itself, for
 * `write.event({ type: TaskEvent.TASK_CREATED, … })`.
 */
export function defineEventTypes<T extends string>(types: Record<T, string>): EventTypes<T> {
  const values = Object.freeze(Object.fromEntries(Object.keys(types).map((type) => [type, type]))) as EventTypes<T>;
  describedBy.set(values, types);
  return values;
}

/** Adds a module's event types to the `EventType` enum; a type two modules claim stops start-up. */
export function registerEventTypes(owner: string, types: EventTypes): void {
  for (const [type, description] of Object.entries(describedBy.get(types) ?? {})) {
    const claimed = owners.get(type);
    if (claimed !== undefined && claimed !== owner) throw new Error(`Event type ${type} of ${owner} is already defined by ${claimed}`);
    owners.set(type, owner);
    EventType[type] = type;
    descriptions[type] = { description };
  }
}
