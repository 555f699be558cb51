import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { createResolversMap } from 'type-graphql';
import { carePlans } from '../modules/care-plans/care-plans.service';
import { organizations } from '../modules/organizations/organizations.service';
import { patients } from '../modules/patients/patients.service';
import { providers } from '../modules/providers/providers.service';
import { tasks } from '../modules/tasks/tasks.service';
import type { Context } from './context';
import { ErrorCode } from './errors';

/** Federation 2 entities we expose, each keyed by `id` (see the @Directive on each entity class). */
const ENTITY_LOADERS: Record<string, (ctx: Context, id: string) => Promise<unknown>> = {
  Organization: organizations.get,
  Provider: providers.get,
  Patient: patients.get,
  CarePlan: carePlans.get,
  Task: tasks.get,
};

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';

/** The subgraph SDL partner clinics compose with (committed as schema/subgraph.graphql). */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  return `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema).trim()}\n`;
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
      __resolveReference: async (reference: { id: string }, ctx: Context) => {
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
  return buildSubgraphSchema([{ typeDefs: parse(printSubgraphSdl(schema)), resolvers }]);
}
