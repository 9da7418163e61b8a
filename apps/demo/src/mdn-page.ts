// The MDN page: the MDN tutorial's figures, computed live.
import { $, installHook, readNumber, select, type DemoState } from './demo-hook.js';
import { PALETTE, Plot, setupCanvas, type Range } from './plot.js';
import { startTrainingWorker, wasmThreadsOption, type MdnCurves, type MdnReply, type MdnRequest, type MdnSettings, type WorkerRequest } from './protocol.js';
import type { BackendChoice } from './tf-setup.js';

const hook = installHook('mdn');
const SIZE: [number, number] = [420, 340];
const X_RANGE: Range = { min: -15, max: 15 };
const Y_RANGE: Range = { min: -12, max: 12 };

let worker: Worker | undefined;
let stopTimer: ReturnType<typeof setTimeout> | undefined;
let data: Extract<MdnReply, { type: 'data' }> | undefined;
let curves: MdnCurves | undefined;
const losses: Record<'forward-mse' | 'inverse-mse' | 'mdn', number[]> = { 'forward-mse': [], 'inverse-mse': [], mdn: [] };
const lossEpochs: Record<'forward-mse' | 'inverse-mse' | 'mdn', number[]> = { 'forward-mse': [], 'inverse-mse': [], mdn: [] };
hook.losses = losses;
// Wall-clock seconds per phase (first to last progress message), shown to the e2e log.
let phaseTimes: Record<string, [number, number]> = {};

function setState(state: DemoState): void {
  hook.state = state;
  $('state').textContent = state;
  const busy = state === 'starting' || state === 'training' || state === 'stopping';
  // Settings are locked while a run uses them; they unlock for the next run.
  for (const fieldset of document.querySelectorAll<HTMLFieldSetElement>('#controls fieldset')) fieldset.disabled = busy;
  ($('train') as HTMLButtonElement).disabled = busy;
  ($('stop') as HTMLButtonElement).disabled = !busy || state === 'stopping';
  $('train').textContent = state === 'idle' ? 'Run' : busy ? 'Running…' : 'Run again';
}

function showError(message: string | null): void {
  hook.error = message;
  $('error').hidden = !message;
  $('error').textContent = message ? `⚠ ${message}` : '';
}

function showNotes(notes: string[]): void {
  hook.notes = notes;
  $('notes').hidden = notes.length === 0;
  $('notes').textContent = notes.join(' ');
}

function countDraw(name: string): void {
  hook.draws[name] = (hook.draws[name] ?? 0) + 1;
}

function canvas(id: string): HTMLCanvasElement {
  return $(id) as HTMLCanvasElement;
}

function scatterData(plot: Plot, inverse: boolean): void {
  if (!data) return;
  const xs = inverse ? data.inverseX : data.forwardX;
  const ys = inverse ? data.inverseY : data.forwardY;
  plot.scatterXY(xs, ys, '#1f77b4', 1.4, 0.3);
}

function drawForward(): void {
  const plot = new Plot(canvas('forward-canvas'), { x: { min: -11, max: 11 }, y: Y_RANGE, title: 'Forward problem: MSE network works', xLabel: 'x' }).frame();
  scatterData(plot, false);
  if (curves?.forwardPred.length) {
    plot.line(curves.xTest, curves.forwardPred, '#ff7f0e', 2.5);
    countDraw('forward');
  }
}

function drawInverse(): void {
  const plot = new Plot(canvas('inverse-canvas'), { x: X_RANGE, y: Y_RANGE, title: 'Inverse problem: MSE network fails', xLabel: 'x (= old y)' }).frame();
  scatterData(plot, true);
  if (curves?.inversePred.length) {
    plot.line(curves.xTest, curves.inversePred, '#ff7f0e', 2.5);
    countDraw('inverse');
  }
}

/** Column k of a row-major [n, K] array. */
function columnOf(values: Float32Array, k: number, numComponents: number): Float32Array {
  const n = values.length / numComponents;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i * numComponents + k]!;
  return out;
}

function drawParams(): void {
  const c = canvas('params-canvas');
  const height = (SIZE[1] + 140) / 3;
  const panels: Array<{ key: 'pi' | 'sigma' | 'mu'; title: string; y: Range }> = [
    { key: 'pi', title: 'p(c = i | x)', y: { min: 0, max: 1 } },
    { key: 'sigma', title: 'σ_i(x)', y: { min: 0, max: 0 } },
    { key: 'mu', title: 'μ_i(x)', y: { min: -15, max: 15 } },
  ];
  const ready = curves && curves.pi.length > 0;
  if (ready) {
    let max = 0;
    for (const v of curves!.sigma) if (Number.isFinite(v)) max = Math.max(max, v);
    panels[1]!.y = { min: 0, max: Math.min(10, max * 1.08) || 1 };
  } else {
    panels[1]!.y = { min: 0, max: 1 };
  }
  panels.forEach((panel, p) => {
    // Each panel is a Plot in a horizontal strip of the one canvas, sharing the x axis.
    const plot = new Plot(c, {
      x: X_RANGE,
      y: panel.y,
      title: panel.title,
      margin: [44, 12, 22, 20],
      box: { x: 0, y: p * height, width: SIZE[0], height },
    }).frame();
    if (ready) {
      const k = curves!.numComponents;
      for (let i = 0; i < k; i++) plot.line(curves!.xTest, columnOf(curves![panel.key], i, k), PALETTE[i % PALETTE.length]!, 1.8);
    } else if (p === 1) {
      plot.message('Run to train the MDN');
    }
  });
  if (ready) countDraw('params');
}

