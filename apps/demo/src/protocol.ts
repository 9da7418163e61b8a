// Messages between the pages and the training worker. Training runs in a Web Worker so
// the page stays responsive whatever the backend does; the worker owns every tensor.
import type { BackendChoice } from './tf-setup.js';
import type { Range } from './plot.js';

export type FlowKind = 'maf' | 'iaf' | 'realNVP' | 'nice' | 'neuralSplineFlow';

export interface FlowModelConfig {
  kind: FlowKind;
  numLayers: number;
  hiddenUnits: number[];
  seed: number;
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

/** Where to evaluate the density: a res x res grid over x and y (data units). */
export interface View {
  x: Range;
  y: Range;
  res: number;
  numSamples: number;
}

/**
 * The data are standardized per dimension before training (z = (x - shift) / scale), so one
 * learning rate suits every dataset; densities and samples are mapped back to data units.
 */
export interface Standardization {
  shift: number[];
  scale: number[];
}

export type FlowRequest =
  | {
      type: 'train';
      backend: BackendChoice;
      data: Float32Array;
      dim: number;
      /** Fresh points of the same dataset (another seed), scored after training: the test NLL. */
      test?: Float32Array;
      model: FlowModelConfig;
      train: TrainConfig;
      view: View;
      dataset: string;
    }
  | { type: 'stop' }
  | { type: 'save' }
  | { type: 'load'; backend: BackendChoice; json: unknown; view: View; data: Float32Array; dim: number };

export type FlowReply =
  | { type: 'ready'; backend: string; label: string; notes: string[] }
  | { type: 'epoch'; epoch: number; loss: number; stepsPerSecond: number }
  | { type: 'density'; logp: Float32Array; res: number; epoch: number }
  | { type: 'samples'; points: Float32Array; epoch: number }
  | { type: 'done'; reason: 'finished' | 'stopped' | 'loaded'; initialLoss?: number; testNll?: number }
  | { type: 'saved'; json: string }
  | { type: 'error'; message: string };

/** The file the download button writes: the flows' own save format plus the demo's context. */
export interface DemoFlowFile {
  format: 'densityjs-demo-flow';
  version: 1;
  dataset: string;
  model: FlowModelConfig;
  standardization: Standardization;
  /** What `saveFlow(flow)` returned. */
  flow: unknown;
}

export interface MdnSettings {
  backend: BackendChoice;
  numComponents: number;
  hiddenUnits: number;
  mdnEpochs: number;
  mseEpochs: number;
  learningRate: number;
  seed: number;
}

export type MdnRequest = { type: 'run'; settings: MdnSettings } | { type: 'stop' };

/** Curves on the test inputs x_test (the figures of the MDN tutorial). */
export interface MdnCurves {
  xTest: Float32Array;
  /** Plain MSE network's prediction on the forward problem (x -> y), where it works. */
  forwardPred: Float32Array;
  /** Plain MSE network's prediction on the inverse problem, where it fails. */
  inversePred: Float32Array;
  /** [nTest, K] row-major mixture weights, scales and means. */
  pi: Float32Array;
  sigma: Float32Array;
  mu: Float32Array;
  numComponents: number;
  /** One sample of y per x_test. */
  samples: Float32Array;
}

export type MdnReply =
  | { type: 'ready'; backend: string; label: string; notes: string[] }
  | { type: 'data'; forwardX: Float32Array; forwardY: Float32Array; inverseX: Float32Array; inverseY: Float32Array }
  | { type: 'progress'; phase: 'forward-mse' | 'inverse-mse' | 'mdn'; epoch: number; loss: number }
  | { type: 'curves'; curves: MdnCurves; phase: string }
  | { type: 'scores'; mseNll: number; mdnNll: number; mseRmse: number; forwardRmse: number }
  | { type: 'done'; reason: 'finished' | 'stopped' }
  | { type: 'error'; message: string };

/**
 * What the pages post to the shared training worker. `wasmThreads` comes from the page URL
 * (`?threads=1` runs wasm single-threaded, often faster for small models on few cores).
 */
export type WorkerRequest = ({ page: 'flows'; request: FlowRequest } | { page: 'mdn'; request: MdnRequest }) & { wasmThreads?: number };

/** The `?threads=N` option of the page URL, if any. */
export function wasmThreadsOption(): number | undefined {
  const raw = new URLSearchParams(globalThis.location?.search ?? '').get('threads');
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** Starts the training worker (Vite bundles it from this URL pattern). */
export function startTrainingWorker(): Worker {
  return new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
}
