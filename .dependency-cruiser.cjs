/**
 * The layer rules of issue 15, checked in `npm test` (`npm run lint:deps`).
 * See docs/architecture.md for the picture and what each folder may import.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file must not import itself back through other files: split the shared part out or move a type to its home.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Two folders of src/ must not import each other, directly or through others: imports point down the layers.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'policy-is-pure',
      severity: 'error',
      comment: 'src/policy/ is the pure core: it imports only policy/ and pure libraries (no I/O, no Octokit, no clock).',
      from: { path: '^src/policy/' },
      to: {
        pathNot: ['^src/policy/', '^node_modules/(zod|picomatch|canonicalize)/'],
      },
    },
    {
      name: 'queue-uses-the-store-layer',
      severity: 'error',
      comment: 'The queue reaches the database through src/store/ only, never the evidence chain in src/audit/.',
      from: { path: '^src/queue/' },
      to: { path: '^src/audit/' },
    },
    {
      name: 'edges-never-import-app-or-evaluation',
      severity: 'error',
      comment:
        'github/, tickets/, opa/, store/, audit/, report/, web/ and cli/ are used by the app and the evaluation, never the other way round (cli/: but for the dry run, below).',
      from: { path: '^src/(github|tickets|opa|store|audit|report|web|cli)/' },
      to: { path: '^src/(app|evaluation)/', pathNot: '^src/evaluation/(dry-run|read-evaluation-env)\\.ts$' },
    },
    {
      name: 'only-evaluate-runs-the-dry-run',
      severity: 'error',
      comment:
        'In cli/, only `change-control evaluate` (cli/evaluate-command.ts) reaches the evaluation, and only through its dry run (evaluation/dry-run.ts) and the settings the app reads (evaluation/read-evaluation-env.ts).',
      from: { path: '^src/cli/', pathNot: '^src/cli/evaluate-command\\.ts$' },
      to: { path: '^src/evaluation/' },
    },
    {
      name: 'the-dry-run-never-publishes',
      severity: 'error',
      comment:
        'The dry run (evaluation/dry-run.ts) reads, gathers and decides: no chain of imports from it reaches publish, record, the queue, the app or a GitHub module that writes.',
      from: { path: '^src/evaluation/dry-run\\.ts$' },
      to: {
        reachable: true,
        path: [
          '^src/evaluation/(publish|record|record-verdict|record-evidence|evaluate-pull-request|write-back-tickets|index-ticket-keys)\\.ts$',
          '^src/github/(publish-verdict|post-comment|upsert-trail-comment|open-[a-z-]+-issue|close-issue|review-deployment)\\.ts$',
          '^src/app/',
          '^src/queue/worker\\.ts$',
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    metrics: true,
  },
};
