#!/usr/bin/env node
// Mutation testing with StrykerJS, one library package at a time (stryker.config.mjs): Stryker
// mutates the package's source in a sandbox copy of the repository and runs the package's vitest
// suite (cpu backend) against each mutant. Each package's report goes to
// reports/mutation/<package>.json (mutation-testing-elements JSON; also Stryker's incremental
// file, so a rerun tests only what changed), and reports/mutation/summary.md is rewritten from
// every report present: the score per package and each surviving mutant.
//
//   pnpm test:mutation [package ...] [--summary-only] [--force] [--concurrency N] [--files GLOB]
//
// package         core, distributions, bijectors, made, mdn, flows, datasets (default: all)
// --files         mutate only the package's source files matching GLOB (relative to its src/,
//                 e.g. 'kernels/**'), a part of a package too large for one sitting; the part's
//                 report is reports/mutation/<package>--<part>.json, and the summary counts a
//                 package's parts together (a file's newest report wins)
// --summary-only  rewrite summary.md from the reports already there, run nothing
// --force         retest every mutant, ignoring the previous report
// --concurrency   Stryker's test processes (default 1)
// DENSITYJS_BACKENDS  the backend the tests run on (default cpu; flows' training tests run
//                     several times faster on wasm)
//
// Mutation score = (killed + timed out) / (killed + timed out + survived + no coverage); mutants
// that do not compile or are ignored by a `// Stryker disable` comment (which states its reason)
// do not count.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reportsDir = join(root, 'reports', 'mutation');
const allPackages = ['core', 'distributions', 'bijectors', 'made', 'mdn', 'flows', 'datasets'];
const target = 85;

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const concurrency = option('concurrency');
const files = option('files');
const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--concurrency' && args[i - 1] !== '--files');
const unknown = named.filter((p) => !allPackages.includes(p));
if (unknown.length) {
  console.error(`unknown package(s): ${unknown.join(', ')}; expected some of ${allPackages.join(', ')}`);
  process.exit(2);
}
const packages = named.length ? named : allPackages;

mkdirSync(reportsDir, { recursive: true });
const runs = {};
if (!flag('summary-only')) {
  for (const pkg of packages) {
    const started = Date.now();
    const strykerArgs = ['stryker', 'run', 'stryker.config.mjs'];
    if (flag('force')) strykerArgs.push('--force');
    if (concurrency) strykerArgs.push('--concurrency', concurrency);
    console.log(`\n== ${pkg}: npx ${strykerArgs.join(' ')}`);
    const backends = process.env.DENSITYJS_BACKENDS ?? 'cpu';
    const result = spawnSync('npx', strykerArgs, {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        DENSITYJS_MUTATION_PACKAGE: pkg,
        DENSITYJS_BACKENDS: backends,
        ...(files ? { DENSITYJS_MUTATION_FILES: files } : {}),
      },
    });
    runs[pkg] = { status: result.status, minutes: (Date.now() - started) / 60000, backends };
  }
}

/** Counts of a mutation-testing-elements report, and its survivors. */
function readReport(pkg) {
  // The package's whole-package report and its parts (--files); per source file, the newest wins.
  const reports = readdirSync(reportsDir)
    .filter((f) => f === `${pkg}.json` || (f.startsWith(`${pkg}--`) && f.endsWith('.json')))
    .map((f) => join(reportsDir, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  if (reports.length === 0) return undefined;
  const report = { files: {} };
  for (const file of reports) Object.assign(report.files, JSON.parse(readFileSync(file, 'utf8')).files);
  const file = reports.at(-1);
  const counts = {};
  const survivors = [];
  for (const [path, { source, mutants }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const m of mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const { line, column } = m.location.start;
        const original = (lines[line - 1] ?? '').trim();
        survivors.push({ path, line, column, status: m.status, mutator: m.mutatorName, replacement: m.replacement, original });
      }
    }
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const score = detected + undetected ? (100 * detected) / (detected + undetected) : NaN;
  // Parts only (no whole-package report): the score covers the files run so far.
  const partial = !reports.some((f) => f.endsWith(`${pkg}.json`));
  return { counts, survivors, score, detected, undetected, written: statSync(file).mtime, partial, files: Object.keys(report.files).length };
}

const oneLine = (s) => String(s).replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 90);
const out = [
  '# Mutation testing (StrykerJS)',
  '',
  'Written by `pnpm test:mutation` (scripts/stryker-mutation.mjs, stryker.config.mjs) from the',
  'reports in this folder: one StrykerJS run per library package, cpu backend, every mutant run',
  'against the tests that cover it. Score = (killed + timed out) / (killed + timed out + survived +',
  `no coverage); the goal is >= ${target}% per package. Open a report in the`,
  '[mutation-testing-elements viewer](https://stryker-mutator.io/docs/General/dashboard/) or read',
  'its JSON directly. Why the remaining survivors live (equivalent mutants, redundant checks) is',
  'written by hand in [notes.md](notes.md).',
  '',
  '| package | mutants | killed | timed out | survived | no coverage | not counted | score | report written |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];
const details = [];
for (const pkg of allPackages) {
  const r = readReport(pkg);
  if (!r) {
    out.push(`| ${pkg} | | | | | | | not run | |`);
    continue;
  }
  const c = r.counts;
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const other = total - r.detected - r.undetected;
  const when = r.written.toISOString().slice(0, 16).replace('T', ' ');
  out.push(
    `| ${pkg}${r.partial ? ` (parts: ${r.files} files)` : ''} | ${total} | ${c.Killed ?? 0} | ${c.Timeout ?? 0} | ${c.Survived ?? 0} | ${c.NoCoverage ?? 0} | ${other} | ${r.score.toFixed(1)}% | ${when} UTC |`,
  );
  if (r.survivors.length) {
    details.push('', `## ${pkg}: ${r.survivors.length} undetected`, '', '| where | status | mutator | original line | replaced by |', '| --- | --- | --- | --- | --- |');
    for (const s of r.survivors) {
      details.push(`| ${s.path}:${s.line}:${s.column} | ${s.status} | ${s.mutator} | \`${oneLine(s.original)}\` | \`${oneLine(s.replacement)}\` |`);
    }
  }
}
if (Object.keys(runs).length) out.push('');
for (const [pkg, run] of Object.entries(runs)) {
  out.push(`- ${pkg}: this run took ${run.minutes.toFixed(0)} min on the ${run.backends} backend (exit status ${run.status}).`);
}
writeFileSync(join(reportsDir, 'summary.md'), [...out, ...details, ''].join('\n'));
console.log(`\nwrote ${join('reports', 'mutation', 'summary.md')}`);
process.exit(Object.values(runs).some((r) => r.status !== 0) ? 1 : 0);
