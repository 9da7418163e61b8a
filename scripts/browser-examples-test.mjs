// Browser example test: every app in examples/ is installed as a user would install it (the
// @densityjs packages from the packed tarballs, everything else from the registry at the
// versions its package.json pins), type-checked, built with its own bundler and trained in
// Debian's headless chromium (playwright-core, never a downloaded browser):
//
//   wasm      ?backend=wasm: the flows README's configuration (two moons, MAF 5 x [64, 64], batch
//             256, validation data, patience) for a few epochs, on the page's main thread with
//             fit's default options. An injected monitor (PerformanceObserver 'longtask' plus a
//             10 ms timer whose late ticks show how long the page could not run a task) measures
//             the longest main-thread block during fit: it must stay <= 150 ms. The console
//             lines of `verbose: 1` must be one per epoch, matching the losses.
//   webgpu    the default: WebGPU first (SwiftShader's software adapter here), a small flow.
//   fallback  a browser without a WebGPU adapter: the page must fall back to wasm and say why.
//
// Usage: node scripts/browser-examples-test.mjs [vite-wasm esbuild-wasm ...]
//   DENSITYJS_TARBALLS=dir     reuse tarballs from scripts/pack-public-packages.sh
//   EXAMPLES_WASM_EPOCHS=n     epochs of the wasm run (default 3)
//   EXAMPLES_ONLY=wasm         only the wasm run (also: webgpu, fallback; comma-separated)
//   CHROMIUM=/path/to/chrome   another executable
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveIsolated } from './isolated-static-server.mjs';
import { packedTarballs } from './packed-tarballs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const wasmEpochs = Number(process.env.EXAMPLES_WASM_EPOCHS ?? 3);
const only = new Set((process.env.EXAMPLES_ONLY ?? 'wasm,webgpu,fallback').split(',').map((s) => s.trim()));
/** The longest main-thread block fit may cause with its default options, in milliseconds. */
const MAX_BLOCK_MS = 150;
/** Period of the injected timer; a tick that comes late by more than this shows a block. */
const TICK_MS = 10;
// EXAMPLES_WORK=dir keeps the installed apps there and reuses them (no npm install) on the next run.
const work = process.env.EXAMPLES_WORK ? resolve(process.env.EXAMPLES_WORK) : mkdtempSync(join(tmpdir(), 'densityjs-examples-'));
if (!process.env.EXAMPLES_WORK) process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const started = Date.now();
const log = (message) => console.log(`[examples ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const examples = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'package.json'))).sort();

// --- tarballs ------------------------------------------------------------------------------
const withDependencies = packedTarballs(work);
/** The tarballs of `names` and of the @densityjs packages they depend on. */
const tarballPaths = (names) => [...new Set(names.flatMap(withDependencies))];

// --- the monitor injected into the page ------------------------------------------------------
function mainThreadMonitor(tickMs) {
  const monitor = { longTasks: [], lateTicks: [], frameGaps: [] };
  window.mainThreadMonitor = monitor;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) monitor.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
  } catch {
    monitor.noLongTaskApi = true;
  }
  let last = performance.now();
  monitor.visibility = document.visibilityState;
  const tick = () => {
    const now = performance.now();
    // The page could not run this timer for (now - last - tickMs) ms after it was due.
    if (now - last > tickMs + 20) monitor.lateTicks.push({ start: last + tickMs, duration: now - last - tickMs });
    last = now;
    setTimeout(tick, tickMs);
  };
  setTimeout(tick, tickMs);
  // Frames: a gap between two animation frames is time the page did not paint.
  let lastFrame = performance.now();
  const frame = (now) => {
    if (now - lastFrame > 50) monitor.frameGaps.push({ start: lastFrame, duration: now - lastFrame });
    lastFrame = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

class Failure extends Error {}
function check(condition, message) {
  if (!condition) throw new Failure(message);
}

async function runPage(context, base, query, timeoutMs, { monitor = false } = {}) {
  const page = await context.newPage();
  const console_ = [];
  page.on('console', (msg) => console_.push({ type: msg.type(), text: msg.text() }));
  page.on('pageerror', (error) => console_.push({ type: 'pageerror', text: error.message }));
  if (monitor) await page.addInitScript(mainThreadMonitor, TICK_MS);
  await page.goto(`${base}/index.html${query}`);
  try {
    await page.waitForFunction(() => ['done', 'error'].includes(window.densityjsExample?.state), null, { timeout: timeoutMs, polling: 250 });
  } catch {
    const run = await page.evaluate(() => window.densityjsExample);
    throw new Failure(`${query}: no result within ${timeoutMs / 1000} s (state ${run?.state}, losses ${JSON.stringify(run?.loss)}); console: ${console_.map((c) => c.text).join(' | ').slice(0, 800)}`);
  }
  const run = await page.evaluate(() => window.densityjsExample);
  const blocks = monitor ? await page.evaluate(() => window.mainThreadMonitor) : undefined;
  const text = await page.locator('#log').textContent();
  await page.close();
  check(run.state === 'done', `${query}: the page ended in an error: ${run.error}; console: ${console_.map((c) => c.text).join(' | ').slice(0, 800)}`);
  return { run, blocks, console: console_, text };
}

function checkTrained(label, run, epochs) {
  check(run.loss.length === epochs, `${label}: ${run.loss.length} epochs reported, expected ${epochs}`);
  check([...run.loss, ...run.valLoss, run.testNll].every(Number.isFinite), `${label}: non-finite losses ${JSON.stringify(run)}`);
  check(run.loss.at(-1) < run.loss[0], `${label}: the training loss did not fall: ${run.loss.join(', ')}`);
}

/**
 * The longest main-thread block (ms) during fit: the long tasks clipped to fit's start and end (a
 * task that began with the page's own setup counts from fit's call on), and, for information,
 * the latest tick of the 10 ms timer.
 */
function longestBlock(blocks, run) {
  const clipped = blocks.longTasks
    .map((e) => ({ start: Math.max(e.start, run.trainingStart), end: Math.min(e.start + e.duration, run.trainingEnd) }))
    .filter((e) => e.end > e.start)
    .map((e) => ({ start: e.start, duration: e.end - e.start }));
  const longTask = Math.max(0, ...clipped.map((e) => e.duration));
  const during = (e) => e.start + e.duration >= run.trainingStart && e.start <= run.trainingEnd;
  const lateTick = Math.max(0, ...blocks.lateTicks.filter(during).map((e) => e.duration));
  const frameGap = Math.max(0, ...blocks.frameGaps.filter(during).map((e) => e.duration));
  // The five longest, as "duration@start" in ms from fit's start, for the log.
  const top = clipped
    .sort((a, b) => b.duration - a.duration)
    .slice(0, 5)
    .map((e) => `${e.duration.toFixed(0)}@${(e.start - run.trainingStart).toFixed(0)}`);
  return { longTask, lateTick, frameGap, longTasks: clipped.filter((e) => e.duration > 50).length, top, noLongTaskApi: Boolean(blocks.noLongTaskApi) };
}

async function testExample(name, launch) {
  const source = join(root, 'examples', name);
  const dir = join(work, name);
  const installed = existsSync(join(dir, 'node_modules'));
  // A reused install keeps its package.json (npm rewrote it to point at the tarballs).
  cpSync(source, dir, { recursive: true, filter: (p) => !/[\\/](node_modules|dist)$/.test(p) && !(installed && p.endsWith('package.json')) });
  if (!installed) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const ours = Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@densityjs/'));
    log(`${name}: npm install (${ours.join(', ')} from the tarballs, the rest as package.json pins it)`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', ...tarballPaths(ours)], { cwd: dir, stdio: 'inherit' });
  }
  log(`${name}: npm run typecheck && npm run build`);
  execFileSync('npm', ['run', '--silent', 'typecheck'], { cwd: dir, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: dir, stdio: 'inherit' });
  const dist = join(dir, 'dist');
  check(readdirSync(dist, { recursive: true }).some((f) => String(f).endsWith('.wasm')), `${name}: the build has no .wasm file`);

  const server = await serveIsolated(dist);
  const base = `http://127.0.0.1:${server.address().port}`;
  const results = {};
  try {
    const gpu = only.has('wasm') || only.has('webgpu') ? await launch({ webgpu: true }) : undefined;
    try {
      if (only.has('wasm')) {
        // The README's configuration on wasm, on the main thread, measured.
        const wasm = await runPage(gpu, base, `?backend=wasm&epochs=${wasmEpochs}`, 300_000, { monitor: true });
        checkTrained(`${name} wasm`, wasm.run, wasmEpochs);
        check(wasm.run.backend === 'wasm', `${name}: asked for wasm, ran on ${wasm.run.backend}`);
        const epochLines = wasm.console.filter((c) => c.type === 'log' && /^epoch /.test(c.text)).map((c) => c.text);
        check(epochLines.length === wasmEpochs, `${name}: verbose 1 logged ${epochLines.length} epoch lines to the console, expected ${wasmEpochs}: ${epochLines.join(' | ')}`);
        epochLines.forEach((line, i) => {
          const m = /^epoch +(\d+)\/(\d+)  loss (\S+)  valLoss (\S+)  \(\d+ steps, .*, ETA [\d:?]+\)$/.exec(line);
          check(m && Number(m[1]) === i + 1 && m[3] === wasm.run.loss[i].toFixed(4) && m[4] === wasm.run.valLoss[i].toFixed(4), `${name}: console line ${i + 1} "${line}" does not match epoch ${i + 1}'s losses`);
        });
        const block = longestBlock(wasm.blocks, wasm.run);
        const seconds = (wasm.run.trainingEnd - wasm.run.trainingStart) / 1000;
        log(
          `${name} wasm: ${wasmEpochs} epochs of the README configuration in ${seconds.toFixed(1)} s, loss ${wasm.run.loss[0].toFixed(3)} -> ${wasm.run.loss.at(-1).toFixed(3)}, ` +
            `test NLL ${wasm.run.testNll.toFixed(3)} nats; longest main-thread block during fit: ${block.longTask.toFixed(0)} ms (the longest task, ${block.longTasks} tasks over 50 ms), ` +
            `longest gap between frames ${block.frameGap.toFixed(0)} ms, latest 10 ms timer tick ${block.lateTick.toFixed(0)} ms late (${wasm.blocks.visibility}); longest tasks (ms@ms after fit started): ${block.top.join(' ')}`,
        );
        check(!block.noLongTaskApi, `${name}: this browser has no 'longtask' performance entries`);
        check(block.longTask <= MAX_BLOCK_MS, `${name}: fit blocked the main thread for ${block.longTask.toFixed(0)} ms in one task (> ${MAX_BLOCK_MS} ms)`);
        results.wasm = { seconds, block, testNll: wasm.run.testNll };
      }
      if (only.has('webgpu')) {
        // WebGPU first (SwiftShader: about 10 ms per kernel, so a small flow).
        const small = '?epochs=2&points=512&layers=1&hidden=8';
        const webgpu = await runPage(gpu, base, small, 300_000);
        checkTrained(`${name} webgpu`, webgpu.run, 2);
        check(webgpu.run.backend === 'webgpu', `${name}: the default run should use WebGPU here, it ran on ${webgpu.run.backend} (${webgpu.run.note})`);
        log(`${name} webgpu: trained, loss ${webgpu.run.loss[0].toFixed(3)} -> ${webgpu.run.loss.at(-1).toFixed(3)}`);
      }
    } finally {
      await gpu?.close().catch(() => undefined);
    }

    if (only.has('fallback')) {
      const plain = await launch({ webgpu: false });
      try {
        const fallback = await runPage(plain, base, '?epochs=2&points=512&layers=1&hidden=8', 120_000);
        checkTrained(`${name} fallback`, fallback.run, 2);
        check(fallback.run.backend === 'wasm', `${name}: without a WebGPU adapter the page should fall back to wasm, it ran on ${fallback.run.backend}`);
        check(/WebGPU/.test(fallback.run.note) && fallback.text.includes(fallback.run.note), `${name}: the fallback does not say why WebGPU was skipped on the page (note "${fallback.run.note}")`);
        log(`${name} fallback: "${fallback.run.note}"`);
      } finally {
        await plain.close().catch(() => undefined);
      }
    }
  } finally {
    server.close();
  }
  return results;
}

async function main() {
  check(existsSync(executablePath), `no browser at ${executablePath}: install Debian's chromium or set CHROMIUM`);
  const { chromium } = createRequire(join(root, 'apps/demo/package.json'))('playwright-core');
  const profiles = [];
  const launch = ({ webgpu }) => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'densityjs-examples-profile-'));
    profiles.push(userDataDir);
    const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
    return chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: webgpu ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', ...quiet] : ['--disable-gpu', ...quiet],
    });
  };
  const failures = [];
  const summary = [];
  try {
    for (const name of examples) {
      try {
        const r = await testExample(name, launch);
        summary.push(`passed  ${name}${r.wasm ? ` (longest main-thread block during fit on wasm: ${r.wasm.block.longTask.toFixed(0)} ms)` : ''}`);
      } catch (error) {
        failures.push(name);
        summary.push(`FAILED  ${name}: ${error instanceof Failure ? error.message : error.stack}`);
      }
    }
  } finally {
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nbrowser examples:\n${summary.map((s) => `  ${s}`).join('\n')}`);
  log(failures.length ? `${failures.length} example(s) failed` : 'browser examples passed');
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`browser examples FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
