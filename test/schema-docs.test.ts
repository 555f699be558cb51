/**
 * The schema documents itself: portal developers read it in their editor,
 * GraphiQL or generated types, so every name a client can use says what it
 * means. Walks the schema the hub serves, so a new module is held to the
 * same rule without being listed here.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { buildHubSchema, FEDERATION_INTERNALS, isFederationInternal } from '../src/app/schema';

/** Apollo Federation's own types and fields: documented by Apollo, not part of the portal API. */
const federation = (name: string) => isFederationInternal(name, [...FEDERATION_INTERNALS.types, ...FEDERATION_INTERNALS.queryFields]);

/** Every coordinate (`Type`, `Type.field`, `Type.field(arg:)`, `Input.field`, `Enum.VALUE`) of the schema without a description. */
function undescribed(schema: GraphQLSchema): { missing: string[]; total: number } {
  const missing: string[] = [];
  let total = 0;
  const check = (coordinate: string, description: string | null | undefined) => {
    total += 1;
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (federation(type.name) || isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (federation(field.name)) continue;
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return { missing, total };
}

describe('the schema documentation', () => {
  it('describes every type, field, argument, input field and enum value (add a description where the code declares it)', () => {
    const { missing, total } = undescribed(buildHubSchema());
    expect(total).toBeGreaterThan(400);
    expect(missing).toEqual([]);
  });

  it('finds what is missing: a field without a description is listed by its coordinate', () => {
    const schema = buildHubSchema();
    const pageInfo = schema.getType('PageInfo');
    if (!isObjectType(pageInfo)) throw new Error('PageInfo is no object type');
    const field = pageInfo.getFields().startCursor;
    const saved = field.description;
    field.description = undefined;
    try {
      expect(undescribed(schema).missing).toEqual(['PageInfo.startCursor']);
    } finally {
      field.description = saved;
    }
  });
});
