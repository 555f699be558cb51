/**
 * Two database roles (HIPAA §164.312(b): an audit trail the application
 * cannot rewrite):
 *
 * - the **owner** (MIGRATION_DATABASE_URL) owns the schema: it runs the
 *   migrations and installs the job queue, then grants the serving role what
 *   it needs, and nothing more;
 * - the **serving role** (DATABASE_URL) serves requests. It owns nothing, so
 *   it cannot ALTER a table or drop the append-only trigger; it reads and
 *   writes the record, and may only INSERT and SELECT on the audit trail
 *   (`audit_record`) and the event log (`event`), and only SELECT on the
 *   migrations table.
 *
 * The grants are re-applied after every migration run: a table a migration
 * adds gets the same rule, written once here.
 */

/** Tables the serving role may only append to and read. */
export const APPEND_ONLY_TABLES = ['audit_record', 'event'] as const;

/**
 * What the serving role may do, as one script of statements in one
 * transaction (one round trip); run as the owner, after the migrations and
 * the job queue's.
 */
export function servingRoleGrants(role: string): string {
  const r = quoteIdent(role);
  const statements = [
    `grant usage on schema public to ${r}`,
    // Start from nothing each time, so a privilege granted by hand or by an old rule does not linger.
    `revoke all on all tables in schema public from ${r}`,
    `grant select, insert, update, delete on all tables in schema public to ${r}`,
    `revoke update, delete on ${APPEND_ONLY_TABLES.join(', ')} from ${r}`,
    `revoke insert, update, delete on mikro_orm_migrations from ${r}`,
    `grant usage, select on all sequences in schema public to ${r}`,
    // The job queue (graphile-worker): adding, taking and finishing jobs is plain DML and its functions.
    `grant usage on schema graphile_worker to ${r}`,
    `revoke all on all tables in schema graphile_worker from ${r}`,
    `grant select, insert, update, delete on all tables in schema graphile_worker to ${r}`,
    `revoke insert, update, delete on graphile_worker.migrations from ${r}`,
    `grant usage, select on all sequences in schema graphile_worker to ${r}`,
    `grant execute on all functions in schema graphile_worker to ${r}`,
    // Its tables have row-level security with no policy, so that only their owner reaches them: one policy for us.
    `do $$ declare t regclass; begin
       for t in select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'graphile_worker' and c.relkind = 'r' and c.relrowsecurity loop
         execute format('drop policy if exists carehub_serving on %s', t);
         execute format('create policy carehub_serving on %s to %I using (true) with check (true)', t, ${literal(role)});
       end loop;
     end $$`,
  ];
  // A multi-statement simple query runs in one implicit transaction: all granted, or none.
  return statements.join(';\n');
}

/** Who a connection logs in as, and whether that role is a superuser: one row `{ name, superuser }`. */
export const WHO_AM_I = 'select current_user as name, rolsuper as superuser from pg_roles where rolname = current_user';

/** A string as an SQL literal (inside a DO block, which takes no parameters). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A role name as an SQL identifier. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
