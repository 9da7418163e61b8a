// End-to-end test of the demo in a real browser: builds the app, serves it on 127.0.0.1 with
// the cross-origin isolation headers, and drives Debian's chromium headless through
// playwright-core (never a downloaded browser). It trains a MAF on two moons on wasm and on
// webgpu (SwiftShader's software adapter), checks that the shown loss falls and the heatmap is
// drawn, round-trips the model through Download/Load, runs the MDN page, and saves
// screenshots into apps/demo/e2e-output/.
//
//   pnpm --filter ./apps/demo e2e            (build + test)
//   DEMO_E2E_SKIP_BUILD=1 ... e2e            (reuse dist/)
//   DEMO_E2E_DEV=1 ... e2e                   (against the vite dev server, no build)
//   DEMO_E2E_ONLY=wasm,default,csv,webgpu,fallback,mdn ... e2e   (a subset; also opt-in: models, siggraph, mdn-webgpu)
//   DEMO_E2E_DIST=/tmp/dist ... e2e          (build into and serve another folder)
//   CHROMIUM=/path/to/chrome ... e2e         (another executable)
import { serveIsolated } from '../../../scripts/isolated-static-server.mjs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = resolve(process.env.DEMO_E2E_DIST ?? join(appRoot, 'dist'));
const outDir = join(appRoot, 'e2e-output');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
// `?threads=N` for the pages (DEMO_E2E_THREADS=1: single-threaded wasm).
const query = process.env.DEMO_E2E_THREADS ? `?threads=${process.env.DEMO_E2E_THREADS}` : '';
const only = new Set((process.env.DEMO_E2E_ONLY ?? 'wasm,default,csv,webgpu,fallback,mdn').split(',').map((s) => s.trim()));
const started = Date.now();

const logLines = [];
const log = (message) => {
  const line = `[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`;
  logLines.push(line);
  console.log(line);
};

class E2EFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new E2EFailure(message);
}

// ---------------------------------------------------------------- build and serve
async function buildApp() {
  if (process.env.DEMO_E2E_SKIP_BUILD && existsSync(join(distDir, 'index.html'))) {
    log('reusing dist/ (DEMO_E2E_SKIP_BUILD)');
    return;
  }
  log('building the app with vite');
  const { build } = await import('vite');
  await build({ root: appRoot, configFile: join(appRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir: distDir } });
  log('build done');
}


// ---------------------------------------------------------------- page helpers
async function waitForState(page, states, timeoutMs, what) {
  try {
    await page.waitForFunction((s) => s.includes(window.__demo?.state), states, { timeout: timeoutMs, polling: 250 });
  } catch {
    const hook = await page.evaluate(() => window.__demo);
    throw new E2EFailure(
      `${what}: state did not reach ${states.join('/')} within ${timeoutMs / 1000}s; ` +
        `state=${hook?.state} epoch=${hook?.epoch} error=${hook?.error} notes=${JSON.stringify(hook?.notes)}`,
    );
  }
  return page.evaluate(() => window.__demo);
}

/**
 * Pixel statistics of a canvas region (CSS pixels): how many distinct colours, and the share
 * of pixels that are neither white nor the empty plot background.
 */
async function canvasStats(page, testId) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"]`);
    const ctx = canvas.getContext('2d');
    const ratio = canvas.width / canvas.clientWidth;
    // The plot area: inside the axes' margins.
    const x0 = Math.round(50 * ratio);
    const y0 = Math.round(30 * ratio);
    const w = canvas.width - x0 - Math.round(16 * ratio);
    const h = canvas.height - y0 - Math.round(28 * ratio);
    const { data } = ctx.getImageData(x0, y0, w, h);
    const colours = new Set();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
      const blank = (r >= 245 && g >= 245 && b >= 245) || (r === 0xfa && g === 0xfa && b === 0xfa) || (r === 0xdd && g === 0xdd && b === 0xdd);
      if (!blank) inked++;
    }
    return { colours: colours.size, inkedShare: inked / (data.length / 4), width: w, height: h };
  }, testId);
}

