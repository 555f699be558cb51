/**
 * `npm run token -- <provider-id>`, `npm run token -- --admin [subject]`,
 * `npm run token -- --patient <patient-id>` or `npm run token -- --caregiver <support-contact-id>`:
 * prints a 12-hour HS256 token for curl and GraphQL clients, signed with the
 * secret the server uses: JWT_SECRET, or the development secret the server
 * keeps in DATA_DIR (same variables, same resolution: `resolveSecret`). Says
 * on stderr which one it used, never the secret itself. It never creates a
 * secret: one made here would not be the server's, and its tokens would be refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/core/config';
import { resolveSecret, signToken } from '../src/auth/tokens';

async function main() {
  const [first, second] = process.argv.slice(2);
  if (!first || ((first === '--patient' || first === '--caregiver') && !second)) {
    console.error('usage: npm run token -- <provider-id> | --admin [subject] | --patient <patient-id> | --caregiver <support-contact-id>');
    process.exit(2);
  }
  const config = loadConfig();
  let source = 'JWT_SECRET';
  if (!config.jwt.secret) {
    // Where resolveSecret keeps the development secret (src/auth/tokens.ts).
    const file = path.join(config.dataDir, 'jwt-secret');
    if (!fs.existsSync(file)) {
      console.error(
        `No JWT_SECRET and no development secret in ${file}.\n` +
          'Run this with the JWT_SECRET or DATA_DIR the server runs with, or start the server once with this DATA_DIR (it creates the secret).',
      );
      process.exit(1);
    }
    source = `the development secret in ${file}`;
  }
  const secret = resolveSecret(config);
  const claims =
    first === '--admin'
      ? { sub: second ?? 'operator', roles: ['ADMIN'] }
      : first === '--patient'
        ? { sub: second, kind: 'patient' as const }
        : first === '--caregiver'
          ? { sub: second, kind: 'caregiver' as const }
          : { sub: first };
  console.error(`Signed with ${source}`);
  console.log(await signToken(secret, claims));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
