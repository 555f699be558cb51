import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { PROJECT_ROOT } from '../src/core/config';
import { startTestHub, type TestHub } from './support/hub';
import { world, type World } from './support/factories';

/** A partner's lab-results service: extends Patient, references Provider as the ordering clinician. */
const LABS_SDL = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Patient @key(fields: "id") {
    id: ID!
    labResults: [LabResult!]!
  }
  type Provider @key(fields: "id", resolvable: false) {
    id: ID!
  }
  type LabResult {
    id: ID!
    test: String!
    value: String!
    orderedBy: Provider!
  }
`);

let hub: TestHub;
let w: World;
let labs: { url: string; stop(): Promise<void> };
let gateway: { url: string; stop(): Promise<void> };
const labResults = new Map<string, { id: string; test: string; value: string; orderedBy: string }[]>();

async function serveLabs() {
  const server = new ApolloServer({
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    schema: buildSubgraphSchema([
      {
        typeDefs: LABS_SDL,
        resolvers: {
          Patient: {
            __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
            labResults: (patient: { id: string }) =>
              (labResults.get(patient.id) ?? []).map((r) => ({ ...r, orderedBy: { __typename: 'Provider', id: r.orderedBy } })),
          },
        },
      },
    ]),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

async function serveGateway(supergraphSdl: string) {
  const server = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl,
      // The caller's token travels to every subgraph; the hub enforces it.
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    }),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}

function compose(hubUrl: string, labsUrl: string) {
  const hubSdl = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'subgraph.graphql'), 'utf8');
  return composeServices([
    { name: 'carehub', typeDefs: parse(hubSdl), url: hubUrl },
    { name: 'labs', typeDefs: LABS_SDL, url: labsUrl },
  ]);
}

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
  labs = await serveLabs();
  const composition = compose(hub.url, labs.url);
  if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
  gateway = await serveGateway(composition.supergraphSdl);
});
afterAll(async () => {
  await gateway?.stop();
  await labs?.stop();
  await hub?.close();
});

async function viaGateway(query: string, variables: Record<string, unknown>, token: string) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: { extensions?: { code?: string } }[] };
}

const CROSSING_QUERY = `query Chart($id: ID!) {
  patient(id: $id) {
    name
    activeCarePlan { title owner { name } }
    labResults { test value orderedBy { id name discipline } }
  }
}`;

describe('the hub as a Federation 2 subgraph', () => {
  it('composes with a partner subgraph without errors', () => {
    const composition = compose('http://hub.invalid/graphql', 'http://labs.invalid/graphql');
    expect(composition.errors).toBeUndefined();
    expect(composition.supergraphSdl).toContain('labResults');
  });

  it("answers, through a gateway, a query that crosses both subgraphs with the caller's token enforced by the hub", async () => {
    const doctor = await w.provider({ name: 'Dr. Federated' });
    const patient = await w.patient([doctor], { name: 'Patient Across Graphs' });
    await w.plan(patient, doctor, { title: 'Recovery plan' });
    labResults.set(patient.id, [{ id: 'lab-1', test: 'HbA1c', value: '6.8 %', orderedBy: doctor.id }]);

    const result = await viaGateway(CROSSING_QUERY, { id: patient.id }, await w.token(doctor));
    expect(result.errors).toBeUndefined();
    expect(result.data!.patient).toEqual({
      name: 'Patient Across Graphs',
      activeCarePlan: { title: 'Recovery plan', owner: { name: 'Dr. Federated' } },
      labResults: [{ test: 'HbA1c', value: '6.8 %', orderedBy: { id: doctor.id, name: 'Dr. Federated', discipline: 'PHYSICIAN' } }],
    });
  });

  it('gives a caller who is not on the care team nothing of the patient through the gateway', async () => {
    const doctor = await w.provider();
    const stranger = await w.provider();
    const patient = await w.patient([doctor]);
    labResults.set(patient.id, [{ id: 'lab-2', test: 'INR', value: '2.4', orderedBy: doctor.id }]);
    const result = await viaGateway(CROSSING_QUERY, { id: patient.id }, await w.token(stranger));
    expect(result.data?.patient ?? null).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('resolves _entities through the same access checks: a patient the caller may not see is null', async () => {
    const doctor = await w.provider();
    const stranger = await w.provider();
    const patient = await w.patient([doctor]);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { id name } ... on Provider { id name } } }`;
    const representations = [
      { __typename: 'Patient', id: patient.id },
      { __typename: 'Provider', id: doctor.id },
    ];
    const post = async (token: string) =>
      (
        await fetch(hub.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables: { r: representations } }),
        })
      ).json() as Promise<{ data: { _entities: unknown[] } }>;

    expect((await post(await w.token(doctor))).data._entities).toEqual([
      { id: patient.id, name: patient.name },
      { id: doctor.id, name: doctor.name },
    ]);
    expect((await post(await w.token(stranger))).data._entities).toEqual([null, { id: doctor.id, name: doctor.name }]);
  });

  it('batches _entities: the same number of SQL statements for 3 and for 30 patients', async () => {
    const doctor = await w.provider();
    const token = await w.token(doctor);
    const count = async (n: number) => {
      const patients = [];
      for (let i = 0; i < n; i++) patients.push(await w.patient([doctor]));
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { id name } } }`;
      hub.countStatements();
      const response = await fetch(hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { r: patients.map((p) => ({ __typename: 'Patient', id: p.id })) } }),
      });
      const body = (await response.json()) as { data: { _entities: unknown[] } };
      expect(body.data._entities.every(Boolean)).toBe(true);
      return hub.statements.length;
    };
    const few = await count(3);
    const many = await count(30);
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(4); // viewer, patients, membership, audit
  });
});
