// Versioning test: applies the pending changesets (`changeset version`, what the "Version
// Packages" pull request of the release workflow contains) to a copy of the working tree and
// checks the result against the changeset files themselves:
// - each package a changeset names gets the largest bump named for it (major > minor > patch)
//   of its current version; packages only bumped as dependents get what `changeset status`
//   plans; every other package keeps its version; private packages are never versioned;
// - the internal dependency ranges a user would install (the manifest `pnpm pack` writes) are
//   `^` of the new version of each @densityjs dependency;
// - each released package's CHANGELOG.md starts with a `## <new version>` section holding the
//   summary of every changeset that names it, under the heading of its bump type;
// - the changeset files are consumed.
// With no pending changeset it checks that `changeset version` changes nothing.
// Usage: node scripts/versioning-test.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'densityjs-versioning-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const problems = [];
const fail = (text) => problems.push(text);

// A copy of the working tree as git sees it (tracked and untracked files, ignored ones left
// out), so changesets not committed yet are tested too.
const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  cwd: root, encoding: 'utf8',
}).split('\0').filter((f) => f && existsSync(join(root, f)));
for (const f of files) {
  mkdirSync(dirname(join(work, f)), { recursive: true });
  cpSync(join(root, f), join(work, f));
}
// A repository of its own on branch main (changesets reads git), with one commit of that tree.
const git = (...args) => execFileSync('git', args, { cwd: work, encoding: 'utf8' });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('-c', 'user.name=versioning-test', '-c', 'user.email=versioning-test@localhost', 'commit', '-q', '-m', 'tree under test');
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
const changeset = (...args) =>
  execFileSync(join(root, 'node_modules/.bin/changeset'), args, { cwd: work, encoding: 'utf8' });

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const workspaceDirs = ['packages', 'apps'].flatMap((top) =>
  existsSync(join(work, top)) ? readdirSync(join(work, top)).map((d) => `${top}/${d}`) : [],
).filter((d) => existsSync(join(work, d, 'package.json')));
const before = new Map(workspaceDirs.map((d) => [d, readJson(join(work, d, 'package.json'))]));
const dirOf = new Map([...before].map(([d, pkg]) => [pkg.name, d]));

// Pending changesets, read independently of changesets' own planner.
const BUMPS = ['patch', 'minor', 'major'];
const pending = readdirSync(join(work, '.changeset'))
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .map((f) => {
    const text = readFileSync(join(work, '.changeset', f), 'utf8');
    const m = /^---\n([\s\S]*?)\n?---\n([\s\S]*)$/.exec(text);
    if (!m) throw new Error(`.changeset/${f}: no frontmatter`);
    const releases = [...m[1].matchAll(/^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)]
      .map(([, name, type]) => ({ name, type }));
    return { id: f.replace(/\.md$/, ''), releases, summary: m[2].trim() };
  });
