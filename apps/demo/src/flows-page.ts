// The flows page: choose data, a flow and a backend, watch it train, download or load it.
import { parseCsvPoints } from './csv-points.js';
import { DATASETS, makeDataset, type Points } from './datasets.js';
import { $, input, installHook, readNumber, select, type DemoState } from './demo-hook.js';
import { Plot, densityImage, rangeOf, setupCanvas, type Range } from './plot.js';
import { startTrainingWorker, wasmThreadsOption, type FlowKind, type FlowReply, type FlowRequest, type View, type WorkerRequest } from './protocol.js';
import type { BackendChoice } from './tf-setup.js';

/** Fresh points scored after training (the test NLL). */
const TEST_POINTS = 2000;
/** The dataset select's value for the user's own points (CSV). */
const CUSTOM = 'custom';

const hook = installHook('flows');
const PLOT_WIDTH = 440;
const LOSS_SIZE: [number, number] = [440, 260];

let points: Points | undefined;
let view: View | undefined;
let worker: Worker | undefined;
let stopTimer: ReturnType<typeof setTimeout> | undefined;
let lastSamples: Float32Array | undefined;
let lastDensity: { logp: Float32Array; res: number } | undefined;
let downloadPending = false;
let customPoints: Points | undefined;

function setState(state: DemoState): void {
  hook.state = state;
  $('state').textContent = state;
  const busy = state === 'starting' || state === 'training' || state === 'stopping';
  // Settings are locked while a run uses them; they unlock for the next run.
  for (const fieldset of document.querySelectorAll<HTMLFieldSetElement>('#controls fieldset')) fieldset.disabled = busy;
  input('load-file').disabled = busy;
  $('load-file').parentElement?.classList.toggle('disabled', busy);
  (input('train') as unknown as HTMLButtonElement).disabled = busy;
  (input('stop') as unknown as HTMLButtonElement).disabled = !busy || state === 'stopping';
  (input('download') as unknown as HTMLButtonElement).disabled = !(state === 'done' || state === 'stopped' || state === 'loaded');
  $('train').textContent = state === 'idle' ? 'Train' : busy ? 'Training…' : 'Train again';
}

function showError(message: string | null): void {
  hook.error = message;
  const box = $('error');
  box.hidden = !message;
  box.textContent = message ? `⚠ ${message}` : '';
}

function showNotes(notes: string[]): void {
  hook.notes = notes;
  const box = $('notes');
  box.hidden = notes.length === 0;
  box.textContent = notes.join(' ');
}

function countDraw(name: string): void {
  hook.draws[name] = (hook.draws[name] ?? 0) + 1;
}

/** A view with equal units on both axes (circles stay round), its height from the data. */
function viewFor(data: Points): View {
  const xs = new Float32Array(data.n);
  const ys = new Float32Array(data.n);
  for (let i = 0; i < data.n; i++) {
    xs[i] = data.data[2 * i]!;
    ys[i] = data.data[2 * i + 1]!;
  }
  let x = rangeOf(xs, 0.08);
  let y = rangeOf(ys, 0.08);
  const aspect = (y.max - y.min) / (x.max - x.min);
  const clamped = Math.min(1.1, Math.max(0.45, aspect));
  // Widen the short side so that the chosen aspect keeps units equal.
  if (clamped > aspect) y = widen(y, (x.max - x.min) * clamped);
  else if (clamped < aspect) x = widen(x, (y.max - y.min) / clamped);
  return { x, y, res: 72, numSamples: 1500 };
}

function widen(r: Range, span: number): Range {
  const mid = (r.min + r.max) / 2;
  return { min: mid - span / 2, max: mid + span / 2 };
}

function plotHeight(v: View): number {
  const inner = PLOT_WIDTH - 56;
  return Math.round(inner * ((v.y.max - v.y.min) / (v.x.max - v.x.min))) + 34;
}