async function setField(page, testId, value) {
  const locator = page.getByTestId(testId);
  const tag = await locator.evaluate((el) => el.tagName);
  if (tag === 'SELECT') await locator.selectOption(value);
  else await locator.fill(String(value));
}

function watchConsole(page, label, sink) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') sink.push(`[${label} console.${msg.type()}] ${msg.text()}`);
  });
  page.on('pageerror', (error) => sink.push(`[${label} pageerror] ${error.message}`));
}

// ---------------------------------------------------------------- scenarios
async function trainFlow(page, base, { backend, epochs, timeoutMs, hidden, points, model = 'maf', dataset = 'twoMoons', learningRate = 0.002, minDrop = 0.3, layers = 5 }) {
  const label = `${model} on ${dataset} (${backend})`;
  await page.goto(`${base}/index.html${query}`);
  await page.waitForFunction(() => window.__demo?.state === 'idle');
  await setField(page, 'dataset', dataset);
  await setField(page, 'model', model);
  await setField(page, 'points', points);
  await setField(page, 'layers', layers);
  await setField(page, 'hidden', hidden);
  await setField(page, 'epochs', epochs);
  await setField(page, 'batch-size', 256);
  await setField(page, 'learning-rate', learningRate);
  await setField(page, 'backend-select', backend);
  const t0 = Date.now();
  await page.getByTestId('train').click();
  const hook = await waitForState(page, ['done', 'error', 'stopped'], timeoutMs, label);
  const seconds = (Date.now() - t0) / 1000;
  await page.waitForTimeout(200); // let the last requestAnimationFrame draw the loss curve
  await page.screenshot({ path: join(outDir, `flows-${model}-${dataset}-${backend}.png`), fullPage: true });
  check(hook.state === 'done', `${label}: training ended in state "${hook.state}" with error: ${hook.error}`);
  check(hook.backend === backend, `${label}: asked for ${backend} but the page ran on ${hook.backend} (${hook.notes.join(' ')})`);
  const losses = hook.lossHistory;
  check(losses.length === epochs + 1, `${label}: expected ${epochs + 1} losses (untrained + one per epoch), got ${losses.length}`);
  check(losses.every(Number.isFinite), `${label}: non-finite loss in ${JSON.stringify(losses)}`);
  const first = losses[0];
  const last = losses.at(-1);
  check(last < first - minDrop, `${label}: loss did not fall enough: ${first.toFixed(3)} -> ${last.toFixed(3)} (want a drop > ${minDrop} nats)`);
  const shown = Number(await page.getByTestId('loss').textContent());
  check(Math.abs(shown - last) < 1e-3, `${label}: the page shows loss ${shown}, the last epoch's is ${last}`);
  check((hook.draws.density ?? 0) >= 1, `${label}: the density heatmap was never drawn`);
  check((hook.draws.samples ?? 0) >= 1, `${label}: the samples were never drawn`);
  const heat = await canvasStats(page, 'density-canvas');
  check(heat.inkedShare > 0.95 && heat.colours >= 30, `${label}: the heatmap looks blank (${JSON.stringify(heat)})`);
  const lossCanvas = await canvasStats(page, 'loss-canvas');
  check(lossCanvas.inkedShare > 0.002, `${label}: the loss curve looks blank (${JSON.stringify(lossCanvas)})`);
  log(`${label}: ${epochs} epochs in ${seconds.toFixed(1)}s, NLL ${first.toFixed(3)} -> ${last.toFixed(3)} nats, speed ${await page.getByTestId('speed').textContent()}, heatmap ${heat.colours} colours`);
  return { first, last, seconds };
}

