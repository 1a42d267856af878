/**
 * The dependency rule (STYLE.md): dependencies point inward. The domain is pure; flows use ports,
 * never adapters or SDKs; only the composition root wires adapters and the sandbox.
 * Run by `npm test` (npm run lint:deps).
 */
const SDKS = '^(@slack|@pagerduty|@aws-sdk|better-sqlite3|pg|kysely|express|pino|prom-client)(/|$)';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ may import only domain/, src/errors.ts and pure libraries (dates, text).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        pathNot: ['^src/domain/', '^src/errors\\.ts$', 'node_modules/(date-fns|@date-fns/tz|transliteration|zod)/'],
      },
    },
    {
      name: 'domain-no-node-io',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'flows-use-ports-not-adapters',
      comment: 'flows/ and outbox/ talk to ports; adapters are wired in main.ts.',
      severity: 'error',
      from: { path: '^src/(flows|outbox)/' },
      to: { path: ['^src/(adapters|slack|ingest|http|sandbox|config)/', SDKS.replace('^', 'node_modules/')] },
    },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: ['^src/ports/', '^src/domain/', '^src/errors\\.ts$'] },
    },
    {
      name: 'sandbox-only-from-composition',
      comment: 'the fakes serve the sandbox and tests; production code never reaches for them.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sandbox/', '^src/main\\.ts$', '^src/firebreak\\.ts$'] },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
  },
};
