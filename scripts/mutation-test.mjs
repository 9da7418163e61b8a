#!/usr/bin/env node
// Mutation testing with hand-written mutants: applies each mutation of scripts/mutations.mjs, one
// at a time, to a temporary copy of the repository (never to the working tree), runs the test
// files named for it, and reports which mutants the tests kill (a test fails) and which survive.
//
//   node scripts/mutation-test.mjs [--rev HEAD] [--only id,id] [--backends cpu] [--timeout 600]
//                                  [--out report.md] [--keep]
//
// --rev       the commit to copy (default HEAD; `git archive`, so uncommitted edits are left out)
// --only      run only these mutation ids (comma-separated)
// --backends  DENSITYJS_BACKENDS for the test runs (default cpu)
// --timeout   seconds per test run (default 600); a run that times out counts as killed
// --out       also write the report as Markdown to this file
// --keep      keep the temporary copy (its path is printed)
//
// Before the mutants, the named test files run once unmutated: a mutation whose baseline fails
// is reported as "baseline fails" instead of killed. A mutation whose `find` text is not in the
// copied file exactly once is reported as "stale" (the code moved on; update the list).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutations } from './mutations.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const rev = option('rev', 'HEAD');
const only = option('only', '')
  .split(',')
  .filter(Boolean);
const backends = option('backends', 'cpu');
const timeoutS = Number(option('timeout', '600'));
const out = option('out', '');
const keep = args.includes('--keep');

const selected = only.length ? mutations.filter((m) => only.includes(m.id)) : mutations;
const unknown = only.filter((id) => !mutations.some((m) => m.id === id));
if (unknown.length) {
  console.error(`unknown mutation id(s): ${unknown.join(', ')}`);
  process.exit(2);
}

// 1. A copy of the tree at `rev`, with the installed node_modules linked in (read-only use).
const copy = mkdtempSync(join(tmpdir(), 'densityjs-mutation-'));
const sha = spawnSync('git', ['-C', root, 'rev-parse', '--short', rev], { encoding: 'utf8' }).stdout.trim() || rev;
const archive = spawnSync('sh', ['-c', `git -C "${root}" archive --format=tar "${rev}" | tar -x -C "${copy}"`], { stdio: 'inherit' });
if (archive.status !== 0) {
  console.error(`git archive ${rev} failed`);
  process.exit(2);
}
const links = [];
const linkNodeModules = (dir) => {
  const from = join(root, dir, 'node_modules');
  const to = join(copy, dir, 'node_modules');
  if (existsSync(from) && existsSync(join(copy, dir)) && !existsSync(to)) {
    symlinkSync(from, to, 'dir');
    links.push(to);
  }
};
linkNodeModules('.');
for (const group of ['packages', 'apps']) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group))) linkNodeModules(join(group, name));
}
console.log(`copy of ${rev} in ${copy}`);

const vitest = join(root, 'node_modules', '.bin', 'vitest');
const packageOf = (m) => m.package ?? m.file.split('/').slice(0, 2).join('/');
const runTests = (m) => {
  const started = Date.now();
  const r = spawnSync(vitest, ['run', ...m.tests], {
    cwd: join(copy, packageOf(m)),
    env: { ...process.env, DENSITYJS_BACKENDS: backends, CI: '1', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  // eslint-disable-next-line no-control-regex
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  const failed = [...new Set((output.match(/^\s*FAIL\s.*$/gm) ?? []).map((l) => l.trim().replace(/^FAIL\s+/, '').slice(0, 200)))].slice(0, 3);
  return { ok: r.status === 0, timedOut: r.error?.code === 'ETIMEDOUT', seconds: (Date.now() - started) / 1000, failed };
};

// 2. Baselines: each distinct (package, tests) set once, unmutated.
const baselines = new Map();
for (const m of selected) {
  const key = `${packageOf(m)}|${m.tests.join(',')}`;
  if (baselines.has(key)) continue;
  const r = runTests(m);
  baselines.set(key, r.ok);
  console.log(`baseline ${key}: ${r.ok ? 'passes' : 'FAILS'}`);
}

// 3. Mutants, one at a time; the file is restored after each.
const results = [];
for (const m of selected) {
  const path = join(copy, m.file);
  const key = `${packageOf(m)}|${m.tests.join(',')}`;
  const original = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const count = original === undefined ? 0 : original.split(m.find).length - 1;
  let status;
  let detail = '';
  if (count !== 1) {
    status = 'stale';
    detail = original === undefined ? 'file not found' : `find text occurs ${count} times`;
  } else if (!baselines.get(key)) {
    status = 'baseline fails';
  } else {
    writeFileSync(path, original.replace(m.find, m.replace));
    try {
      const r = runTests(m);
      status = r.ok ? 'survived' : 'killed';
      detail = r.timedOut ? `timed out after ${timeoutS} s` : r.failed.join('; ');
    } finally {
      writeFileSync(path, original);
    }
  }
  results.push({ id: m.id, file: m.file, tests: m.tests.join(' '), status, detail });
  console.log(`${status.padEnd(14)} ${m.id}${detail ? `  (${detail})` : ''}`);
}

const killed = results.filter((r) => r.status === 'killed').length;
const survived = results.filter((r) => r.status === 'survived');
const tested = killed + survived.length;
const stale = results.filter((r) => r.status === 'stale' || r.status === 'baseline fails').length;
const summary =
  `${killed} of ${tested} mutants killed (${tested ? ((100 * killed) / tested).toFixed(0) : 0}%)` +
  `${stale ? `, ${stale} not run (stale or failing baseline)` : ''}, backends ${backends}, commit ${sha}, ${new Date().toISOString().slice(0, 10)}`;
console.log(`\n${summary}`);
if (survived.length) console.log(`survivors: ${survived.map((r) => r.id).join(', ')}`);
if (out) {
  const lines = [
    `# Mutation test report`,
    '',
    summary,
    '',
    '| mutation | file | tests | result | detail |',
    '| --- | --- | --- | --- | --- |',
    ...results.map((r) => `| ${r.id} | ${r.file} | ${r.tests} | ${r.status} | ${r.detail.replace(/\|/g, '\\|')} |`),
    '',
  ];
  writeFileSync(resolve(out), lines.join('\n'));
  console.log(`report written to ${relative(process.cwd(), resolve(out)) || out}`);
}
if (keep) console.log(`kept ${copy}`);
else {
  // Unlink the node_modules links first, so removing the copy never reaches the real ones.
  for (const l of links) unlinkSync(l);
  rmSync(copy, { recursive: true, force: true });
}