const named = new Map();
for (const c of pending) {
  for (const { name, type } of c.releases) {
    if (BUMPS.indexOf(type) > BUMPS.indexOf(named.get(name) ?? 'none')) named.set(name, type);
  }
}
function bump(version, type) {
  const [major, minor, patch] = version.split('.').map(Number);
  if (type === 'major') return `${major + 1}.0.0`;
  if (type === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

changeset('status', '--output=plan.json');
const plan = readJson(join(work, 'plan.json'));
const planned = new Map(plan.releases.filter((r) => r.type !== 'none').map((r) => [r.name, r]));
changeset('version');
const after = new Map(workspaceDirs.map((d) => [d, readJson(join(work, d, 'package.json'))]));

const released = new Map();
for (const [dir, pkg] of before) {
  const now = after.get(dir);
  if (pkg.private) {
    if (now.version !== pkg.version) fail(`${pkg.name} is private but was versioned ${pkg.version} -> ${now.version}`);
    if (existsSync(join(work, dir, 'CHANGELOG.md')) && !existsSync(join(root, dir, 'CHANGELOG.md'))) {
      fail(`${pkg.name} is private but got a CHANGELOG.md`);
    }
    if (named.has(pkg.name)) fail(`a changeset names the private ${pkg.name}`);
    continue;
  }
  const expected = named.has(pkg.name)
    ? bump(pkg.version, named.get(pkg.name))
    : planned.get(pkg.name)?.newVersion ?? pkg.version;
  if (now.version !== expected) fail(`${pkg.name}: version ${now.version}, expected ${expected}`);
  if (planned.has(pkg.name) && planned.get(pkg.name).newVersion !== now.version) {
    fail(`${pkg.name}: changeset status planned ${planned.get(pkg.name).newVersion}, version wrote ${now.version}`);
  }
  if (now.version !== pkg.version) released.set(pkg.name, { dir, from: pkg.version, to: now.version });
}
for (const name of named.keys()) if (!dirOf.has(name)) fail(`a changeset names ${name}, which is not in the workspace`);

// Internal ranges as published: pnpm pack resolves workspace: ranges from the new versions of
// the linked packages (linked here as `pnpm install` links them).
const packDir = join(work, '.packed');
mkdirSync(packDir);
for (const [dir, pkg] of after) {
  const deps = { ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies, ...pkg.devDependencies };
  for (const dep of Object.keys(deps).filter((d) => dirOf.has(d))) {
    const link = join(work, dir, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    if (!existsSync(link)) symlinkSync(join(work, dirOf.get(dep)), link);
  }
}
const versionOf = new Map([...after.values()].map((p) => [p.name, p.version]));
for (const [dir, pkg] of after) {
  if (pkg.private) continue;
  const out = execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: join(work, dir), encoding: 'utf8' });
  const tarball = out.trim().split('\n').pop().trim();
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (!dep.startsWith('@densityjs/')) continue;
      const want = `^${versionOf.get(dep)}`;
      if (range !== want) fail(`${pkg.name} ${pkg.version}: ${field}["${dep}"] is "${range}" as published, expected "${want}"`);
    }
  }
}

// CHANGELOG entries.
const HEADINGS = { major: 'Major Changes', minor: 'Minor Changes', patch: 'Patch Changes' };
for (const [name, { dir, to }] of released) {
  const path = join(work, dir, 'CHANGELOG.md');
  if (!existsSync(path)) {
    fail(`${name}: no CHANGELOG.md after versioning`);
    continue;
  }
  const text = readFileSync(path, 'utf8');
  const sections = text.split(/^## /m).slice(1);
  const section = sections[0] ?? '';
  if (!section.startsWith(`${to}\n`)) {
    fail(`${name}: CHANGELOG.md's first section is "## ${section.split('\n')[0]}", expected "## ${to}"`);
    continue;
  }
  for (const c of pending) {
    const own = c.releases.find((r) => r.name === name);
    if (!own) continue;
    const first = c.summary.split('\n')[0];
    const heading = section.indexOf(`### ${HEADINGS[own.type]}`);
    if (heading < 0 || section.indexOf(first, heading) < 0) {
      fail(`${name}: CHANGELOG.md ${to} lacks changeset "${c.id}" under "### ${HEADINGS[own.type]}"`);
    }
  }
  if (!named.has(name) && !/Updated dependencies/.test(section)) {
    fail(`${name}: bumped as a dependent but CHANGELOG.md ${to} does not say which dependencies changed`);
  }
}

const left = readdirSync(join(work, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
if (left.length > 0) fail(`changesets not consumed: ${left.join(', ')}`);

if (problems.length > 0) {
  console.error(`versioning test failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  pending.length === 0
    ? 'versioning test passed: no pending changesets, nothing versioned'
    : `versioning test passed (${pending.length} changesets): ${[...released].map(([n, r]) => `${n} ${r.from} -> ${r.to}`).join(', ')}`,
);
