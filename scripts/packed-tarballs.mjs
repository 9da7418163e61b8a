// The public packages as packed tarballs, for the scripts that install them into fresh
// projects (README examples, bundler examples): reuses DENSITYJS_TARBALLS when set, otherwise
// packs them into `work`.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Returns `withDependencies(name)`: the tarball paths of the @densityjs package `name` and of
 * every @densityjs package it depends on (an Error names a package that was not packed).
 */
export function packedTarballs(work) {
  let dir = process.env.DENSITYJS_TARBALLS;
  if (!dir) {
    dir = join(work, 'tarballs');
    execFileSync('bash', [join(root, 'scripts/pack-public-packages.sh'), dir], { stdio: 'inherit' });
  }
  /** name -> {path, deps: internal dependency names} */
  const tarballs = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
    const path = join(dir, file);
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', path, 'package/package.json'], { encoding: 'utf8' }));
    const deps = Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@densityjs/'));
    tarballs.set(pkg.name, { path, deps });
  }
  return function withDependencies(name) {
    const paths = new Set();
    const add = (n) => {
      const t = tarballs.get(n);
      if (!t) throw new Error(`${n} is not a packed public package`);
      if (paths.has(t.path)) return;
      paths.add(t.path);
      t.deps.forEach(add);
    };
    add(name);
    return [...paths];
  };
}
