// README example test: every ```ts block of the READMEs runs as written on a clean install.
//
// For each README, a fresh project outside the workspace gets exactly what the README's install
// lines say (`npm install ...` / `npm i ...` in its ```sh blocks): @densityjs/* packages from
// the packed tarballs (with the @densityjs packages they depend on, which npm would fetch from
// the registry), everything else from the registry, pinned to the workspace's version where the
// README gives none. Each ```ts block is then type-checked (TypeScript strict, module nodenext),
// compiled and run with plain Node ESM; its output is shown. A block fails on a type error, an
// exception or a non-zero exit.
//
// Markers, on the line before a block's opening fence (an HTML comment, invisible on GitHub
// and npm):
//   <!-- readme-test: skip (why) -->   not run: signatures, browser-only code, data you download
//   <!-- readme-test: continues -->    appended to the previous block: one program, shared names
//
// Usage: node scripts/readme-examples-test.mjs [README.md ...]   (default: the root README and
// every public package's). DENSITYJS_TARBALLS=dir reuses tarballs from
// scripts/pack-public-packages.sh; README_TEST_TIMEOUT_S (default 300) bounds each block's run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { packedTarballs } from './packed-tarballs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const timeoutS = Number(process.env.README_TEST_TIMEOUT_S ?? 300);
const work = mkdtempSync(join(tmpdir(), 'densityjs-readme-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function publicPackageDirs() {
  return readdirSync(join(root, 'packages'))
    .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
    .filter((d) => !JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')).private)
    .sort();
}

const readmes = process.argv.slice(2).length > 0
  ? process.argv.slice(2).map((f) => resolve(f))
  : [join(root, 'README.md'), ...publicPackageDirs().map((d) => join(root, 'packages', d, 'README.md'))];

// --- tarballs ------------------------------------------------------------------------------
const withDependencies = packedTarballs(work);
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pinned = { ...rootPkg.dependencies, ...rootPkg.devDependencies };

// --- markdown ------------------------------------------------------------------------------
const MARKER = /^<!--\s*readme-test:\s*(skip|continues)\b\s*(.*?)\s*-->\s*$/;

function parseReadme(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? MARKER.exec(lines[k].trim()) : null;
    blocks.push({
      lang: open[1].toLowerCase(),
      line: i + 1,
      code: lines.slice(i + 1, j).join('\n'),
      marker: marker?.[1],
      reason: marker?.[2].replace(/^\((.*)\)$/, '$1'),
    });
    i = j;
  }
  return blocks;
}

/** Package specs from `npm install a b` / `npm i a` lines of the shell blocks. */
function installSpecs(blocks) {
  const specs = [];
  for (const b of blocks.filter((x) => ['sh', 'bash', 'shell', 'console'].includes(x.lang))) {
    for (const line of b.code.split('\n')) {
      const m = /^\s*\$?\s*npm\s+(?:install|i|add)\s+(.+)$/.exec(line.replace(/#.*$/, ''));
      if (!m) continue;
      specs.push(...m[1].split(/\s+/).filter((w) => w && !w.startsWith('-')));
    }
  }
  return [...new Set(specs)];
}

const nameOf = (spec) => (spec.startsWith('@') ? '@' + spec.slice(1).split('@')[0] : spec.split('@')[0]);

function installArgs(specs) {
  const args = new Set();
  for (const spec of specs) {
    const name = nameOf(spec);
    if (name.startsWith('@densityjs/')) withDependencies(name).forEach((path) => args.add(path));
    else args.add(spec === name && pinned[name] ? `${name}@${pinned[name]}` : spec);
  }
  return [...args];
}

// --- run -----------------------------------------------------------------------------------
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const tsconfig = {
  compilerOptions: {
    module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'],
    strict: true, skipLibCheck: true, noEmit: true, types: [],
  },
  include: ['*.ts'],
};
const results = [];
let failed = 0;

for (const readme of readmes) {
  const rel = relative(root, readme);
  const blocks = parseReadme(readFileSync(readme, 'utf8'));
  const programs = [];
  for (const b of blocks.filter((x) => x.lang === 'ts' || x.lang === 'typescript')) {
    if (b.marker === 'skip') {
      results.push(`skipped ${rel}:${b.line} (${b.reason || 'no reason given'})`);
    } else if (b.marker === 'continues' && programs.length > 0) {
      const last = programs[programs.length - 1];
      last.code += `\n// ${rel}:${b.line}\n${b.code}`;
      last.lines.push(b.line);
    } else {
      programs.push({ code: `// ${rel}:${b.line}\n${b.code}`, lines: [b.line] });
    }
  }
  if (programs.length === 0) continue;
  console.log(`\n=== ${rel}: ${programs.length} example(s)`);

  const specs = installSpecs(blocks);
  if (specs.length === 0) {
    results.push(`FAILED  ${rel}: ts examples but no \`npm install\` line`);
    failed++;
    continue;
  }
  const dir = join(work, basename(dirname(readme)) || 'root');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  console.log(`npm install ${specs.join(' ')}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', ...installArgs(specs)], {
    cwd: dir, stdio: 'inherit',
  });

  // Every package an example imports must be on the install line: a package that only comes
  // along as someone's dependency (tfjs-backend-cpu under tfjs-backend-wasm) is not the user's.
  const installed = new Set(specs.map(nameOf));
  for (const p of programs) {
    const specifiers = [
      ...p.code.matchAll(/^\s*import\s+(?:[^'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm),
      ...p.code.matchAll(/^\s*export\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/gm),
      ...p.code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]);
    for (const spec of specifiers) {
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!installed.has(name)) p.missing = [...(p.missing ?? []), name];
    }
  }

  programs.forEach((p, i) => writeFileSync(join(dir, `example-${i + 1}.ts`), p.code + '\n'));
  const check = spawnSync('node', [tsc, '-p', '.'], { cwd: dir, encoding: 'utf8' });
  const typeErrors = `${check.stdout}${check.stderr}`;

  programs.forEach((p, i) => {
    const where = `${rel}:${p.lines.join('+')}`;
    const file = `example-${i + 1}`;
    if (p.missing) {
      console.log(`--- ${where}: imports ${p.missing.join(', ')}, which the install line does not install`);
      results.push(`FAILED  ${where} (imports ${p.missing.join(', ')}: not on the install line)`);
      failed++;
      return;
    }
    const errors = typeErrors.split('\n').filter((l) => l.startsWith(`${file}.ts`));
    if (errors.length > 0) {
      console.log(`--- ${where}: type errors\n${errors.join('\n')}`);
      results.push(`FAILED  ${where} (type errors)`);
      failed++;
      return;
    }
    const js = ts.transpileModule(p.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(dir, `${file}.mjs`), js);
    console.log(`--- ${where}`);
    const started = Date.now();
    const run = spawnSync('node', [`${file}.mjs`], { cwd: dir, encoding: 'utf8', timeout: timeoutS * 1000 });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trimEnd();
    if (output) console.log(output.split('\n').map((l) => `    ${l}`).join('\n'));
    if (run.status === 0) {
      results.push(`ran     ${where} (${seconds} s)`);
    } else {
      const why = run.error?.code === 'ETIMEDOUT' ? `timed out after ${timeoutS} s` : `exit ${run.status ?? run.signal}`;
      results.push(`FAILED  ${where} (${why})`);
      failed++;
    }
  });
  if (typeErrors.trim() && !programs.some((_, i) => typeErrors.includes(`example-${i + 1}.ts`))) {
    console.log(`tsc reported errors outside the examples:\n${typeErrors}`);
    results.push(`FAILED  ${rel} (tsc errors outside the examples)`);
    failed++;
  }
}

console.log(`\nREADME examples:\n${results.map((r) => `  ${r}`).join('\n')}`);
if (failed > 0) {
  console.log(`${failed} README example(s) failed`);
  process.exit(1);
}
console.log('README examples passed');
