import { GraphQLError, lexicographicSortSchema, parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { createResolversMap } from 'type-graphql';
import type { Context } from '../core/context';
import { badInput, ErrorCode } from '../core/errors';
import { typeOfId } from '../core/ids';
import type { NodeFetcher } from '../core/module';
import { MODULES } from './modules';

/** Federation 2 entities we expose, each keyed by `id` (see the @Directive on each entity class), from the modules' descriptors. */
const ENTITY_LOADERS: Record<string, NodeFetcher> = Object.assign({}, ...MODULES.map((module) => module.federation ?? {}));

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';

/** The subgraph SDL partner clinics compose with (committed as schema/subgraph.graphql). */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  // Sorted, like schema.graphql: the order type-graphql meets the types in depends on module load order.
  return `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(lexicographicSortSchema(schema)).trim()}\n`;
}

/**
 * The schema the hub serves: type-graphql's schema as a Federation 2
 * subgraph. `_entities` resolves representations through the same services
 * (DataLoaders and access checks) as every other path: what the caller may
 * not see resolves to null.
 */
export function buildSubgraph(schema: GraphQLSchema): GraphQLSchema {
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<Context>;
  for (const [typeName, load] of Object.entries(ENTITY_LOADERS)) {
    resolvers[typeName] = {
      ...(resolvers[typeName] as object),
      __resolveReference: async (reference: { id?: unknown }, ctx: Context) => {
        // A representation is client input: an id that is no id of this type (a number, an object,
        // another type's id) names nothing, like an unknown one.
        if (typeof reference.id !== 'string' || typeOfId(reference.id) !== typeName) return null;
        try {
          return await load(ctx, reference.id);
        } catch (err) {
          const code = err instanceof GraphQLError ? err.extensions.code : undefined;
          if (code === ErrorCode.NOT_FOUND || code === ErrorCode.BAD_USER_INPUT) return null;
          throw err;
        }
      },
    };
  }
  const subgraph = buildSubgraphSchema([{ typeDefs: parse(printSubgraphSdl(schema)), resolvers }]);
  refuseUnknownEntityTypes(subgraph);
  return subgraph;
}

/**
 * `_entities` of a type that is no entity here (say `Goal`, or `Node`) would reach
 * @apollo/subgraph's resolver, which fails with an internal error; a gateway never
 * sends one, so it is bad input.
 */
function refuseUnknownEntityTypes(subgraph: GraphQLSchema): void {
  const field = subgraph.getQueryType()!.getFields()._entities;
  const resolve = field.resolve!;
  field.resolve = (source, args: { representations: unknown[] }, ctx, info) => {
    args.representations.forEach((representation, i) => {
      const typeName = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof typeName !== 'string' || !Object.hasOwn(ENTITY_LOADERS, typeName)) {
        throw badInput(`representations.${i}`, `${JSON.stringify(typeName) ?? 'undefined'} is not an entity type of this subgraph`);
      }
    });
    return resolve(source, args, ctx, info);
  };
}
