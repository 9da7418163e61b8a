// End-to-end test of the browser benchmark: builds the page (web/), serves it on 127.0.0.1
// with the cross-origin isolation headers, and drives Debian's chromium headless through
// playwright-core (never a downloaded browser; SwiftShader gives a software WebGPU adapter).
// It runs a few speed tasks in quick mode on every backend the page offers, checks the report
// (a row per task per backend; wasm with and without threads and webgpu measured; the adapter
// and wasm features named; table, charts and both downloads), and writes the downloaded
// report to apps/bench/e2e-output/bench.json (plus bench.md and a screenshot).
//
//   pnpm --filter ./apps/bench e2e
//   BENCH_E2E_TASKS=maf-step-small,mdn ... e2e     (other tasks: ids or prefixes)
//   BENCH_E2E_SKIP_BUILD=1 ... e2e                 (reuse web/dist)
//   CHROMIUM=/path/to/chrome ... e2e
import { serveIsolated } from '../../../scripts/isolated-static-server.mjs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webRoot = join(appRoot, 'web');
const distDir = join(webRoot, 'dist');
const outDir = join(appRoot, 'e2e-output');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Light enough for SwiftShader's WebGPU (about 10 ms per kernel): three light tasks that run
// on every backend in quick mode, and the matMul peak, which quick mode runs on wasm only.
const tasks = (process.env.BENCH_E2E_TASKS ?? 'normal-logprob,iaf-sample-8,mdn-epoch,matmul-512').split(',').map((s) => s.trim());
const backends = ['webgpu', 'wasm-threads', 'wasm-single', 'webgl', 'cpu'];
const started = Date.now();

