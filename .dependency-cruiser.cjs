/**
 * The architecture as rules (docs/architecture.md, "Layers"). `npm test` runs
 * `npm run check:imports` before jest, so CI fails on a violation. Type-only
 * imports are erased by the compiler and do not count (tsPreCompilationDeps:
 * false); every runtime import does.
 *
 * Layers run one way: app → modules → kernel (core, auth, events). The
 * kernel never imports a module or the composition root; a module imports
 * another module only through its index.ts; nothing forms a circle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes load order matter (a class used before it is defined, a decorator given undefined).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'kernel-imports-no-module',
      severity: 'error',
      comment: 'core/, auth/ and events/ are the kernel: they know no module and not the composition root.',
      from: { path: '^src/(core|auth|events)/' },
      to: { path: '^src/(modules|app)/' },
    },
    {
      name: 'modules-do-not-import-the-app',
      severity: 'error',
      comment: 'Only src/app/ (and src/main.ts) list modules and wire them together.',
      from: { path: '^src/modules/' },
      to: { path: '^src/(app/|main\\.ts$)' },
    },
    {
      name: 'modules-meet-through-index',
      severity: 'error',
      comment: 'A module uses another module only through what its index.ts exports (entities as types, its service).',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'fhir-meets-modules-through-index',
      severity: 'error',
      comment: 'src/fhir is a second interface over the modules, like GraphQL: it uses their services through index.ts only.',
      from: { path: '^src/fhir/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'only-the-app-mounts-fhir',
      severity: 'error',
      comment: 'The FHIR interface sits beside GraphQL, above the modules: only the composition root (src/app) imports it.',
      from: { path: '^src/', pathNot: '^src/(fhir|app)/' },
      to: { path: '^src/fhir/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
