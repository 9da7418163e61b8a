// The flows page's side of the training worker. The page sends a dataset and a configuration;
// this builds the flow with @densityjs/flows, runs `fit`, and streams back the loss per epoch,
// the density on a grid and fresh samples, so the page can draw while training goes on.
import { fit, iaf, loadFlow, maf, neuralSplineFlow, nice, realNVP, saveFlow, type Flow, type FlowJSON, type FlowOptions } from '@densityjs/flows';
import { selectBackend, tf } from './tf-setup.js';
import type { DemoFlowFile, FlowKind, FlowModelConfig, FlowReply, FlowRequest, Standardization, View } from './protocol.js';

const PRESETS: Record<FlowKind, (options: FlowOptions) => Flow> = {
  maf: (o) => maf(o),
  iaf: (o) => iaf(o),
  realNVP: (o) => realNVP(o),
  nice: (o) => nice(o),
  neuralSplineFlow: (o) => neuralSplineFlow(o),
};

// Redraw at most this often: the density grid costs about as much as a few training steps.
const DRAW_INTERVAL_MS = 600;

const scope = self as unknown as { postMessage(message: FlowReply, transfer?: Transferable[]): void };

let flow: Flow | undefined;
let current: { dataset: string; model: FlowModelConfig; standardization: Standardization } | undefined;
let controller: AbortController | undefined;
let backendReady: Promise<void> | undefined;

function post(message: FlowReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

async function ensureBackend(choice: Parameters<typeof selectBackend>[0]): Promise<void> {
  backendReady ??= selectBackend(choice).then(({ backend, label, notes }) => post({ type: 'ready', backend, label, notes }));
  return backendReady;
}

function standardize(data: Float32Array, dim: number): Standardization {
  const n = data.length / dim;
  const shift: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * dim + j]!;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (data[i * dim + j]! - mean) ** 2;
    shift.push(mean);
    scale.push(Math.sqrt(variance / n) || 1);
  }
  return { shift, scale };
}

/** log|det| of the standardization: log p_x(x) = log p_z(z) - sum_j log scale_j. */
function logScaleSum(s: Standardization): number {
  return s.scale.reduce((acc, v) => acc + Math.log(v), 0);
}

function toStandard(points: Float32Array, dim: number, s: Standardization): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i++) out[i] = (points[i]! - s.shift[i % dim]!) / s.scale[i % dim]!;
  return out;
}

/** log p(x) on the view's grid, row-major with row 0 at the lowest y, in data units. */
async function densityGrid(f: Flow, view: View, s: Standardization): Promise<Float32Array> {
  const { res } = view;
  const grid = new Float32Array(res * res * 2);
  for (let row = 0; row < res; row++) {
    const y = view.y.min + ((row + 0.5) / res) * (view.y.max - view.y.min);
    for (let col = 0; col < res; col++) {
      const x = view.x.min + ((col + 0.5) / res) * (view.x.max - view.x.min);
      grid[(row * res + col) * 2] = x;
      grid[(row * res + col) * 2 + 1] = y;
    }
  }
  const z = toStandard(grid, 2, s);
  const logp = tf.tidy(() => f.logProb(tf.tensor2d(z, [res * res, 2])));
  const values = (await logp.data()) as Float32Array;
  logp.dispose();
  const offset = logScaleSum(s);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! - offset;
  return out;
}

async function drawSamples(f: Flow, view: View, s: Standardization, seed: number): Promise<Float32Array> {
  const t = tf.tidy(() => f.sample(view.numSamples, { seed }));
  const z = (await t.data()) as Float32Array;
  t.dispose();
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = z[i]! * s.scale[i % 2]! + s.shift[i % 2]!;
  return out;
}

async function publish(f: Flow, view: View, s: Standardization, epoch: number, seed: number): Promise<void> {
  const logp = await densityGrid(f, view, s);
  post({ type: 'density', logp, res: view.res, epoch }, [logp.buffer]);
  const points = await drawSamples(f, view, s, seed);
  post({ type: 'samples', points, epoch }, [points.buffer]);
}

/** Mean negative log-likelihood of the data under the flow, in data units. */
async function meanNll(f: Flow, data: tf.Tensor2D, s: Standardization): Promise<number> {
  const nll = tf.tidy(() => tf.neg(tf.mean(f.logProb(data))));
  const [v] = (await nll.data()) as Float32Array;
  nll.dispose();
  return v! + logScaleSum(s);
}