/** Every dataset of the flows page draws its points (no model needed). */
async function checkDatasets(page, base) {
  await page.goto(`${base}/index.html${query}`);
  await page.waitForFunction(() => window.__demo?.state === 'idle');
  const names = await page.getByTestId('dataset').evaluate((el) => [...el.options].map((o) => o.value));
  for (const name of names) {
    await setField(page, 'dataset', name);
    await page.waitForTimeout(50);
    const error = await page.evaluate(() => window.__demo.error);
    check(!error, `dataset ${name}: ${error}`);
    const stats = await canvasStats(page, 'samples-canvas');
    check(stats.inkedShare > 0.01, `dataset ${name}: its scatter plot looks blank (${JSON.stringify(stats)})`);
    await page.getByTestId('samples-canvas').screenshot({ path: join(outDir, `dataset-${name}.png`) });
  }
  log(`datasets: ${names.join(', ')} drawn`);
}

async function downloadAndLoad(page, trained) {
  const label = 'download/load';
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('download').click()]);
  const file = join(outDir, 'maf-two-moons.json');
  await download.saveAs(file);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  check(saved.format === 'densityjs-demo-flow' && saved.flow, `${label}: the downloaded file is not a demo flow file`);
  const before = await page.evaluate(() => window.__demo.draws.density ?? 0);
  await page.getByTestId('load-file').setInputFiles(file);
  const hook = await waitForState(page, ['loaded', 'error'], 60_000, label);
  check(hook.state === 'loaded', `${label}: loading the saved model failed: ${hook.error}`);
  // The loaded flow scores the same data: its NLL must match where training ended.
  const loadedNll = hook.lossHistory[0];
  check(
    Math.abs(loadedNll - trained.last) < 0.2,
    `${label}: the loaded model's NLL on the training data is ${loadedNll}, training ended at ${trained.last}`,
  );
  check((hook.draws.density ?? 0) >= 1 && before >= 1, `${label}: the loaded model's density was not drawn`);
  const heat = await canvasStats(page, 'density-canvas');
  check(heat.colours >= 30, `${label}: the loaded model's heatmap looks blank (${JSON.stringify(heat)})`);
  await page.screenshot({ path: join(outDir, 'flows-loaded.png'), fullPage: true });
  log(`${label}: ${(readFileSync(file).length / 1024).toFixed(1)} KiB model saved and loaded back, NLL ${loadedNll.toFixed(3)}, heatmap redrawn`);
}

/** A diverging run shows its error in words; training restarts; Stop ends a long run. */
async function errorStopRestart(page) {
  const label = 'error/stop/restart';
  await setField(page, 'learning-rate', 1);
  await setField(page, 'epochs', 5);
  await page.getByTestId('train').click();
  let hook = await waitForState(page, ['error', 'done'], 60_000, `${label} (learning rate 1)`);
  check(hook.state === 'error', `${label}: a learning rate of 1 should make the loss diverge, the run ended in state ${hook.state}`);
  const shown = await page.getByTestId('error').textContent();
  // fit stops either at a non-finite loss (epoch and step) or when an epoch's loss is far above
  // the best so far (its divergence guard, epoch and loss): either way the box says where.
  check(
    /loss became (NaN|\+Infinity|-Infinity) at epoch \d+, step \d+/.test(shown ?? '') || /training diverged at epoch \d+: its mean loss \S+ is far above/.test(shown ?? ''),
    `${label}: the error box does not say what happened: "${shown}"`,
  );
  check(await page.getByTestId('error').isVisible(), `${label}: the error box is hidden`);
  await setField(page, 'learning-rate', 0.002);
  await setField(page, 'epochs', 500);
  await page.getByTestId('train').click();
  await page.waitForFunction(() => window.__demo.state === 'training' && window.__demo.epoch >= 2, null, { timeout: 60_000 });
  check(!(await page.getByTestId('error').isVisible()), `${label}: the old error is still shown after restarting`);
  const epochAtStop = await page.evaluate(() => window.__demo.epoch);
  const stopAt = Date.now();
  await page.getByTestId('stop').click();
  hook = await waitForState(page, ['stopped', 'done', 'error'], 15_000, `${label} (Stop)`);
  const stopSeconds = (Date.now() - stopAt) / 1000;
  check(hook.state === 'stopped', `${label}: Stop ended in state ${hook.state} (${hook.error})`);
  check(hook.epoch < 500, `${label}: Stop did not stop early (epoch ${hook.epoch})`);
  log(`${label}: divergence reported ("${shown.slice(0, 60)}..."), restart trained, Stop at epoch ${epochAtStop} ended it at epoch ${hook.epoch} after ${stopSeconds.toFixed(1)}s`);
}

