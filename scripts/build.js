/**
 * `npm run build`: compiles src/ to dist/ (tsconfig.build.json) and migrations/
 * to dist/migrations/ (tsconfig.migrations.json) with full type information, so
 * decorators get their metadata. It compiles into a temporary folder and swaps
 * it in at the end: a start-up never sees half a dist/.
 *
 * Plain JavaScript on purpose: `npm start` runs it before anything is compiled.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
/** Written last into dist/: its time is when the build finished. */
const STAMP = path.join(DIST, '.built');
/** What the build reads: when any of it is newer than the stamp, dist/ is stale. */
const INPUTS = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.migrations.json', 'package-lock.json'];

/** Newest modification time under `file` (folders too: deleting a file changes its folder). */
function newest(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  let time = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(file)) time = Math.max(time, newest(path.join(file, entry)));
  }
  return time;
}

/** Is dist/ missing or older than any source it is built from? */
function isStale() {
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  return INPUTS.some((input) => newest(path.join(ROOT, input)) > built);
}

function compile(ts, configFile, outDir) {
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, configFile), { outDir, noEmit: false }, host);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const emitted = program.emit();
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0) {
    const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new Error(`TypeScript errors in ${configFile}:\n${ts.formatDiagnostics(diagnostics, formatHost)}`);
  }
}

/** Compiles src/ and migrations/ into dist/. */
function build() {
  const ts = require('typescript');
  const started = Date.now();
  const tmp = `${DIST}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    compile(ts, 'tsconfig.build.json', tmp);
    compile(ts, 'tsconfig.migrations.json', path.join(tmp, 'migrations'));
    fs.writeFileSync(path.join(tmp, '.built'), `${new Date().toISOString()}\n`);
    fs.rmSync(DIST, { recursive: true, force: true });
    fs.renameSync(tmp, DIST);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return Date.now() - started;
}

/** Builds when dist/ is missing or stale; says so on stderr (stdout belongs to the server). */
function buildIfStale() {
  if (!isStale()) return false;
  process.stderr.write('Compiling TypeScript to dist/ (sources are newer than the last build) …\n');
  const ms = build();
  process.stderr.write(`Compiled in ${(ms / 1000).toFixed(1)} s\n`);
  return true;
}

module.exports = { build, buildIfStale, isStale };

if (require.main === module) {
  try {
    if (process.argv.includes('--if-stale')) buildIfStale();
    else console.log(`dist/ built in ${(build() / 1000).toFixed(1)} s`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
