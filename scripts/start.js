/**
 * `npm start`: runs the compiled server (dist/main.js), compiling first when
 * dist/ is missing or older than the sources (a fresh clone, a `git pull`).
 * Plain JavaScript and one process: no ts-node at run time.
 */
const { buildIfStale } = require('./build');

try {
  buildIfStale();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
require('../dist/main.js');