/**
 * The MDN page on `backend`. `mseEpochs` undefined keeps the page's default, where the forward
 * network's caption claims a fit: its RMSE on 5000 fresh points must then be within 10% of the
 * noise standard deviation (1).
 */
async function runMdn(page, base, { backend, mseEpochs, mdnEpochs, timeoutMs }) {
  const label = `MDN page (${backend})`;
  // A fresh page: the MDN page's own run starts its own worker on the chosen backend.
  await page.goto(`${base}/mdn.html${query}`);
  await page.waitForFunction(() => window.__demo?.state === 'idle');
  await setField(page, 'backend-select', backend);
  if (mseEpochs !== undefined) await setField(page, 'mse-epochs', mseEpochs);
  const mseShown = Number(await page.getByTestId('mse-epochs').inputValue());
  await setField(page, 'mdn-epochs', mdnEpochs);
  const t0 = Date.now();
  await page.getByTestId('train').click();
  const hook = await waitForState(page, ['done', 'error', 'stopped'], timeoutMs, label);
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(outDir, `mdn-${backend}.png`), fullPage: true });
  check(hook.state === 'done', `${label}: ended in state "${hook.state}" with error: ${hook.error}`);
  const losses = hook.lossHistory;
  check(losses.length === mdnEpochs, `${label}: expected ${mdnEpochs} MDN losses, got ${losses.length}`);
  check(losses.at(-1) < losses[0] - 0.3, `${label}: MDN loss did not fall: ${losses[0]} -> ${losses.at(-1)}`);
  const { mseNll, mdnNll, forwardRmse } = hook.scores ?? {};
  check(Number.isFinite(mdnNll) && Number.isFinite(mseNll) && Number.isFinite(forwardRmse), `${label}: scores missing: ${JSON.stringify(hook.scores)}`);
  if (mseEpochs === undefined) {
    check(Math.abs(forwardRmse - 1) <= 0.1,
      `${label}: at the default ${mseShown} epochs the forward MSE network's test RMSE is ${forwardRmse.toFixed(3)}, not within 10% of the noise standard deviation 1 that its caption's "fits it" claims`);
  }
  check(mdnNll < mseNll - 0.5, `${label}: the MDN (NLL ${mdnNll}) should beat the MSE network (NLL ${mseNll}) by far on the inverse problem`);
  for (const figure of ['forward', 'inverse', 'params', 'bands', 'samples', 'loss']) {
    check((hook.draws[figure] ?? 0) >= 1, `${label}: figure "${figure}" was never drawn with model output`);
  }
  log(
    `${label}: ${mseShown}+${mseShown} MSE and ${mdnEpochs} MDN epochs in ${((Date.now() - t0) / 1000).toFixed(1)}s; ` +
      `forward MSE network test RMSE ${forwardRmse.toFixed(3)} (noise 1); ` +
      `test NLL: MSE network ${mseNll.toFixed(3)}, MDN ${mdnNll.toFixed(3)} nats; seconds per phase ${JSON.stringify(hook.phaseSeconds)}`,
  );
}

/**
 * "Use my data": bad pasted CSV is refused with an error naming the line, then a CSV file of
 * two Gaussian blobs dropped on the page becomes the data set and a MAF trains on it.
 */
