import { v7 as uuidv7 } from 'uuid';

/**
 * Public ids are opaque strings `<prefix>_<uuidv7 hex>`: the prefix lets
 * `node(id:)` route to the right table without a lookup, and uuidv7 keeps
 * primary-key indexes append-mostly.
 */
export const ID_PREFIX = {
  Organization: 'org',
  Provider: 'prv',
  Patient: 'pat',
  CareTeamMember: 'ctm',
  CarePlan: 'cpl',
  Goal: 'gol',
  Task: 'tsk',
  TaskNote: 'tnt',
  Event: 'evt',
} as const;

export type NodeTypeName = keyof typeof ID_PREFIX;

const PREFIX_TO_TYPE = new Map<string, NodeTypeName>(
  Object.entries(ID_PREFIX).map(([type, prefix]) => [prefix, type as NodeTypeName]),
);

const ID_PATTERN = /^([a-z]{3})_([0-9a-f]{32})$/;

export function newId(type: NodeTypeName): string {
  return `${ID_PREFIX[type]}_${uuidv7().replace(/-/g, '')}`;
}

/** The node type an id belongs to, or null when the string is not one of our ids. */
export function typeOfId(id: string): NodeTypeName | null {
  const match = ID_PATTERN.exec(id);
  return match ? (PREFIX_TO_TYPE.get(match[1]) ?? null) : null;
}