const log = (message) => console.log(`[bench e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);
const failures = [];
function check(condition, message) {
  if (!condition) failures.push(message);
  return Boolean(condition);
}

async function buildPage() {
  if (process.env.BENCH_E2E_SKIP_BUILD && existsSync(join(distDir, 'index.html'))) {
    log('reusing web/dist (BENCH_E2E_SKIP_BUILD)');
    return;
  }
  log('building the page with vite');
  const { build } = await import('vite');
  await build({ root: webRoot, configFile: join(webRoot, 'vite.config.ts'), logLevel: 'warn' });
  log('build done');
}


async function main() {
  if (!existsSync(executablePath)) {
    throw new Error(`no browser at ${executablePath}: install Debian's chromium (apt-get install -y --no-install-recommends chromium) or set CHROMIUM`);
  }
  mkdirSync(outDir, { recursive: true });
  await buildPage();
  const server = await serveIsolated(distDir);
  const base = `http://127.0.0.1:${server.address().port}`;
  log(`serving web/dist at ${base}`);
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'densityjs-bench-e2e-'));
  const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1300, height: 1000 },
    acceptDownloads: true,
    args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', ...quiet],
  });
  const consoleLines = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleLines.push(`[console.error] ${msg.text()}`);
    });
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
    const query = new URLSearchParams({ quick: '1', tasks: tasks.join(','), backends: backends.join(','), autorun: '1' });
    await page.goto(`${base}/index.html?${query}`);
    log(`chromium ${context.browser()?.version() ?? ''}; running ${tasks.join(', ')} on ${backends.join(', ')}`);
    check(await page.evaluate(() => globalThis.crossOriginIsolated), 'the page is not cross-origin isolated (COOP/COEP headers missing)');
    let lastStatus = '';
    const deadline = Date.now() + 9 * 60_000;
    while (Date.now() < deadline) {
      const state = await page.evaluate(() => window.__bench?.state);
      if (state === 'done' || state === 'error') break;
      const status = await page.getByTestId('status').textContent();
      if (status !== lastStatus && /: (building|profiling)$/.test(status ?? '')) log(status);
      lastStatus = status;
      await page.waitForTimeout(500);
    }
    const hook = await page.evaluate(() => window.__bench);
    await page.screenshot({ path: join(outDir, 'bench.png'), fullPage: true });
    if (!check(hook.state === 'done', `the run ended in state ${hook.state}: ${hook.errors.join('; ')}`)) return;
    check(hook.errors.length === 0, `the page reported errors: ${hook.errors.join('; ')}`);

    // Both downloads: the JSON must be the page's report, the markdown its table.
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
    const jsonPath = join(outDir, 'bench.json');
    await jsonDownload.saveAs(jsonPath);
    const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
    const [mdDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-md').click()]);
    const mdPath = join(outDir, 'bench.md');
    await mdDownload.saveAs(mdPath);
    const markdown = readFileSync(mdPath, 'utf8');
    check(report.format === 'densityjs-bench-browser', `bench.json: format is ${report.format}`);
    check(JSON.stringify(report) === JSON.stringify(hook.report), 'bench.json differs from the report the page holds');

    const info = Object.fromEntries(report.backends.map((b) => [b.backend, b]));
    for (const b of backends) log(`backend ${b}: ${JSON.stringify(info[b])}`);
    check(info['wasm-threads']?.status === 'ok' && info['wasm-threads'].wasm?.threads === true && info['wasm-threads'].wasm.threadsCount >= 1,
      `wasm-threads did not run with threads: ${JSON.stringify(info['wasm-threads'])}`);
    check(info['wasm-single']?.status === 'ok' && info['wasm-single'].wasm?.threads === false, `wasm-single is not single-threaded: ${JSON.stringify(info['wasm-single'])}`);
    check(info['wasm-single']?.wasm?.simd === true, 'wasm-single: SIMD is off in chromium');
    check(info.webgpu?.status === 'ok' && info.webgpu.adapter && typeof info.webgpu.adapter.vendor === 'string',
      `webgpu did not run with an adapter: ${JSON.stringify(info.webgpu)}`);

    // A row per task per backend (every speed task, skipped and unavailable ones included).
    const taskIds = [...new Set(report.results.map((r) => r.task))];
    check(taskIds.length >= 10, `bench.json names only ${taskIds.length} tasks`);
    for (const t of taskIds) {
      for (const b of backends) {
        const rows = report.results.filter((r) => r.task === t && r.backend === b);
        check(rows.length === 1, `bench.json has ${rows.length} rows for ${t} on ${b}, expected 1`);
      }
    }
    const row = (t, b) => report.results.find((r) => r.task === t && r.backend === b);
    const measured = ['webgpu', 'wasm-threads', 'wasm-single'];
    for (const t of tasks) {
      for (const b of [...measured, 'cpu']) {
        const r = row(t, b);
        if (!r) continue;
        if (r.status === 'skipped' && b !== 'wasm-threads' && b !== 'wasm-single') continue; // quick mode: heavy tasks on wasm only
        const s = r.timing?.summary;
        check(r.status === 'ok' && s && s.median > 0 && s.q1 <= s.median && s.median <= s.q3 && s.n >= 3,
          `${t} on ${b}: not measured (${r.status}: ${r.reason ?? ''}) or inconsistent timing ${JSON.stringify(s)}`);
        check((r.profile?.kernels ?? 0) >= 1, `${t} on ${b}: no kernel count`);
        check(r.profile?.leakedTensors === 0, `${t} on ${b}: a step left ${r.profile?.leakedTensors} tensors behind`);
      }
    }
    check(row(tasks[0], 'webgl')?.status === 'unavailable', `webgl should be reported unavailable: ${JSON.stringify(row(tasks[0], 'webgl'))}`);
    // The same task computes the same kernels on both wasm rows.
    for (const t of tasks) {
      const a = row(t, 'wasm-threads')?.profile?.kernels;
      const b = row(t, 'wasm-single')?.profile?.kernels;
      if (a !== undefined && b !== undefined) check(a === b, `${t}: ${a} kernels with wasm threads, ${b} without`);
    }

    // The page: a table row per measured pair with the ratio to the fastest, a chart per task.
    const okRows = report.results.filter((r) => r.status === 'ok');
    const tableRows = await page.locator('[data-testid="results"] tbody tr').count();
    check(tableRows === report.results.filter((r) => r.status !== 'skipped').length, `the table shows ${tableRows} rows`);
    const ratios = await page.locator('[data-testid="results"] tbody tr td:nth-child(6)').allTextContents();
    for (const t of tasks) {
      const fastest = okRows.filter((r) => r.task === t).sort((a, b) => a.timing.summary.median - b.timing.summary.median)[0];
      if (fastest) check(ratios.includes('1.00x'), `no backend shows 1.00x for ${t}`);
      const bars = await page.locator(`[data-testid="chart-${t}"] rect`).count();
      check(bars === 2 * okRows.filter((r) => r.task === t).length, `chart of ${t}: ${bars} rects for ${okRows.filter((r) => r.task === t).length} backends`);
    }
    check(markdown.includes('| task | backend | median ms | IQR ms |') && markdown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| task') ).length === tableRows + 1,
      'bench.md does not hold the table');
    check(/wasm-threads: wasm SIMD, \d+ threads?/.test(markdown) && /webgpu: adapter/.test(markdown), 'bench.md does not name the wasm features and the adapter');
    for (const r of okRows) {
      log(`${r.task.padEnd(16)} ${r.backend.padEnd(13)} median ${r.timing.summary.median.toPrecision(3)} ms, IQR ${r.timing.summary.iqr.toPrecision(2)}, ${r.profile?.kernels} kernels`);
    }
  } finally {
    await context.close().catch(() => undefined);
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  if (consoleLines.length) {
    console.log(`browser console errors (${consoleLines.length}):`);
    for (const line of consoleLines.slice(0, 20)) console.log(`  ${line.slice(0, 300)}`);
  }
  for (const f of failures) console.error(`BENCH E2E FAILED: ${f}`);
  log(failures.length ? `${failures.length} check(s) FAILED; see ${outDir}` : `passed; report in ${join(outDir, 'bench.json')}`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`BENCH E2E FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