function drawBands(): void {
  const plot = new Plot(canvas('bands-canvas'), { x: { min: -10, max: 10 }, y: { min: -10, max: 10 }, title: 'μ ± σ of every component', xLabel: 'x' }).frame();
  if (curves && curves.mu.length) {
    const k = curves.numComponents;
    for (let i = 0; i < k; i++) {
      const mu = columnOf(curves.mu, i, k);
      const sigma = columnOf(curves.sigma, i, k);
      const pi = columnOf(curves.pi, i, k);
      const color = PALETTE[i % PALETTE.length]!;
      plot.band(
        curves.xTest,
        mu.map((m, j) => m - sigma[j]!),
        mu.map((m, j) => m + sigma[j]!),
        color,
        0.12,
      );
      // Draw the mean where its component has weight, so dead components fade out.
      for (let j = 1; j < mu.length; j++) {
        plot.line([curves.xTest[j - 1]!, curves.xTest[j]!], [mu[j - 1]!, mu[j]!], color, 2, 0.15 + 0.85 * Math.min(1, (pi[j - 1]! + pi[j]!) / 2 / 0.5));
      }
    }
    countDraw('bands');
  }
  if (data) plot.scatterXY(data.inverseX, data.inverseY, '#000', 1, 0.25);
}

function drawSamples(): void {
  const plot = new Plot(canvas('samples-canvas'), { x: X_RANGE, y: Y_RANGE, title: 'Samples from the MDN', xLabel: 'x' }).frame();
  scatterData(plot, true);
  if (curves && curves.samples.length) {
    plot.scatterXY(curves.xTest, curves.samples, '#d62728', 1.8, 0.8);
    plot.legend([
      ['data', '#1f77b4'],
      ['samples', '#d62728'],
    ]);
    countDraw('samples');
  }
}

let lossFrame = 0;
function drawLoss(): void {
  cancelAnimationFrame(lossFrame);
  lossFrame = requestAnimationFrame(() => {
    const width = SIZE[0];
    const c = canvas('loss-canvas');
    const half = SIZE[1] / 2;
    const mse = [...losses['forward-mse'], ...losses['inverse-mse']];
    const maxMseEpoch = Math.max(1, ...lossEpochs['forward-mse'], ...lossEpochs['inverse-mse']);
    const top = new Plot(c, {
      x: { min: 0, max: maxMseEpoch },
      y: logRange(mse),
      title: 'MSE networks: log10 of the squared error',
      margin: [44, 12, 22, 20],
      box: { x: 0, y: 0, width, height: half },
    }).frame();
    top.line(lossEpochs['forward-mse'], losses['forward-mse'].map(Math.log10), '#2ca02c', 1.6);
    top.line(lossEpochs['inverse-mse'], losses['inverse-mse'].map(Math.log10), '#ff7f0e', 1.6);
    top.legend([
      ['forward', '#2ca02c'],
      ['inverse', '#ff7f0e'],
    ]);
    const mdn = losses.mdn;
    const bottom = new Plot(c, {
      x: { min: 0, max: Math.max(1, lossEpochs.mdn.at(-1) ?? 1) },
      y: rangeFinite(mdn),
      title: 'MDN: negative log-likelihood (nats)',
      xLabel: 'epoch',
      margin: [44, 12, 22, 30],
      box: { x: 0, y: half, width, height: half },
    }).frame();
    bottom.line(lossEpochs.mdn, mdn, '#d62728', 1.6);
    if (mse.length || mdn.length) countDraw('loss');
  });
}

function logRange(values: number[]): Range {
  return rangeFinite(values.filter((v) => v > 0).map(Math.log10));
}

function rangeFinite(values: number[]): Range {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: 0, max: 1 };
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const pad = (max - min) * 0.06;
  return { min: min - pad, max: max + pad };
}

function drawAll(): void {
  drawForward();
  drawInverse();
  drawParams();
  drawBands();
  drawSamples();
  drawLoss();
}

