import { auditServer } from 'graphql-http';
import { world } from './support/factories';
import { startTestHub, type TestHub } from './support/hub';

/** GraphQL over HTTP (graphql-http's audit suite) against a running hub. */
let hub: TestHub;
let token: string;
beforeAll(async () => {
  // The audits' documents ask `__type` and `__typename`: introspection on, as an operator may configure it.
  hub = await startTestHub({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' });
  const w = await world(hub);
  token = await w.token(await w.provider());
});
afterAll(() => hub.close());

it('passes every MUST and SHOULD audit of the GraphQL-over-HTTP spec', async () => {
  // Every request to the hub needs a token; the audits send none of their own.
  const fetchFn: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const results = await auditServer({ url: hub.url, fetchFn });
  const failed = results.filter((r) => r.status !== 'ok' && !r.name.startsWith('MAY'));
  expect(failed.map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
});
