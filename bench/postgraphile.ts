/**
 * PostGraphile 5 on the bench's database, as the competitor for the dashboard
 * (issue 17): the bench starts it as a child process beside the hub and the
 * raw-SQL floor and sends it the same Dashboard query, written against
 * PostGraphile's generated schema.
 *
 * As PostGraphile is deployed:
 *  - the amber preset, plain `node:http` through grafserv's node adapter, a
 *    pool of 10 connections as the hub and the floor have;
 *  - every request's bearer token verified (HS256, the hub's own verifier,
 *    same secret), its subject handed to PostgreSQL as `jwt.claims.sub`;
 *  - "the patients on my teams", "the active care team", "the active plan" and
 *    "the open tasks" as computed-column SQL functions, PostGraphile's normal
 *    way to express them. The functions are created here, in the bench's
 *    database only, never by the hub's migrations.
 *
 * The query it is sent is the README's Dashboard query
 * (test/operations/dashboard.graphql) field for field, written against
 * PostGraphile's schema: bench/postgraphile-dashboard.graphql.
 *
 * What PostGraphile does not do here and the hub does: the care-team access
 * rule as the hub enforces it, the provider lookup and the audit record of
 * every patient read.
 */
import './promise-with-resolvers'; // first: before PostGraphile's modules load
import http from 'node:http';
import { Client } from 'pg';
import type { Config } from '../src/core/config';
import { createTokenVerifier, type TokenVerifier } from '../src/auth/tokens';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';

/** The functions PostGraphile exposes as fields (`@behavior` keeps the lists plain where the hub's are). */
const FUNCTIONS = `
create or replace function my_patients() returns setof patient language sql stable as $$
  select p.* from patient p
  join care_team_member m on m.patient_id = p.id
   and m.provider_id = current_setting('jwt.claims.sub', true) and m.ended_at is null
  order by p.name, p.id
$$;
create or replace function patient_active_care_team(p patient) returns setof care_team_member language sql stable as $$
  select t.* from care_team_member t where t.patient_id = p.id and t.ended_at is null order by t.started_at, t.id
$$;
comment on function patient_active_care_team(patient) is E'@behavior -connection +list';
create or replace function patient_active_care_plan(p patient) returns care_plan language sql stable as $$
  select c.* from care_plan c where c.patient_id = p.id and c.status = 'ACTIVE' order by c.created_at desc limit 1
$$;
create or replace function care_plan_open_tasks(c care_plan) returns setof task language sql stable as $$
  select k.* from task k
  where k.care_plan_id = c.id and k.status in ('REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'ON_HOLD')
  order by k.id
$$;
`;

export async function startPostGraphile(databaseUrl: string, secret: string, port = 0) {
  const setup = new Client({ connectionString: databaseUrl });
  await setup.connect();
  try {
    await setup.query(FUNCTIONS);
  } finally {
    await setup.end();
  }

  // The hub's verifier with the bench's HS256 secret: no identity provider, so no issuer, audience or key set.
  const verifier: TokenVerifier = createTokenVerifier({ jwt: {} } as Config, secret);
  const claims = new WeakMap<http.IncomingMessage, string>();

  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString: databaseUrl, schemas: ['public'], poolConfig: { max: 10 } })],
    grafserv: { graphqlPath: '/', graphiql: false, watch: false },
    grafast: {
      explain: false,
      context(requestContext) {
        const sub = requestContext.node?.req ? claims.get(requestContext.node.req) : undefined;
        return { pgSettings: { 'jwt.claims.sub': sub ?? '' } };
      },
    },
  });
  const serv = pgl.createServ(grafserv);
  const handler = serv.createHandler();
  const server = http.createServer((req, res) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    verifier.verify(token).then(
      (c) => {
        claims.set(req, c.sub);
        handler(req, res);
      },
      () => {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"message":"unauthenticated"}]}');
      },
    );
  });
  await serv.ready();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${bound}/`,
    async close() {
      await new Promise((r) => server.close(r));
      await pgl.release(); // and its grafserv
    },
  };
}

// As a child process of the bench: start, report the URL, stop when the parent goes.
if (require.main === module) {
  startPostGraphile(process.env.DATABASE_URL!, process.env.JWT_SECRET!).then(
    (pgl) => {
      process.send!({ ready: true, url: pgl.url });
      process.on('disconnect', () => void pgl.close().then(() => process.exit(0)));
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