function onReply(reply: MdnReply): void {
  switch (reply.type) {
    case 'ready':
      hook.backend = reply.backend;
      $('backend').textContent = reply.label;
      hook.backendLabel = reply.label;
      showNotes(reply.notes);
      setState('training');
      break;
    case 'data':
      data = reply;
      drawAll();
      break;
    case 'progress': {
      if (!Number.isFinite(reply.loss)) {
        showError(`Training diverged in phase ${reply.phase} at epoch ${reply.epoch}: the loss is ${reply.loss}. Lower the learning rate and run again.`);
        return;
      }
      const now = performance.now();
      phaseTimes[reply.phase] = [phaseTimes[reply.phase]?.[0] ?? now, now];
      hook.phaseSeconds = Object.fromEntries(Object.entries(phaseTimes).map(([k, [a, b]]) => [k, (b - a) / 1000]));
      losses[reply.phase].push(reply.loss);
      lossEpochs[reply.phase].push(reply.epoch);
      if (reply.phase === 'mdn') hook.lossHistory.push(reply.loss);
      hook.epoch = reply.epoch;
      hook.phase = reply.phase;
      $('phase').textContent = { 'forward-mse': 'MSE network, forward', 'inverse-mse': 'MSE network, inverse', mdn: 'MDN' }[reply.phase];
      $('epoch').textContent = String(reply.epoch + 1);
      $('loss').textContent = reply.loss.toFixed(4);
      drawLoss();
      break;
    }
    case 'curves':
      curves = reply.curves;
      if (reply.phase === 'forward-mse') drawForward();
      else if (reply.phase === 'inverse-mse') drawInverse();
      else {
        drawParams();
        drawBands();
        drawSamples();
      }
      break;
    case 'scores':
      hook.scores = { mseNll: reply.mseNll, mdnNll: reply.mdnNll, mseRmse: reply.mseRmse, forwardRmse: reply.forwardRmse };
      $('score-forward-rmse').textContent = reply.forwardRmse.toFixed(3);
      $('score-mse').textContent = `${reply.mseNll.toFixed(3)} nats`;
      $('score-rmse').textContent = reply.mseRmse.toFixed(3);
      $('score-mdn').textContent = `${reply.mdnNll.toFixed(3)} nats`;
      ($('score-mse').closest('table') as HTMLElement).hidden = false;
      break;
    case 'done':
      clearTimeout(stopTimer);
      setState(reply.reason === 'finished' ? 'done' : reply.reason);
      break;
    case 'error':
      clearTimeout(stopTimer);
      showError(
        `${hook.backend ? 'Training failed' : 'The backend could not start'} (backend ${hook.backend ?? 'none'}): ${reply.message}` +
          `${/[.)]$/.test(reply.message) ? '' : '.'} Change the settings or the backend and run again.`,
      );
      setState('error');
      break;
  }
}

function settings(): MdnSettings {
  const int = (id: string, label: string, min: number, max: number) =>
    readNumber(id, label, (v) => Number.isInteger(v) && v >= min && v <= max, `an integer from ${min} to ${max}`);
  return {
    backend: select('backend-select').value as BackendChoice,
    numComponents: int('components', 'Components', 1, 20),
    hiddenUnits: int('hidden', 'Hidden units', 1, 512),
    mseEpochs: int('mse-epochs', 'MSE epochs', 1, 20000),
    mdnEpochs: int('mdn-epochs', 'MDN epochs', 1, 50000),
    learningRate: readNumber('learning-rate', 'Learning rate', (v) => v > 0, 'a positive number'),
    seed: readNumber('seed', 'Seed', Number.isInteger, 'an integer'),
  };
}

function run(): void {
  showError(null);
  let request: MdnRequest;
  try {
    request = { type: 'run', settings: settings() };
  } catch (error) {
    showError((error as Error).message);
    return;
  }
  for (const key of Object.keys(losses) as Array<keyof typeof losses>) {
    losses[key] = [];
    lossEpochs[key] = [];
  }
  hook.losses = losses;
  hook.lossHistory = [];
  hook.draws = {};
  hook.scores = undefined;
  phaseTimes = {};
  curves = undefined;
  data = undefined;
  ($('score-mse').closest('table') as HTMLElement).hidden = true;
  drawAll();
  worker?.terminate();
  clearTimeout(stopTimer);
  hook.backend = null;
  $('backend').textContent = 'starting…';
  const w = startTrainingWorker();
  w.onmessage = (event: MessageEvent<MdnReply>) => onReply(event.data);
  w.onerror = (event) => {
    event.preventDefault();
    showError(`The training worker crashed: ${event.message || 'unknown error (see the browser console)'}.`);
    setState('error');
  };
  worker = w;
  setState('starting');
  w.postMessage({ page: 'mdn', request, wasmThreads: wasmThreadsOption() } satisfies WorkerRequest);
}

function stop(): void {
  if (!worker) return;
  setState('stopping');
  worker.postMessage({ page: 'mdn', request: { type: 'stop' } } satisfies WorkerRequest);
  stopTimer = setTimeout(() => {
    worker?.terminate();
    worker = undefined;
    setState('stopped');
  }, 5000);
}

function init(): void {
  for (const id of ['forward-canvas', 'inverse-canvas', 'bands-canvas', 'samples-canvas']) setupCanvas(canvas(id), ...SIZE);
  setupCanvas(canvas('params-canvas'), SIZE[0], SIZE[1] + 140);
  setupCanvas(canvas('loss-canvas'), SIZE[0], SIZE[1]);
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  $('stop').addEventListener('click', stop);
  // A GPU reset (e.g. a WebGPU device loss) can wipe accelerated 2-D canvases: draw them again.
  for (const c of document.querySelectorAll('canvas')) c.addEventListener('contextrestored', drawAll);
  setState('idle');
  drawAll();
}

init();
