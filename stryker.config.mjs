// StrykerJS configuration shared by every library package: `pnpm test:mutation [package...]`
// (scripts/stryker-mutation.mjs) runs Stryker once per package from the repository root, naming
// the package in DENSITYJS_MUTATION_PACKAGE. Stryker copies the repository into a sandbox
// (sibling packages included: the tests import them from source through vitest.shared.ts),
// mutates the package's source there, never in the working tree, and runs the package's own
// vitest suite against each mutant.
const pkg = process.env.DENSITYJS_MUTATION_PACKAGE;
if (!pkg) {
  throw new Error('stryker.config.mjs: set DENSITYJS_MUTATION_PACKAGE (e.g. made), or run `pnpm test:mutation made`');
}
const src = `packages/${pkg}/src`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: `packages/${pkg}/vitest.config.ts`, dir: `packages/${pkg}` },
  // The library code only: not the tests, nor their float64 references and fixtures (test-*.ts).
  mutate: [`${src}/**/*.ts`, `!${src}/**/*.test.ts`, `!${src}/**/test-*.ts`],
  // Each mutant runs only the tests that execute it.
  coverageAnalysis: 'perTest',
  // One test process: the machines this runs on are small; raise with --concurrency.
  concurrency: 1,
  // Generous: the first tfjs call in a fresh test process compiles the wasm backend's kernels.
  timeoutMS: 20000,
  // Files the package's tests never read stay out of the sandbox.
  ignorePatterns: ['/apps', '/docs', '/coverage', '**/dist', '**/.turbo', '/.changeset', '/.github', '/.ci'],
  tempDirName: `.stryker-tmp/${pkg}`,
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only'],
  // The report (mutation-testing-elements JSON: every mutant, its status and the tests that
  // killed it) doubles as the incremental file: a rerun only tests mutants whose code or
  // covering tests changed since the last report.
  incremental: true,
  incrementalFile: `reports/mutation/${pkg}.json`,
  thresholds: { high: 85, low: 70, break: null },
};
