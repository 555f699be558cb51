import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync, type PubSub } from 'type-graphql';
import { EventResolver } from '../events/events.resolver';
import { CarePlanResolver } from '../modules/care-plans/care-plans.resolver';
import { CareTeamResolver } from '../modules/care-team/care-team.resolver';
import { GoalResolver } from '../modules/goals/goals.resolver';
import { OrganizationResolver } from '../modules/organizations/organizations.resolver';
import { PatientResolver } from '../modules/patients/patients.resolver';
import { ProviderResolver } from '../modules/providers/providers.resolver';
import { TaskNoteResolver, TaskResolver } from '../modules/tasks/tasks.resolver';
import { buildSubgraph, printSubgraphSdl } from './federation';
import { NodeResolver } from './node.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';

export const RESOLVERS = [
  NodeResolver, OrganizationResolver, ProviderResolver, PatientResolver, CareTeamResolver,
  CarePlanResolver, GoalResolver, TaskResolver, TaskNoteResolver, EventResolver, AuditResolver,
] as const;

/**
 * type-graphql insists on a PubSub once any @Subscription exists, but ours
 * bring their own `subscribe` (fed from PostgreSQL, src/events/live.ts), so
 * topic-based publishing is not a path events take: using it is a bug.
 */
const NO_TOPIC_PUBSUB: PubSub = {
  publish() {
    throw new Error('Events are published by committing them (src/events/recorder.ts), not through PubSub');
  },
  subscribe() {
    throw new Error('Subscriptions read the events table (src/events/live.ts), not PubSub topics');
  },
};

let typeGraphql: GraphQLSchema | undefined;
let served: GraphQLSchema | undefined;

/** The schema type-graphql builds from the resolver classes (once per process). */
export function buildTypeGraphqlSchema(): GraphQLSchema {
  typeGraphql ??= buildSchemaSync({
    resolvers: RESOLVERS,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    pubSub: NO_TOPIC_PUBSUB,
    // class-validator constraints on inputs; failures become BAD_USER_INPUT with the field.
    validate: { forbidUnknownValues: false },
  });
  return typeGraphql;
}

/** The executable schema the hub serves: ours, as an Apollo Federation 2 subgraph (`_service`, `_entities`). */
export function buildHubSchema(): GraphQLSchema {
  served ??= buildSubgraph(buildTypeGraphqlSchema());
  return served;
}

/** The schema as committed in schema/schema.graphql. */
export function printHubSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildHubSchema())).trim()}\n`;
}

/** The subgraph SDL as committed in schema/subgraph.graphql (what partner clinics compose with). */
export function printHubSubgraphSdl(): string {
  return printSubgraphSdl(buildTypeGraphqlSchema());
}
