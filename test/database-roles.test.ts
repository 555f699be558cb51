import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort, startServerProcess } from './support/process';
import { startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { world, type World } from './support/factories';

/**
 * Two database roles (src/app/database-roles.ts): the owner migrates, the
 * serving role (the hub's DATABASE_URL) owns nothing and may only append to
 * and read the audit trail and the event log. Every test file's hub serves as
 * that role already; here its limits are tried directly.
 */
let hub: TestHub;
let w: World;
let serving: Client;
let patientId: string;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
  patientId = (await w.patient()).id;
  serving = new Client({ connectionString: process.env.DATABASE_URL });
  await serving.connect();
});
afterAll(async () => {
  await serving.end();
  await hub.close();
});

/** Runs `sql` as the serving role inside a transaction that is always rolled back; resolves with the rows or rejects. */
async function tryAsServing(sql: string, params: unknown[] = []) {
  await serving.query('begin');
  try {
    return (await serving.query(sql, params)).rows;
  } finally {
    await serving.query('rollback');
  }
}

const denied = /permission denied|must be owner/;

describe('the serving role (DATABASE_URL)', () => {
  it('is not the owner and not a superuser, and owns no schema, table, sequence, function or type in the database', async () => {
    const [me] = await tryAsServing('select current_user as name, rolsuper from pg_roles where rolname = current_user');
    expect(me.rolsuper).toBe(false);
    const owner = new Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    const ownerName = (await owner.query('select current_user as name')).rows[0].name;
    await owner.end();
    expect(me.name).not.toBe(ownerName);
    const [owned] = await tryAsServing(`select
      (select count(*) from pg_namespace where nspowner = current_user::regrole)::int
      + (select count(*) from pg_class where relowner = current_user::regrole)::int
      + (select count(*) from pg_proc where proowner = current_user::regrole)::int
      + (select count(*) from pg_type where typowner = current_user::regrole)::int as n`);
    expect(owned.n).toBe(0);
  });

  it('may add audit records and read them', async () => {
    const rows = await tryAsServing(
      `insert into audit_record (request_id, actor_sub, kind, operation, patient_id)
       values ('roles-test', 'roles-test', 'READ', 'rolesTest', $1) returning id`,
      [patientId],
    );
    expect(rows).toHaveLength(1);
    expect((await tryAsServing('select count(*)::int as n from audit_record where patient_id = $1', [patientId]))[0].n).toBeGreaterThan(0);
  });

  it.each([
    ['update', "update audit_record set operation = 'x' where patient_id = $1"],
    ['delete', 'delete from audit_record where patient_id = $1'],
  ])('may not %s audit records', async (_, sql) => {
    await expect(tryAsServing(sql, [patientId])).rejects.toThrow(denied);
  });

  it.each([
    ['truncate the audit trail', 'truncate audit_record'],
    ['add a column to the audit trail', 'alter table audit_record add column note text'],
    ['disable its triggers', 'alter table audit_record disable trigger all'],
    ['drop its append-only trigger', 'drop trigger audit_record_no_update_delete on audit_record'],
    ['drop the audit trail', 'drop table audit_record'],
    ['change the event log', "update event set summary = 'x' where patient_id = $1"],
    ['remove events', 'delete from event where patient_id = $1'],
    ['truncate the event log', 'truncate event'],
    ['create a table', 'create table roles_probe (id int)'],
    ['alter a table of the record', 'alter table patient add column roles_probe text'],
    ['record a migration as applied', "insert into mikro_orm_migrations (name) values ('roles-probe')"],
    ['forget a migration', 'delete from mikro_orm_migrations'],
    ['change the job queue schema', 'alter table graphile_worker._private_jobs add column roles_probe text'],
  ])('may not %s', async (_, sql) => {
    await expect(tryAsServing(sql, sql.includes('$1') ? [patientId] : [])).rejects.toThrow(denied);
  });

  it('reads and changes the record itself: patients, tasks, team membership', async () => {
    const rows = await tryAsServing("update patient set name = name || '' where id = $1 returning id", [patientId]);
    expect(rows).toHaveLength(1);
    await expect(tryAsServing('select count(*) from task')).resolves.toHaveLength(1);
    await expect(tryAsServing('delete from care_team_member where patient_id = $1', [patientId])).resolves.toBeDefined();
  });

  it('may add a job to the job queue and read it', async () => {
    const rows = await tryAsServing("select id from graphile_worker.add_job('roles_probe', '{}'::json, job_key := 'roles-probe')");
    expect(rows).toHaveLength(1);
  });
});

