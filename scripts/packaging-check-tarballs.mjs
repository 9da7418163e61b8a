// Checks each public package's tarball as npm would publish it: LICENSE (identical to the
// repository's) and README inside, the ESM-only `require` stub present, a manifest with the
// metadata npm shows (repository, homepage, keywords, engines, license) and nothing that only
// means something inside this workspace (devDependencies, scripts, `workspace:` ranges, the
// private @densityjs/testing). Usage: node packaging-check-tarballs.mjs TARBALL_DIR
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const root = new URL('..', import.meta.url);
const license = readFileSync(new URL('LICENSE', root), 'utf8');
const problems = [];
const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
if (tarballs.length === 0) problems.push(`no tarballs in ${dir}`);

for (const file of tarballs) {
  const path = join(dir, file);
  const list = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).split('\n');
  const read = (entry) => execFileSync('tar', ['-xzOf', path, entry], { encoding: 'utf8' });
  const fail = (text) => problems.push(`${file}: ${text}`);
  for (const entry of ['package/LICENSE', 'package/README.md', 'package/dist/index.js',
    'package/dist/index.d.ts', 'package/dist/esm-only.cjs', 'package/dist/esm-only.d.cts']) {
    if (!list.includes(entry)) fail(`${entry} is missing`);
  }
  if (list.includes('package/LICENSE') && read('package/LICENSE') !== license) {
    fail('LICENSE differs from the repository LICENSE');
  }
  if (list.some((e) => /\.test\.(ts|js|d\.ts)$/.test(e))) fail('test files are packed');
  const text = read('package/package.json');
  const pkg = JSON.parse(text);
  if (pkg.private) fail('the manifest is private');
  for (const field of ['devDependencies', 'scripts']) {
    if (field in pkg) fail(`the manifest still has "${field}"`);
  }
  if (text.includes('workspace:')) fail('a workspace: range was not resolved');
  if (text.includes('@densityjs/testing')) fail('the manifest names the private @densityjs/testing');
  if (pkg.license !== 'MIT') fail(`license is ${JSON.stringify(pkg.license)}, expected "MIT"`);
  for (const field of ['description', 'repository', 'homepage', 'bugs', 'keywords', 'engines', 'publishConfig']) {
    if (!pkg[field]) fail(`the manifest has no "${field}"`);
  }
  if (pkg.sideEffects !== false) fail('sideEffects is not false');
  const dot = pkg.exports?.['.'];
  if (dot?.require?.default !== './dist/esm-only.cjs') fail('exports["."].require is not the ESM-only stub');
  if (dot?.import?.default !== './dist/index.js') fail('exports["."].import is not ./dist/index.js');
  console.log(`${file}: ${list.filter(Boolean).length} files, manifest ok`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