async function train(request: Extract<FlowRequest, { type: 'train' }>): Promise<void> {
  await ensureBackend(request.backend);
  flow?.dispose();
  flow = undefined;
  const { data, dim, model, view } = request;
  if (dim !== 2) throw new Error(`The flows page trains 2-D data; this dataset has ${dim} dimensions.`);
  const s = standardize(data, dim);
  current = { dataset: request.dataset, model, standardization: s };
  const n = data.length / dim;
  const trainData = tf.tensor2d(toStandard(data, dim, s), [n, dim]);
  const f = PRESETS[model.kind]({ eventSize: dim, numLayers: model.numLayers, hiddenUnits: model.hiddenUnits, seed: model.seed });
  flow = f;
  controller = new AbortController();
  const signal = controller.signal;
  try {
    const initialLoss = await meanNll(f, trainData, s);
    post({ type: 'epoch', epoch: 0, loss: initialLoss, stepsPerSecond: 0 });
    await publish(f, view, s, 0, request.train.seed);
    const stepsPerEpoch = Math.ceil(n / request.train.batchSize);
    let lastEpochAt = performance.now();
    let lastDraw = lastEpochAt;
    let drawCost = 0;
    let lastEpoch = 0;
    await fit(f, trainData, {
      epochs: request.train.epochs,
      batchSize: request.train.batchSize,
      learningRate: request.train.learningRate,
      seed: request.train.seed,
      signal,
      // fit awaits this after every epoch, so drawing here pauses training briefly.
      onEpochEnd: async (epoch: number, logs: { loss: number }) => {
        const now = performance.now();
        // fit counts epochs from 0; the page counts from 1 (0 is the untrained flow).
        lastEpoch = epoch + 1;
        const stepsPerSecond = (stepsPerEpoch * 1000) / Math.max(1, now - lastEpochAt);
        post({ type: 'epoch', epoch: lastEpoch, loss: logs.loss + logScaleSum(s), stepsPerSecond });
        // Keep drawing under about a quarter of the time: the grid costs a few training steps.
        if (now - lastDraw > Math.max(DRAW_INTERVAL_MS, 3 * drawCost)) {
          await publish(f, view, s, lastEpoch, request.train.seed);
          lastDraw = performance.now();
          drawCost = lastDraw - now;
        }
        lastEpochAt = performance.now();
      },
    });
    await publish(f, view, s, lastEpoch, request.train.seed);
    // The test NLL: fresh points of the same dataset, in the same units as the training loss.
    let testNll: number | undefined;
    if (request.test && request.test.length >= dim) {
      const test = tf.tensor2d(toStandard(request.test, dim, s), [request.test.length / dim, dim]);
      try {
        testNll = await meanNll(f, test, s);
      } finally {
        test.dispose();
      }
    }
    post({ type: 'done', reason: signal.aborted ? 'stopped' : 'finished', initialLoss, ...(testNll !== undefined ? { testNll } : {}) });
  } catch (error) {
    if (signal.aborted) {
      await publish(f, view, s, -1, request.train.seed).catch(() => undefined);
      post({ type: 'done', reason: 'stopped' });
    } else {
      throw error;
    }
  } finally {
    trainData.dispose();
    controller = undefined;
  }
}

async function save(): Promise<void> {
  if (!flow || !current) throw new Error('There is no trained model to download yet: train one or load one first.');
  const saved = await saveFlow(flow);
  const file: DemoFlowFile = {
    format: 'densityjs-demo-flow',
    version: 1,
    dataset: current.dataset,
    model: current.model,
    standardization: current.standardization,
    flow: saved,
  };
  post({ type: 'saved', json: JSON.stringify(file) });
}

async function load(request: Extract<FlowRequest, { type: 'load' }>): Promise<void> {
  await ensureBackend(request.backend);
  const json = request.json as Partial<DemoFlowFile> | undefined;
  // Accept the demo's file (flow + standardization) as well as a bare saveFlow() JSON.
  const isDemoFile = json?.format === 'densityjs-demo-flow';
  const saved = isDemoFile ? json.flow : json;
  const s: Standardization = isDemoFile && json.standardization ? json.standardization : { shift: [0, 0], scale: [1, 1] };
  if (!saved || typeof saved !== 'object') {
    throw new Error('This file holds no flow: load a file written by the Download button or by saveFlow().');
  }
  const loaded = loadFlow(saved as FlowJSON);
  if (loaded.preset === undefined && !(isDemoFile && json.model)) {
    loaded.dispose();
    throw new Error('This file holds a flow built by hand: the demo trains and shows the preset flows (maf, realNVP, ...).');
  }
  flow?.dispose();
  flow = loaded;
  current = {
    dataset: isDemoFile ? (json.dataset ?? 'unknown') : 'unknown',
    // A bare saveFlow() file: its own architecture is the model description.
    model: isDemoFile && json.model
      ? json.model
      : { kind: loaded.preset as FlowKind, numLayers: loaded.config!.numLayers, hiddenUnits: loaded.config!.hiddenUnits, seed: loaded.config!.seed },
    standardization: s,
  };
  if (loaded.eventSize !== request.dim) {
    throw new Error(`The loaded flow models ${loaded.eventSize}-dimensional data; the page draws ${request.dim}-dimensional data.`);
  }
  // Its NLL on the page's current data, in the same units as the training loss.
  const data = tf.tensor2d(toStandard(request.data, request.dim, s), [request.data.length / request.dim, request.dim]);
  try {
    post({ type: 'epoch', epoch: 0, loss: await meanNll(loaded, data, s), stepsPerSecond: 0 });
  } finally {
    data.dispose();
  }
  await publish(loaded, request.view, s, 0, 1);
  post({ type: 'done', reason: 'loaded' });
}

/** Handles one message from the flows page. */
export function handleFlowRequest(request: FlowRequest): void {
  const run = async () => {
    switch (request.type) {
      case 'train':
        return train(request);
      case 'stop':
        controller?.abort();
        return;
      case 'save':
        return save();
      case 'load':
        return load(request);
    }
  };
  run().catch((error: unknown) => post({ type: 'error', message: describe(error) }));
}
