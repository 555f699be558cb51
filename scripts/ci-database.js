// Used by .ci/run: `check URL`, `create URL NAME`, `drop URL NAME` on a PostgreSQL server.
const { Client } = require('pg');

async function main() {
  const [command, url, name] = process.argv.slice(2);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    process.exit(command === 'check' ? 1 : 2);
  }
  try {
    if (command === 'create') await client.query(`create database "${name}"`);
    if (command === 'drop') await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(2);
});
