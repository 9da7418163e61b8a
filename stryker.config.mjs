// StrykerJS configuration shared by every library package: `pnpm test:mutation [package...]`
// (scripts/stryker-mutation.mjs) runs Stryker once per package from the repository root, naming
// the package in DENSITYJS_MUTATION_PACKAGE. Stryker copies the repository into a sandbox
// (sibling packages included: the tests import them from source through vitest.shared.ts),
// mutates the package's source there, never in the working tree, and runs the package's own
// vitest suite against each mutant.
import { createHash } from 'node:crypto';

const pkg = process.env.DENSITYJS_MUTATION_PACKAGE;
if (!pkg) {
  throw new Error('stryker.config.mjs: set DENSITYJS_MUTATION_PACKAGE (e.g. made), or run `pnpm test:mutation made`');
}
const src = `packages/${pkg}/src`;
// A part of the package (`pnpm test:mutation <package> --files GLOB`): its own report file.
const files = process.env.DENSITYJS_MUTATION_FILES;
// The glob as a file name; a long one (a list of files) is cut and keeps a hash of the whole,
// so that two lists with the same start stay apart and no name passes the file system's limit
// of 255 bytes.
const slug = files ? files.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '') : '';
const part = !files ? '' : slug.length <= 200 ? `--${slug}` : `--${slug.slice(0, 100)}-${createHash('sha256').update(files).digest('hex').slice(0, 8)}`;

// Source left unmutated, with the reason.
const notMutated = {
  datasets: [
    // The SIGGRAPH letters' stroke table: data, checked by the letters' placement tests.
    'siggraph-glyphs.ts',
    // The byte-level CSV parser: its chunk-boundary test reads a 4 MiB file character by
    // character, which instrumented code cannot finish within the test timeout.
    'tabular/csv.ts',
  ],
  // Generated at build time from assembly/mdn-loss.ts (a base64 WebAssembly binary).
  mdn: ['generated/**'],
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner', './scripts/stryker-mutant-log.mjs'],
  vitest: { configFile: `packages/${pkg}/vitest.config.ts`, dir: `packages/${pkg}` },
  // The library code only: not the tests, nor their float64 references and fixtures (test-*.ts).
  mutate: [
    `${src}/${files ?? '**/*.ts'}`,
    `!${src}/**/*.test.ts`,
    `!${src}/**/test-*.ts`,
    ...(notMutated[pkg] ?? []).map((file) => `!${src}/${file}`),
  ],
  // Each mutant runs only the tests that execute it.
  coverageAnalysis: 'perTest',
  // One test process: the machines this runs on are small; raise with --concurrency.
  concurrency: 1,
  // Generous: every mutant run starts fresh test workers (tfjs import and setup), on busy machines.
  timeoutMS: 20000,
  // Files the package's tests never read stay out of the sandbox.
  ignorePatterns: ['/apps', '/docs', '/coverage', '**/dist', '**/.turbo', '/.changeset', '/.github', '/.ci', '/.stryker-tmp'],
  tempDirName: `.stryker-tmp/${pkg}${part}`,
  cleanTempDir: 'always',
  // mutant-log streams the undetected mutants to reports/mutation/<package>.undetected.jsonl.
  reporters: ['clear-text', 'progress-append-only', 'mutant-log'],
  // The report (mutation-testing-elements JSON: every mutant, its status and the tests that
  // killed it) doubles as the incremental file: a rerun only tests mutants whose code or
  // covering tests changed since the last report.
  incremental: true,
  incrementalFile: `reports/mutation/${pkg}${part}.json`,
  thresholds: { high: 85, low: 70, break: null },
};