function densityPlot(): Plot {
  return new Plot($('density-canvas') as HTMLCanvasElement, { x: view!.x, y: view!.y, title: 'Learned density', margin: [44, 12, 24, 24] });
}

function samplesPlot(): Plot {
  return new Plot($('samples-canvas') as HTMLCanvasElement, { x: view!.x, y: view!.y, title: 'Data and flow samples', margin: [44, 12, 24, 24] });
}

function drawData(): void {
  const plot = samplesPlot().frame();
  plot.scatter(points!.data, '#555', 1.2, 0.35);
  if (lastSamples) {
    plot.scatter(lastSamples, '#ff7f0e', 1.3, 0.65);
    plot.legend([
      ['data', '#555'],
      ['samples', '#ff7f0e'],
    ]);
  }
}

function drawDensity(): void {
  const plot = densityPlot().frame();
  if (lastDensity) plot.image(densityImage(lastDensity.logp, lastDensity.res));
  else plot.message('Train or load a flow to see its density');
}

function resetFigures(): void {
  const height = plotHeight(view!);
  setupCanvas($('density-canvas') as HTMLCanvasElement, PLOT_WIDTH, height);
  setupCanvas($('samples-canvas') as HTMLCanvasElement, PLOT_WIDTH, height);
  lastSamples = undefined;
  lastDensity = undefined;
  drawDensity();
  drawData();
  drawLoss();
}

let lossFrame = 0;
function drawLoss(): void {
  cancelAnimationFrame(lossFrame);
  lossFrame = requestAnimationFrame(() => {
    const losses = hook.lossHistory;
    const canvas = $('loss-canvas') as HTMLCanvasElement;
    if (canvas.width === 0 || canvas.style.width === '') setupCanvas(canvas, ...LOSS_SIZE);
    const y = rangeOf(losses.length ? losses : [0, 1], 0.08);
    const plot = new Plot(canvas, {
      x: { min: 0, max: Math.max(1, losses.length - 1) },
      y,
      title: 'Negative log-likelihood (nats)',
      xLabel: 'epoch',
    }).frame();
    if (losses.length === 0) {
      plot.message('No training yet');
      return;
    }
    const epochs = losses.map((_, i) => i);
    plot.line(epochs, losses, '#d62728', 1.8);
    if (losses.length <= 40) plot.markers(epochs, losses, '#d62728');
    countDraw('loss');
  });
}

function regenerate(): boolean {
  if (worker && (hook.state === 'training' || hook.state === 'starting')) return false;
  try {
    const n = readNumber('points', 'Points', (v) => Number.isInteger(v) && v >= 100 && v <= 50000, 'an integer from 100 to 50000');
    const seed = readNumber('seed', 'Seed', Number.isInteger, 'an integer');
    points = select('dataset').value === CUSTOM && customPoints ? customPoints : makeDataset(select('dataset').value, n, seed);
    view = viewFor(points);
    resetFigures();
    showError(null);
    return true;
  } catch (error) {
    showError((error as Error).message);
    return false;
  }
}

function parseHidden(): number[] {
  const raw = input('hidden').value;
  const units = raw.split(',').map((s) => Number(s.trim()));
  if (units.length === 0 || units.some((u) => !Number.isInteger(u) || u < 1 || u > 1024)) {
    throw new Error(`Hidden units must be a comma-separated list of integers from 1 to 1024 (like "64, 64"); the field holds "${raw}".`);
  }
  return units;
}

function newWorker(): Worker {
  worker?.terminate();
  hook.backend = null;
  $('backend').textContent = 'starting…';
  clearTimeout(stopTimer);
  const w = startTrainingWorker();
  w.onmessage = (event: MessageEvent<FlowReply>) => onReply(event.data);
  w.onerror = (event) => {
    event.preventDefault();
    fail(`The training worker crashed: ${event.message || 'unknown error (see the browser console)'}.`);
  };
  worker = w;
  return w;
}

function send(request: FlowRequest): void {
  worker?.postMessage({ page: 'flows', request, wasmThreads: wasmThreadsOption() } satisfies WorkerRequest);
}

