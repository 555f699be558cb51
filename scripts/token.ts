/**
 * `npm run token -- <provider-id>` or `npm run token -- --admin [subject]`:
 * prints a 12-hour HS256 token signed with JWT_SECRET (or the development
 * secret in DATA_DIR), for curl and GraphQL clients.
 */
import { loadConfig } from '../src/config';
import { resolveSecret, signToken } from '../src/auth/tokens';

async function main() {
  const [first, second] = process.argv.slice(2);
  if (!first) {
    console.error('usage: npm run token -- <provider-id> | --admin [subject]');
    process.exit(2);
  }
  const secret = resolveSecret(loadConfig());
  const claims = first === '--admin' ? { sub: second ?? 'operator', roles: ['ADMIN'] } : { sub: first };
  console.log(await signToken(secret, claims));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
