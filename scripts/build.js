/**
 * `npm run build`: compiles src/ to dist/ (tsconfig.build.json) and migrations/
 * to dist/migrations/ (tsconfig.migrations.json) with full type information, so
 * decorators get their metadata, and bundles the dashboard page (web/, Vite)
 * into dist/web/. It builds into a temporary folder and swaps it in at the end:
 * a start-up never sees half a dist/. The page has its own stamp: a change
 * under web/ rebuilds only the page.
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
/** The dashboard page's bundle (served at `/`), with its own stamp and inputs. */
const WEB_DIST = path.join(DIST, 'web');
const WEB_STAMP = path.join(WEB_DIST, '.built');
const WEB_INPUTS = ['web', 'package-lock.json'];

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

/** Is the stamp missing or older than any of the inputs? */
function olderThan(stamp, inputs) {
  let built;
  try {
    built = fs.statSync(stamp).mtimeMs;
  } catch {
    return true;
  }
  return inputs.some((input) => newest(path.join(ROOT, input)) > built);
}

/** Is dist/ (the server or the page) missing or older than any source it is built from? */
function isStale() {
  return olderThan(STAMP, INPUTS) || olderThan(WEB_STAMP, WEB_INPUTS);
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

/**
 * Bundles the dashboard page (web/vite.config.ts) into `outDir`, in a child
 * process: Vite is an ES module and this script stays synchronous.
 */
function bundleWeb(outDir) {
  const { execFileSync } = require('node:child_process');
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.mts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  fs.writeFileSync(path.join(outDir, '.built'), `${new Date().toISOString()}\n`);
}

/** Rebuilds dist/web/ alone (the server is current), swapping it in whole. */
function buildWeb() {
  const started = Date.now();
  const tmp = `${WEB_DIST}.tmp-${process.pid}`;
  try {
    bundleWeb(tmp);
    fs.rmSync(WEB_DIST, { recursive: true, force: true });
    fs.renameSync(tmp, WEB_DIST);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return Date.now() - started;
}

/** Compiles src/ and migrations/ into dist/, and bundles the page into dist/web/. */
function build() {
  const ts = require('typescript');
  const started = Date.now();
  const tmp = `${DIST}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    compile(ts, 'tsconfig.build.json', tmp);
    compile(ts, 'tsconfig.migrations.json', path.join(tmp, 'migrations'));
    bundleWeb(path.join(tmp, 'web'));
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
  if (olderThan(STAMP, INPUTS)) {
    process.stderr.write('Compiling TypeScript to dist/ and bundling the dashboard page (sources are newer than the last build) …\n');
    const ms = build();
    process.stderr.write(`Compiled in ${(ms / 1000).toFixed(1)} s\n`);
    return true;
  }
  if (olderThan(WEB_STAMP, WEB_INPUTS)) {
    process.stderr.write('Bundling the dashboard page to dist/web/ (web/ is newer than the last build) …\n');
    const ms = buildWeb();
    process.stderr.write(`Bundled in ${(ms / 1000).toFixed(1)} s\n`);
    return true;
  }
  return false;
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