describe('start-up with the two roles', () => {
  const serverEnv = async (extra: Record<string, string>) => ({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    JOBS_CONCURRENCY: '0',
    ...extra,
  });

  it('migrates as MIGRATION_DATABASE_URL, serves as DATABASE_URL, and warns of nothing', async () => {
    const server = startServerProcess(
      await serverEnv({ DATABASE_URL: process.env.DATABASE_URL!, MIGRATION_DATABASE_URL: process.env.MIGRATION_DATABASE_URL! }),
    );
    try {
      const output = await server.ready;
      expect(output).not.toMatch(/owns the schema/);
      const url = /Care hub ready at (\S+)/.exec(output)![1];
      expect(await (await fetch(url.replace(/graphql$/, 'readyz'))).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('with only DATABASE_URL, serving as the owner, starts and warns once that the role could alter the audit trail', async () => {
    const server = startServerProcess(await serverEnv({ DATABASE_URL: process.env.MIGRATION_DATABASE_URL! }));
    try {
      const output = await server.ready;
      expect(output.match(/owns the schema \(or a superuser\): it could alter or empty the audit trail/g)).toHaveLength(1);
      expect(output).toContain('MIGRATION_DATABASE_URL');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('the embedded PostgreSQL', () => {
  it('makes an owner and a serving role with passwords kept in DATA_DIR/pg-passwords for its owner only, and hands a database an earlier version made, data and all, to the owner', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-roles-'));
    fs.chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as the `postgres` OS user when we are root
    const pgPort = await freePort();
    const env = async () => ({
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
    });
    // The cluster's superuser (src/app/embedded-postgres.ts), as an earlier version of the hub used it for everything.
    const superuser = () => new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/carehub` });
    try {
      const first = startServerProcess(await env());
      expect(await first.ready).not.toMatch(/owns the schema/);
      expect(fs.statSync(path.join(dataDir, 'pg-passwords')).mode & 0o777).toBe(0o600);
      const legacy = superuser();
      await legacy.connect();
      await legacy.query(`alter database carehub owner to postgres;
        create table earlier (id int primary key generated always as identity, v text);
        insert into earlier (v) values ('kept');
        create type earlier_kind as enum ('a', 'b');
        create function earlier_f() returns int language sql as 'select 1'`);
      await legacy.end();
      expect(await first.stop()).toBe(0);

      const second = startServerProcess(await env());
      try {
        await second.ready;
        const admin = superuser();
        await admin.connect();
        try {
          const { rows } = await admin.query(`select
            (select pg_get_userbyid(datdba) from pg_database where datname = current_database()) as database,
            (select pg_get_userbyid(relowner) from pg_class where relname = 'earlier') as "table",
            (select pg_get_userbyid(relowner) from pg_class where relname = 'audit_record') as audit,
            (select pg_get_userbyid(typowner) from pg_type where typname = 'earlier_kind') as "type",
            (select pg_get_userbyid(proowner) from pg_proc where proname = 'earlier_f') as "function",
            (select v from earlier) as kept`);
          expect(rows[0]).toEqual({
            database: 'carehub_owner',
            table: 'carehub_owner',
            audit: 'carehub_owner',
            type: 'carehub_owner',
            function: 'carehub_owner',
            kept: 'kept',
          });
          // The hub itself serves as carehub_app.
          const sessions = await admin.query(
            "select distinct usename from pg_stat_activity where datname = 'carehub' and usename like 'carehub%'",
          );
          expect(sessions.rows.map((r) => r.usename)).toEqual(['carehub_app']);
        } finally {
          await admin.end();
        }
      } finally {
        expect(await second.stop()).toBe(0);
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
