// Used by .ci/run and the tests against a PostgreSQL server of one's own:
//   check URL         exit 0 when the server answers
//   create URL NAME   a database NAME owned by a new role NAME_owner, and a role NAME_app that owns nothing;
//                     prints `MIGRATION_DATABASE_URL=…` and `DATABASE_URL=…` (the owner migrates, the app serves)
//   drop URL NAME     drops the database and both roles
// URL is an administrator's (a role that may create roles and databases).
const crypto = require('node:crypto');
const { Client } = require('pg');

async function main() {
  const [command, url, name] = process.argv.slice(2);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    process.exit(command === 'check' ? 1 : 2);
  }
  const owner = `${name}_owner`;
  const app = `${name}_app`;
  try {
    if (command === 'create') {
      const urls = {};
      for (const [variable, role] of [
        ['MIGRATION_DATABASE_URL', owner],
        ['DATABASE_URL', app],
      ]) {
        const password = crypto.randomBytes(18).toString('hex');
        await client.query(`create role "${role}" with login password '${password}'`);
        const at = new URL(url);
        at.username = role;
        at.password = password;
        at.pathname = `/${name}`;
        urls[variable] = at.href;
      }
      await client.query(`create database "${name}" owner "${owner}"`);
      for (const [variable, value] of Object.entries(urls)) console.log(`${variable}=${value}`);
    }
    if (command === 'drop') {
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.query(`drop role if exists "${owner}"`);
      await client.query(`drop role if exists "${app}"`);
    }
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(2);
});
