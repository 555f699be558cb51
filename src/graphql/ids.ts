import { typeOfId, type NodeTypeName } from '../db/ids';
import { badInput } from './errors';

/** Validates an input id's type; a malformed id or one of another type → BAD_USER_INPUT with the field. */
export function expectId(type: NodeTypeName, id: string, field: string): string {
  if (typeOfId(id) !== type) throw badInput(field, `${field} is not a ${type} id`);
  return id;
}
