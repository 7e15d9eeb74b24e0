// Import directions, enforced by test/unit/architecture/dependency-rules.test.ts (README, "Layout").
// renderer → shared ← main; the engine (main/ml) and the pure layout code know nothing of the
// database, the jobs, the transports or the UI; no two folders import each other.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'renderer-imports-only-shared',
      comment: 'The renderer reaches the services only through the typed API (shared/api.ts) over IPC or HTTP.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main|test|bench|scripts)/' },
    },
    {
      name: 'shared-is-pure',
      comment: 'shared/ runs in both processes: no main/, no renderer/, no Node built-ins.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(main|renderer)/|^node:', dependencyTypes: ['local', 'core', 'npm', 'npm-dev', 'npm-optional'], pathNot: '^shared/' },
    },
    {
      name: 'engine-knows-no-app',
      comment:
        'The engine (main/ml) imports only main/fs (atomic files) and itself: no database, store, job, transport, Electron or UI code.',
      severity: 'error',
      from: { path: '^main/ml/' },
      to: { path: '^main/(?!ml/|fs/)|^renderer/|^(electron|better-sqlite3)$|node_modules/(electron|better-sqlite3)/' },
    },
    {
      name: 'db-is-the-bottom-layer',
      comment: 'The data layer (main/db) imports only itself, main/fs and shared/: the feature folders call it, never the reverse.',
      severity: 'error',
      from: { path: '^main/db/' },
      to: { path: '^main/(?!db/|fs/)|^renderer/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders of main/ depend on each other one way.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^main/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(build|out|scratch|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
