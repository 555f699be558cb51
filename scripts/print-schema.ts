/**
 * `npm run schema`: rewrites schema/schema.graphql (the served schema) and
 * schema/subgraph.graphql (the Federation 2 SDL partners compose with) from
 * the code. The tests fail when either drifts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/core/config';
import { printHubSchema, printHubSubgraphSdl } from '../src/app/schema';

const only = process.argv[2];
const files: [string, () => string][] = [
  ['schema.graphql', printHubSchema],
  ['subgraph.graphql', printHubSubgraphSdl],
];
for (const [name, print] of files) {
  if (only && only !== name) continue;
  const file = path.join(PROJECT_ROOT, 'schema', name);
  fs.writeFileSync(file, print());
  console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
}
