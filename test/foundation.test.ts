import { Client } from 'pg';
import fs from 'node:fs';
import path from 'node:path';
import { MeDocument } from './__generated__/graphql';
import { buildSchema } from 'graphql';
import { buildHubSchema, FEDERATION_INTERNALS, isFederationInternal, printHubSchema, printHubSubgraphSdl } from '../src/app/schema';
import { PROJECT_ROOT } from '../src/core/config';
import { signToken } from '../src/auth/tokens';
import { initOrm } from '../src/app/orm';
import { startTestHub, type TestHub } from './support/hub';
import { world, type World } from './support/factories';

let hub: TestHub;
let w: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

describe('the running hub', () => {
  it('reports the database as reachable on GET /healthz, without a token', async () => {
    const response = await fetch(hub.url.replace(/graphql$/, 'healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it('answers `me` with the provider the token belongs to', async () => {
    const doctor = await w.provider({ name: 'Dr. Test House' });
    const result = await hub.gql(MeDocument, {}, await w.token(doctor));
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toMatchObject({
      id: doctor.id,
      name: 'Dr. Test House',
      discipline: 'PHYSICIAN',
      organization: { id: w.org.id },
    });
  });

  it('refuses a request without a token with UNAUTHENTICATED and HTTP 401', async () => {
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it('refuses a token signed with another secret, and one of an unknown provider', async () => {
    const forged = await signToken('another-secret-that-is-32-characters-long!!', { sub: 'prv_x' });
    const unknown = await hub.token('prv_0000000000000000000000000000dead');
    for (const token of [forged, unknown, 'not-a-jwt']) {
      const result = await hub.gql(MeDocument, {}, token);
      expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('masks unexpected errors: no stack trace or SQL leaves the server outside development', async () => {
    const result = await hub.gql(MeDocument, {}, await hub.token('operator', ['ADMIN']));
    // An operator token has no provider behind it: a clean NOT_FOUND, nothing internal.
    expect(result.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
  });
});

describe('the schema', () => {
  it('is committed in schema/schema.graphql exactly as the code builds it (run `npm run schema`)', () => {
    const committed = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(printHubSchema());
  });

  it('is committed as a Federation 2 subgraph in schema/subgraph.graphql exactly as the code builds it', () => {
    const committed = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'subgraph.graphql'), 'utf8');
    expect(committed).toBe(printHubSubgraphSdl());
  });

  it('keeps the federation internals (_entities, _service, _Any, _Entity, _Service, @key, @link, link__*, federation__*) out of schema/schema.graphql', () => {
    const committed = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'schema.graphql'), 'utf8');
    expect(committed.match(/\b(_entities|_service|_Any|_Entity|_Service|link__\w+|federation__\w+)\b|@key\b|@link\b/g)).toBeNull();
  });

  it('is served as schema/schema.graphql plus the federation internals only: every other type, query and directive is in the file', () => {
    const committed = buildSchema(fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'schema.graphql'), 'utf8'));
    const served = buildHubSchema();
    const internal = isFederationInternal;
    const names = (schema: typeof served) => ({
      types: Object.keys(schema.getTypeMap())
        .filter((name) => !internal(name, FEDERATION_INTERNALS.types))
        .sort(),
      queries: Object.keys(schema.getQueryType()!.getFields())
        .filter((name) => !internal(name, FEDERATION_INTERNALS.queryFields))
        .sort(),
      directives: schema
        .getDirectives()
        .map((d) => d.name)
        .filter((name) => !internal(name, FEDERATION_INTERNALS.directives))
        .sort(),
    });
    expect(names(committed)).toEqual(names(served));
    expect(Object.keys(served.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['_entities', '_service']));
  });
});

describe('the database', () => {
  it('has every migration applied and nothing pending: the entities and the migrated schema agree', async () => {
    // Seen as the schema's owner: the serving role is not shown the check constraints of tables it does not own.
    const owner = await initOrm({ clientUrl: process.env.MIGRATION_DATABASE_URL!, poolMax: 1 });
    try {
      expect(await owner.getMigrator().getPendingMigrations()).toEqual([]);
      const diff = await owner.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
      expect(diff.trim()).toBe('');
    } finally {
      await owner.close(true);
    }
  });

  it("refuses to alter or delete audit records even through the schema owner's connection (the serving role may not try: test/database-roles.test.ts)", async () => {
    const patient = await w.patient();
    const owner = new Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    try {
      const count = async () => (await owner.query('select id from audit_record where patient_id = $1', [patient.id])).rowCount;
      const before = await count();
      expect(before).toBeGreaterThan(0);
      await expect(owner.query('update audit_record set operation = $1 where patient_id = $2', ['x', patient.id])).rejects.toThrow(
        /append-only/,
      );
      await expect(owner.query('delete from audit_record where patient_id = $1', [patient.id])).rejects.toThrow(/append-only/);
      await expect(owner.query('truncate audit_record')).rejects.toThrow(/append-only/);
      expect(await count()).toBe(before);
    } finally {
      await owner.end();
    }
  });
});

describe('shutdown', () => {
  it('lets an accepted change whose client hung up commit before the database closes', async () => {
    const other = await startTestHub();
    const doctor = await w.provider();
    const patient = await w.patient([doctor]);
    const plan = await w.plan(patient, doctor);
    const task = await w.task(plan, doctor);
    const lockHolder = hub.orm.em.fork(); // another hub's pool: it stays open throughout
    let closed!: Promise<void>;
    await lockHolder.transactional(async (tx) => {
      // Hold up the change's first read (the task), so that it is still running, between two statements,
      // when the client gives up and the server stops: its next statement needs a connection again.
      await tx.execute('lock table task in access exclusive mode');
      const hangUp = new AbortController();
      const sent = fetch(other.url, {
        method: 'POST',
        signal: hangUp.signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await w.token(doctor)}` },
        body: JSON.stringify({
          query: 'mutation($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }',
          variables: { input: { taskId: task.id, text: 'written during shutdown' } },
        }),
      }).catch(() => 'hung up');
      const [{ pid }] = await tx.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      for (let i = 0; i < 250; i++) {
        // until the change waits for our lock
        const [{ n }] = await hub.orm.em
          .getConnection()
          .execute('select count(*)::int as n from pg_stat_activity where ? = any(pg_blocking_pids(pid))', [pid]);
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      hangUp.abort();
      expect(await sent).toBe('hung up');
      closed = other.close();
      await new Promise((r) => setTimeout(r, 200)); // the server is stopping; the change still waits
    });
    await closed;
    const notes = await hub.orm.em.getConnection().execute<{ text: string }[]>('select text from task_note where task_id = ?', [task.id]);
    expect(notes.map((n) => n.text)).toEqual(['written during shutdown']);
  });
});