async function customCsv(page, base) {
  await page.goto(`${base}/index.html${query}`);
  await page.waitForFunction(() => window.__demo?.state === 'idle');
  await page.locator('.csv-paste summary').click();
  await page.getByTestId('csv-text').fill('x,y\n1,2\n3,abc\n');
  await page.getByTestId('csv-use').click();
  let error = await page.evaluate(() => window.__demo.error);
  check(/line 3/.test(error ?? '') && /two numbers/.test(error ?? ''), `csv: a bad third line gave the error "${error}"`);
  await page.getByTestId('csv-text').fill('x,y\n1,2\n3,4\n');
  await page.getByTestId('csv-use').click();
  error = await page.evaluate(() => window.__demo.error);
  check(/at least 10 points/.test(error ?? ''), `csv: two points gave the error "${error}"`);
  check((await page.getByTestId('dataset').inputValue()) === 'twoMoons', 'csv: refused data changed the dataset');
  // Two blobs of 300 points each at (-2, 0) and (2, 1), sd 0.3, from a fixed-seed generator.
  let state = 12345;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const rows = ['x,y'];
  for (let i = 0; i < 600; i++) {
    const [cx, cy] = i % 2 ? [2, 1] : [-2, 0];
    rows.push(`${(cx + 0.3 * normal()).toFixed(4)},${(cy + 0.3 * normal()).toFixed(4)}`);
  }
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'blobs.csv', { type: 'text/csv' }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, rows.join('\n'));
  await page.waitForFunction(() => window.__demo.customPoints === 600, null, { timeout: 10_000 });
  check((await page.getByTestId('dataset').inputValue()) === 'custom', 'csv: the dropped data did not become the dataset');
  check(!(await page.evaluate(() => window.__demo.error)), 'csv: the error box still shows after good data');
  await setField(page, 'model', 'maf');
  await setField(page, 'layers', 3);
  await setField(page, 'hidden', '32, 32');
  await setField(page, 'epochs', 15);
  await setField(page, 'batch-size', 100);
  await setField(page, 'learning-rate', 0.005);
  await setField(page, 'backend-select', 'wasm');
  await page.getByTestId('train').click();
  const hook = await waitForState(page, ['done', 'error', 'stopped'], 120_000, 'csv training');
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(outDir, 'flows-csv.png'), fullPage: true });
  check(hook.state === 'done', `csv: training ended in state "${hook.state}" with error: ${hook.error}`);
  const losses = hook.lossHistory;
  check(losses.length === 16 && losses.at(-1) < losses[0] - 0.3, `csv: the loss did not fall by 0.3 nats: ${losses[0]} -> ${losses.at(-1)}`);
  check((hook.draws.density ?? 0) >= 1, 'csv: the density was never drawn');
  log(`csv: bad lines refused ("${error}"); 600 dropped points trained, NLL ${losses[0].toFixed(3)} -> ${losses.at(-1).toFixed(3)} nats`);
}