function fail(message: string): void {
  showError(message);
  setState('error');
}

function onReply(reply: FlowReply): void {
  switch (reply.type) {
    case 'ready':
      hook.backend = reply.backend;
      $('backend').textContent = reply.label;
      hook.backendLabel = reply.label;
      showNotes(reply.notes);
      if (hook.state === 'starting') setState('training');
      break;
    case 'epoch': {
      if (!Number.isFinite(reply.loss)) {
        // fit's NaN guard should have thrown already; say it in words either way.
        fail(`Training diverged at epoch ${reply.epoch}: the loss is ${reply.loss}. Lower the learning rate and train again.`);
        send({ type: 'stop' });
        return;
      }
      hook.lossHistory.push(reply.loss);
      hook.epoch = reply.epoch;
      $('epoch').textContent = String(reply.epoch);
      $('loss').textContent = reply.loss.toFixed(4);
      if (reply.stepsPerSecond > 0) $('speed').textContent = `${reply.stepsPerSecond.toFixed(1)} steps/s`;
      drawLoss();
      break;
    }
    case 'density':
      lastDensity = { logp: reply.logp, res: reply.res };
      drawDensity();
      countDraw('density');
      break;
    case 'samples':
      lastSamples = reply.points;
      drawData();
      countDraw('samples');
      break;
    case 'done':
      clearTimeout(stopTimer);
      hook.testNll = reply.testNll ?? null;
      $('test-nll').textContent = reply.testNll === undefined ? '–' : reply.testNll.toFixed(3);
      setState(reply.reason === 'finished' ? 'done' : reply.reason);
      break;
    case 'saved':
      if (downloadPending) {
        downloadPending = false;
        const blob = new Blob([reply.json], { type: 'application/json' });
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = `densityjs-${select('model').value}-${select('dataset').value}.json`;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
        hook.savedBytes = reply.json.length;
      }
      break;
    case 'error':
      fail(
        `${hook.state === 'starting' && !hook.backend ? 'The backend could not start' : 'Training failed'}` +
          ` (backend ${hook.backend ?? 'none'}): ${reply.message}` +
          `${/[.)]$/.test(reply.message) ? '' : '.'} Change the settings or the backend and train again.`,
      );
      break;
  }
}

