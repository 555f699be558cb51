import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync, type NonEmptyArray, type PubSub } from 'type-graphql';
import { authChecker } from '../auth/clinical';
import { registerEventTypes } from '../events/event-types';
import { CareEventsResolver } from '../events/care-events.resolver';
import { EventResolver } from '../events/events.resolver';
import { buildSubgraph, printSubgraphSdl } from './federation';
import { MODULES } from './modules';
import { NodeResolver } from './node.resolver';

/** type-graphql's own type for resolver classes. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ResolverClasses = NonEmptyArray<Function>;

/** The kernel's resolvers (node, events) and every module's. */
export const RESOLVERS = [
  NodeResolver,
  EventResolver,
  CareEventsResolver,
  ...MODULES.flatMap((module) => module.resolvers),
] as unknown as ResolverClasses;

/**
 * type-graphql insists on a PubSub once any @Subscription exists, but ours
 * bring their own `subscribe` (fed from PostgreSQL, src/events/live.ts), so
 * topic-based publishing is not a path events take: using it is a bug.
 */
const NO_TOPIC_PUBSUB: PubSub = {
  publish() {
    throw new Error('Events are published by committing them (src/core/patient-write.ts), not through PubSub');
  },
  subscribe() {
    throw new Error('Subscriptions read the events table (src/events/live.ts), not PubSub topics');
  },
};

/**
 * The root types' documentation. type-graphql builds Query, Mutation and
 * Subscription from the resolvers' methods and takes no description for
 * them, so the composition root, which owns the schema, gives them theirs.
 */
const ROOT_TYPE_DESCRIPTIONS = {
  query:
    'What a portal reads. Every request carries `Authorization: Bearer <JWT>` (UNAUTHENTICATED otherwise). ' +
    'A patient and everything about it exist only for active members of its care team: NOT_FOUND, null, or absent from lists for anyone else.',
  mutation:
    'Every change to care is a mutation with one `input` argument, runs in one transaction with its events and audit record, and fails ' +
    'with a GraphQL error whose `extensions.code` is UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT (with `extensions.field`), ' +
    'CONFLICT (a stale `expectedVersion`, with `extensions.currentVersion`) or INVALID_TRANSITION (with `from` and `to`).',
  subscription:
    'Live events over the graphql-ws protocol on the same path (`/graphql`), with the token in `connectionParams.authorization`. ' +
    'The connection closes with 4403 when the token expires: reconnect with a fresh token and your last `sequence` (for `careEvents`, your last `cursor`).',
} as const;

let typeGraphql: GraphQLSchema | undefined;
let served: GraphQLSchema | undefined;

/** The schema type-graphql builds from the resolver classes (once per process). */
export function buildTypeGraphqlSchema(): GraphQLSchema {
  if (typeGraphql) return typeGraphql;
  for (const module of MODULES) if (module.eventTypes) registerEventTypes(module.name, module.eventTypes);
  typeGraphql = buildSchemaSync({
    resolvers: RESOLVERS,
    // @Authorized(CLINICAL) on the patient record's clinical fields (auth/clinical.ts).
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    pubSub: NO_TOPIC_PUBSUB,
    // class-validator constraints on inputs; failures become BAD_USER_INPUT with the field.
    validate: { forbidUnknownValues: false },
  });
  const roots = {
    query: typeGraphql.getQueryType(),
    mutation: typeGraphql.getMutationType(),
    subscription: typeGraphql.getSubscriptionType(),
  };
  for (const [kind, type] of Object.entries(roots)) if (type) type.description = ROOT_TYPE_DESCRIPTIONS[kind as keyof typeof roots];
  return typeGraphql;
}

/** The executable schema the hub serves: ours, as an Apollo Federation 2 subgraph (`_service`, `_entities`). */
export function buildHubSchema(): GraphQLSchema {
  served ??= buildSubgraph(buildTypeGraphqlSchema());
  return served;
}

/**
 * What Apollo Federation adds to the served schema for gateways, not for
 * portals: the `_entities` and `_service` queries, their types, and the
 * `@link`/`@key` machinery (`link__*`, `federation__*`).
 */
export const FEDERATION_INTERNALS = {
  queryFields: ['_entities', '_service'],
  types: ['_Any', '_Entity', '_Service'],
  directives: ['key', 'link'],
  prefixes: ['link__', 'federation__'],
} as const;

/** Whether a query field, type or directive name (checked against `names`, one list of FEDERATION_INTERNALS) is a federation internal. */
export const isFederationInternal = (name: string, names: readonly string[]) =>
  names.includes(name) || FEDERATION_INTERNALS.prefixes.some((prefix) => name.startsWith(prefix));

/**
 * The served schema as portal clients see it (committed as
 * schema/schema.graphql, read by codegen): everything the hub serves but
 * the federation internals, which only a gateway uses. They stay in the
 * served schema and in the subgraph SDL (schema/subgraph.graphql).
 */
export function clientSchema(schema: GraphQLSchema = buildHubSchema()): GraphQLSchema {
  const config = schema.toConfig();
  const queryConfig = schema.getQueryType()!.toConfig();
  const query = new GraphQLObjectType({
    ...queryConfig,
    fields: Object.fromEntries(
      Object.entries(queryConfig.fields).filter(([name]) => !isFederationInternal(name, FEDERATION_INTERNALS.queryFields)),
    ),
  });
  return new GraphQLSchema({
    ...config,
    query,
    types: config.types.filter((type) => type !== config.query && !isFederationInternal(type.name, FEDERATION_INTERNALS.types)),
    directives: config.directives.filter((directive) => !isFederationInternal(directive.name, FEDERATION_INTERNALS.directives)),
  });
}

/** The schema as committed in schema/schema.graphql: the served schema without the federation internals. */
export function printHubSchema(): string {
  return `${printSchema(lexicographicSortSchema(clientSchema())).trim()}\n`;
}

/** The subgraph SDL as committed in schema/subgraph.graphql (what partner clinics compose with). */
export function printHubSubgraphSdl(): string {
  return printSubgraphSdl(buildTypeGraphqlSchema());
}
