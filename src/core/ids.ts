import { v7 as uuidv7 } from 'uuid';
import { badInput } from './errors';

/**
 * Public ids are opaque strings `<prefix>_<uuidv7 hex>`: the prefix lets
 * `node(id:)` route to the right type without a lookup, and uuidv7 keeps
 * primary-key indexes append-mostly.
 *
 * Each node type declares its prefix once, next to its entity
 * (`const TaskId = defineIdType('Task', 'tsk')`), so a new module needs no
 * edit here; two types claiming one prefix stop the process at import.
 */
export interface IdType {
  /** The GraphQL type name the ids belong to, e.g. `Task`. */
  readonly type: string;
  readonly prefix: string;
  /** A new id of this type. */
  create(): string;
}

const typeByPrefix = new Map<string, string>();
const prefixByType = new Map<string, string>();

export function defineIdType(type: string, prefix: string): IdType {
  if (!/^[a-z]{3}$/.test(prefix)) throw new Error(`Id prefix "${prefix}" of ${type} must be three lower-case letters`);
  const taken = typeByPrefix.get(prefix);
  if (taken !== undefined && taken !== type) throw new Error(`Id prefix "${prefix}" is taken by ${taken}, cannot give it to ${type}`);
  typeByPrefix.set(prefix, type);
  prefixByType.set(type, prefix);
  return { type, prefix, create: () => `${prefix}_${uuidv7().replace(/-/g, '')}` };
}

const ID_PATTERN = /^([a-z]{3})_([0-9a-f]{32})$/;

/** The node type an id belongs to, or null when the string is not one of our ids. */
export function typeOfId(id: string): string | null {
  const match = ID_PATTERN.exec(id);
  return match ? (typeByPrefix.get(match[1]) ?? null) : null;
}

/** Validates an input id's type; a malformed id or one of another type → BAD_USER_INPUT with the field. */
export function expectId(type: string, id: string, field: string): string {
  if (!prefixByType.has(type)) throw new Error(`No id type ${type} is defined`);
  if (typeOfId(id) !== type) throw badInput(field, `${field} is not a ${type} id`);
  return id;
}

/** The id prefix a type declared (`Patient` → `pat`), for encodings that store only the hex part of its ids. */
export function prefixOf(type: string): string {
  const prefix = prefixByType.get(type);
  if (prefix === undefined) throw new Error(`No id type ${type} is defined`);
  return prefix;
}