function train(): void {
  showError(null);
  try {
    if (!regenerate() || !points || !view) return;
    const model = {
      kind: select('model').value as FlowKind,
      numLayers: readNumber('layers', 'Layers', (v) => Number.isInteger(v) && v >= 1 && v <= 16, 'an integer from 1 to 16'),
      hiddenUnits: parseHidden(),
      seed: readNumber('seed', 'Seed', Number.isInteger, 'an integer'),
    };
    const trainConfig = {
      epochs: readNumber('epochs', 'Epochs', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
      batchSize: readNumber('batch-size', 'Batch size', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
      learningRate: readNumber('learning-rate', 'Learning rate', (v) => v > 0, 'a positive number'),
      seed: model.seed,
    };
    hook.lossHistory = [];
    hook.epoch = 0;
    hook.draws = {};
    $('epoch').textContent = '–';
    $('loss').textContent = '–';
    $('speed').textContent = '–';
    $('test-nll').textContent = '–';
    hook.testNll = null;
    setState('starting');
    drawLoss();
    const request: FlowRequest = {
      type: 'train',
      backend: select('backend-select').value as BackendChoice,
      data: points.data.slice(),
      dim: points.dim,
      // 2000 fresh points of the same dataset (seed + 1000) for the test NLL.
      // (none for the user's own points: the page cannot draw more of them).
      ...(select('dataset').value === CUSTOM ? {} : { test: makeDataset(select('dataset').value, TEST_POINTS, model.seed + 1000).data }),
      model,
      train: trainConfig,
      view,
      dataset: select('dataset').value,
    };
    newWorker();
    send(request);
  } catch (error) {
    fail((error as Error).message);
  }
}

function stop(): void {
  if (!worker) return;
  setState('stopping');
  send({ type: 'stop' });
  // A flow that never yields cannot hear the message: end the worker after a grace period.
  stopTimer = setTimeout(() => {
    worker?.terminate();
    worker = undefined;
    setState('stopped');
    showNotes([...hook.notes, 'Training was stopped by ending its worker; train again to start over.']);
  }, 5000);
}

async function loadFile(file: File): Promise<void> {
  showError(null);
  try {
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not a JSON file; load a model saved with the Download button or saveFlow().`);
    }
    const saved = json as { dataset?: string };
    if (saved.dataset && DATASETS[saved.dataset] && select('dataset').value !== saved.dataset) {
      select('dataset').value = saved.dataset;
    }
    regenerate();
    hook.lossHistory = [];
    hook.draws = {};
    hook.epoch = 0;
    for (const id of ['epoch', 'loss', 'speed']) $(id).textContent = '–';
    drawLoss();
    setState('starting');
    const request: FlowRequest = {
      type: 'load',
      backend: select('backend-select').value as BackendChoice,
      json,
      view: view!,
      data: points!.data.slice(),
      dim: points!.dim,
    };
    newWorker();
    send(request);
  } catch (error) {
    fail((error as Error).message);
  }
}

/** Makes the user's CSV points the page's data set (the "Your data" entry of the dataset list). */
function useCsv(text: string, source: string): void {
  if (worker && (hook.state === 'training' || hook.state === 'starting' || hook.state === 'stopping')) {
    showError('Stop the training run before loading other data.');
    return;
  }
  try {
    customPoints = parseCsvPoints(text, source);
  } catch (error) {
    showError((error as Error).message);
    return;
  }
  const datasetSelect = select('dataset');
  let option = [...datasetSelect.options].find((o) => o.value === CUSTOM);
  if (!option) {
    option = new Option('', CUSTOM);
    datasetSelect.add(option);
  }
  option.text = `Your data (${customPoints.n} points)`;
  datasetSelect.value = CUSTOM;
  hook.customPoints = customPoints.n;
  regenerate();
}

async function useCsvFile(file: File): Promise<void> {
  useCsv(await file.text(), file.name);
}

function init(): void {
  const datasetSelect = select('dataset');
  for (const [value, { label }] of Object.entries(DATASETS)) datasetSelect.add(new Option(label, value));
  datasetSelect.value = 'twoMoons';
  datasetSelect.addEventListener('change', () => void regenerate());
  input('points').addEventListener('change', () => void regenerate());
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    train();
  });
  $('stop').addEventListener('click', stop);
  $('download').addEventListener('click', () => {
    downloadPending = true;
    send({ type: 'save' });
  });
  input('load-file').addEventListener('change', () => {
    const file = input('load-file').files?.[0];
    if (file) void loadFile(file);
    input('load-file').value = '';
  });
  input('csv-file').addEventListener('change', () => {
    const file = input('csv-file').files?.[0];
    if (file) void useCsvFile(file);
    input('csv-file').value = '';
  });
  $('csv-use').addEventListener('click', () => useCsv(($('csv-text') as HTMLTextAreaElement).value, 'the pasted CSV'));
  // A file dropped anywhere on the page: a .json is a saved model, anything else CSV points.
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    if (/\.json$/i.test(file.name)) void loadFile(file);
    else void useCsvFile(file);
  });
  setupCanvas($('loss-canvas') as HTMLCanvasElement, ...LOSS_SIZE);
  // A GPU reset (e.g. a WebGPU device loss) can wipe accelerated 2-D canvases: draw them again.
  for (const canvas of document.querySelectorAll('canvas')) {
    canvas.addEventListener('contextrestored', () => {
      if (!view || !points) return;
      drawDensity();
      drawData();
      drawLoss();
    });
  }
  setState('idle');
  regenerate();
}

init();