// ---------------------------------------------------------------- main
async function main() {
  check(existsSync(executablePath), `no browser at ${executablePath}: install Debian's chromium (apt-get install -y --no-install-recommends chromium) or set CHROMIUM`);
  mkdirSync(outDir, { recursive: true });
  let server;
  let base;
  if (process.env.DEMO_E2E_DEV) {
    const { createServer: createViteServer } = await import('vite');
    const vite = await createViteServer({ root: appRoot, configFile: join(appRoot, 'vite.config.ts'), logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
    await vite.listen();
    server = { close: () => vite.close() };
    base = vite.resolvedUrls.local[0].replace(/\/$/, '');
    log(`vite dev server at ${base}`);
  } else {
    await buildApp();
    server = await serveIsolated(distDir);
    base = `http://127.0.0.1:${server.address().port}`;
    log(`serving dist/ at ${base}`);
  }
  const { chromium } = await import('playwright-core');
  const userDataDirs = [];
  // A fresh profile per browser; `webgpu: false` launches one whose WebGPU finds no adapter.
  const launch = ({ webgpu }) => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'densityjs-e2e-'));
    userDataDirs.push(userDataDir);
    const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
    return chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      viewport: { width: 1440, height: 1000 },
      acceptDownloads: true,
      args: webgpu ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', ...quiet] : ['--disable-gpu', ...quiet],
    });
  };
  const context = await launch({ webgpu: true });
  const consoleLines = [];
  // Each scenario runs even when an earlier one failed, so one run reports every failure.
  const failures = [];
  const scenario = async (name, run) => {
    try {
      await run();
    } catch (error) {
      failures.push(`${name}: ${error instanceof E2EFailure ? error.message : error.stack}`);
      log(`FAILED ${name}`);
    }
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    watchConsole(page, 'page', consoleLines);
    await scenario('isolation', async () => {
      await page.goto(`${base}/${only.has('wasm') || only.has('webgpu') ? 'index' : 'mdn'}.html`);
      const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
      log(`chromium ${context.browser()?.version() ?? ''}; page cross-origin isolated: ${isolated}`);
      check(isolated, 'the page is not cross-origin isolated: COOP/COEP headers missing');
    });
    if (only.has('datasets') || only.has('wasm')) await scenario('datasets', () => checkDatasets(page, base));
    if (only.has('wasm')) {
      await scenario('wasm', async () => {
        const trained = await trainFlow(page, base, { backend: 'wasm', epochs: 20, timeoutMs: 90_000, hidden: '64, 64', points: 2000 });
        await downloadAndLoad(page, trained);
        await errorStopRestart(page);
      });
    }
    if (only.has('default')) {
      // The flows page's default run (only the backend pinned to wasm: Auto would pick
      // SwiftShader's slow WebGPU here) must draw two separated moons: test NLL <= 1.2 nats.
      await scenario('default', async () => {
        await page.goto(`${base}/index.html${query}`);
        await page.waitForFunction(() => window.__demo?.state === 'idle');
        const defaults = await page.evaluate(() =>
          Object.fromEntries(['dataset', 'model', 'points', 'layers', 'hidden', 'epochs', 'batch-size', 'learning-rate', 'seed'].map((id) => [id, document.querySelector(`[data-testid="${id}"]`).value])),
        );
        check(defaults.dataset === 'twoMoons', `default run: the default dataset is ${defaults.dataset}, not two moons`);
        await setField(page, 'backend-select', 'wasm');
        const t0 = Date.now();
        await page.getByTestId('train').click();
        const hook = await waitForState(page, ['done', 'error', 'stopped'], 400_000, 'default run');
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(outDir, 'flows-default.png'), fullPage: true });
        await page.getByTestId('density-canvas').screenshot({ path: join(outDir, 'flows-default-density.png') });
        check(hook.state === 'done', `default run: ended in state "${hook.state}" with error: ${hook.error}`);
        check(Number.isFinite(hook.testNll) && hook.testNll <= 1.2, `default run: test NLL ${hook.testNll} nats on fresh two-moons points, want <= 1.2`);
        const shown = Number(await page.getByTestId('test-nll').textContent());
        check(Math.abs(shown - hook.testNll) < 1e-3, `default run: the page shows test NLL ${shown}, the run's is ${hook.testNll}`);
        log(`default run (${JSON.stringify(defaults)}) on wasm: ${((Date.now() - t0) / 1000).toFixed(1)}s, train NLL ${hook.lossHistory.at(-1)?.toFixed(3)}, test NLL ${hook.testNll?.toFixed(3)} nats`);
      });
    }
    if (only.has('csv')) await scenario('csv', () => customCsv(page, base));
    if (only.has('webgpu')) {
      // SwiftShader's WebGPU costs about 10 ms per kernel here: a small MAF, few steps.
      await scenario('webgpu', () =>
        trainFlow(page, base, { backend: 'webgpu', layers: 2, epochs: 10, timeoutMs: 150_000, hidden: '16', points: 768, learningRate: 0.01, minDrop: 0.2 }),
      );
    }
    // Opt-in: every flow preset trains a little (DEMO_E2E_ONLY=models).
    if (only.has('models')) {
      for (const model of ['iaf', 'realNVP', 'nice', 'neuralSplineFlow']) {
        await scenario(model, () =>
          trainFlow(page, base, { backend: 'wasm', model, epochs: 8, timeoutMs: 120_000, hidden: '32, 32', points: 1024, learningRate: 0.003, minDrop: 0.1 }),
        );
      }
    }
    // Opt-in: the second seed's SIGGRAPH figure from a longer MAF run (DEMO_E2E_ONLY=siggraph).
    if (only.has('siggraph')) {
      await scenario('siggraph', () =>
        trainFlow(page, base, { backend: 'wasm', dataset: 'siggraph', epochs: 60, timeoutMs: 600_000, hidden: '64, 64', points: 8000, learningRate: 0.002 }),
      );
    }
    // Opt-in: the MDN page on webgpu (DEMO_E2E_ONLY=mdn-webgpu).
    if (only.has('mdn-webgpu')) {
      await scenario('mdn-webgpu', () => runMdn(page, base, { backend: 'webgpu', mseEpochs: 150, mdnEpochs: 300, timeoutMs: 400_000 }));
    }
    if (only.has('fallback')) {
      await scenario('fallback', async () => {
        const plain = await launch({ webgpu: false });
        try {
          const other = plain.pages()[0] ?? (await plain.newPage());
          watchConsole(other, 'no-webgpu page', consoleLines);
          await other.goto(`${base}/index.html${query}`);
          await other.waitForFunction(() => window.__demo?.state === 'idle');
          await setField(other, 'backend-select', 'auto');
          await setField(other, 'points', 512);
          await setField(other, 'hidden', '8');
          await setField(other, 'epochs', 2);
          await other.getByTestId('train').click();
          const hook = await waitForState(other, ['done', 'error'], 60_000, 'fallback without WebGPU');
          const notes = await other.getByTestId('notes').textContent();
          await other.screenshot({ path: join(outDir, 'flows-no-webgpu.png'), fullPage: true });
          check(hook.state === 'done', `fallback: training ended in state ${hook.state}: ${hook.error}`);
          check(hook.backend === 'wasm', `fallback: Auto without WebGPU should run on wasm, ran on ${hook.backend}`);
          check(/WebGPU/.test(notes ?? '') && (await other.getByTestId('notes').isVisible()), `fallback: the page does not say why WebGPU was skipped (notes: "${notes}")`);
          log(`fallback: without a WebGPU adapter Auto ran on ${hook.backend} and said: "${notes}"`);
        } finally {
          await plain.close().catch(() => undefined);
        }
      });
    }
    if (only.has('mdn')) {
      // The page's default MSE epochs, where the forward caption's claim is checked.
      await scenario('mdn', () => runMdn(page, base, { backend: 'wasm', mdnEpochs: 400, timeoutMs: 240_000 }));
    }
  } finally {
    await context.close().catch(() => undefined);
    server.close();
    for (const dir of userDataDirs) rmSync(dir, { recursive: true, force: true });
  }
  // getImageData warnings come from this test reading the canvases.
  const relevant = consoleLines.filter((line) => !/DevTools|favicon|willReadFrequently/.test(line));
  if (relevant.length) {
    console.log(`\nbrowser console (errors and warnings, ${relevant.length}):`);
    for (const line of relevant.slice(0, 40)) console.log(`  ${line.slice(0, 400)}`);
  }
  for (const failure of failures) console.error(`\nE2E FAILED: ${failure}`);
  // The run's numbers next to its screenshots.
  writeFileSync(join(outDir, 'e2e.log'), [...logLines, ...failures.map((f) => `FAILED: ${f}`), ...relevant].join('\n') + '\n');
  log(failures.length ? `${failures.length} scenario(s) FAILED; screenshots in ${outDir}` : `passed; screenshots in ${outDir}`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`E2E FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
