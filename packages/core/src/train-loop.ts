// The minibatch training loop shared by `fit` (@densityjs/flows) and `MDN.fit`
// (@densityjs/mdn). It owns everything that is not model-specific: option validation, seeded
// shuffling, the optimizer, loss bookkeeping without a device sync per step, the guards against
// non-finite and diverging losses, keeping the best state, validation with early stopping,
// progress callbacks, cancellation and event-loop yields.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DensityError, NumericalError, StateError, argumentError } from './errors.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { scheduledLearningRate } from './cosine-decay.js';
import { FusedAdam } from './fused-adam.js';
import { WeightAverage } from './weight-average.js';
import { mulberry32 } from './mulberry32.js';
import { checkOptionKeys } from './option-keys.js';
import { registerGradients } from './register-gradients.js';
import { checkSeed, freshSeed } from './seed.js';
import type { ProgressStyle } from './progress-format.js';
import { TrainingLog, type Verbosity } from './training-log.js';

/** What `onBatchEnd` receives after every step. */
export interface BatchLogs {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based step within the epoch. */
  step: number;
  /** Steps in every epoch. */
  stepsPerEpoch: number;
  /** Rows in this step's batch. */
  size: number;
  /**
   * The step's loss, still on the device: reading it (`await loss.data()`) waits for the
   * device, so read it only when needed. Valid during the callback; do not dispose it.
   */
  loss: tf.Scalar;
}

/** Options of the training loop, shared by `fit`, `fitVariational`, `distill` and `MDN.fit`. */
export interface FitOptions {
  /** Passes over the data. Default 100. */
  epochs?: number;
  /** Examples per step; `>= numExamples` means full batch. Default 256. */
  batchSize?: number;
  /**
   * Learning rate of the default Adam optimizer. Default 2e-3 in `fit` (and `MDN.fit`), 1e-3
   * elsewhere. Not with `optimizer`.
   */
  learningRate?: number;
  /**
   * Linear warmup of the default Adam's learning rate: over the first `warmup` fraction of the
   * planned steps (epochs x steps per epoch) step k uses (k + 1) / (warmup x steps) of its
   * rate (see `scheduledLearningRate`). In [0, 1). Default 0.05 in `fit` (and `MDN.fit`), 0
   * (none) elsewhere. Not with `optimizer`.
   */
  warmup?: number;
  /**
   * Cosine decay of the default Adam's learning rate over the planned steps
   * (epochs x steps per epoch), from `learningRate` at the first step to `finalLearningRate`
   * at the last (see `cosineDecay`). Default: a constant rate. Not with `optimizer` (a custom
   * optimizer keeps its own schedule). Early stopping does not stretch the schedule.
   */
  finalLearningRate?: number;
  /**
   * Any tfjs optimizer; the caller keeps ownership (it is not disposed). Default: Adam
   * (FusedAdam: tf.train.adam's update over all variables at once).
   */
  optimizer?: tf.Optimizer;
  /**
   * Early stopping: stop after `patience` epochs without improvement of the monitored loss
   * (the validation loss when there is validation data, else the training loss), then restore
   * the variables of the best epoch. Undefined: no early stopping, the last weights are kept.
   */
  patience?: number;
  /**
   * Divergence guard: training stops with a NumericalError, and the best weights and state are
   * restored, when an epoch's mean training loss L exceeds the best loss seen so far B (the
   * first step's loss at the starting weights included) by more than
   * `divergenceFactor * (1 + |B|)`. Default 100; `Infinity` switches the guard off. NaN and
   * infinite losses always stop training.
   */
  divergenceFactor?: number;
  /**
   * Global-norm gradient clipping: before each optimizer step the gradients g_k of all
   * variables are scaled by min(1, clipNorm / ||g||), ||g|| = sqrt(sum_k sum(g_k^2)), so a
   * step's gradient never has a norm above `clipNorm` (its direction is kept). Bounds the
   * updates when rare examples or samples have huge gradients (e.g. reverse-KL objectives).
   * A finite number > 0. Default: no clipping.
   */
  clipNorm?: number;
  /**
   * Weight averaging: every epoch ends with the exponential moving average of the weights over
   * the optimizer steps so far (see `WeightAverage`: s ← β s + (1 - β) w after each step,
   * bias-corrected, β = `emaMomentum`), which the validation loss, `onEpochEnd`, the best-epoch
   * snapshot and the final model see; the steps continue from the un-averaged iterate. With
   * ~1 / (1 - β) steps averaged, it removes most of the epoch-to-epoch noise of a constant
   * learning rate. In [0, 1); 0 switches it off (the weights are the last iterate). Default
   * 0.98 (about the last 50 steps) in `fit` (and `MDN.fit`), 0 elsewhere. A short run averages
   * over about a tenth of its planned steps at most: the momentum used is
   * min(emaMomentum, 1 - 10 / planned steps), none for 10 steps or fewer. Edits that
   * `onEpochEnd` makes to the variables apply to the average, which the next step replaces by
   * the iterate: pass 0 to edit the weights between epochs.
   */
  emaMomentum?: number;
  /** Seeds the per-epoch shuffling: any integer, 0 included. Default: a fresh random seed. */
  seed?: number;
  /** Awaited after every epoch (0-based `epoch`). */
  onEpochEnd?: (epoch: number, logs: { loss: number; valLoss?: number }) => void | Promise<void>;
  /**
   * Called after every step with the step's position and its loss tensor (see BatchLogs);
   * awaited when it returns a promise.
   */
  onBatchEnd?: (logs: BatchLogs) => void | Promise<void>;
  /**
   * How often the loop hands control back to the event loop, so a browser page stays
   * responsive: a number is a budget in milliseconds (after every step, yield when the time
   * since the last yield plus the step just taken, the estimate of the next one, reaches it;
   * with a budget, the loop also yields before the model's first forward pass, before its
   * first step and before each epoch's validation), 'epoch' yields once per epoch, 'auto'
   * (default) is 50 ms in a browser or worker and 'epoch' elsewhere. A browser task then lasts
   * about the budget, or one step when a single step takes longer.
   */
  yieldEvery?: number | 'auto' | 'epoch';
  /** Checked between steps; when aborted the loop resolves with the history so far. */
  signal?: AbortSignal;
  /** Reshuffle the examples every epoch. Default true. */
  shuffle?: boolean;
  /**
   * Progress output, as Keras' `verbose`: 0 (default) prints nothing; 1 shows a live bar in an
   * interactive terminal (Node's stdout is a TTY: epoch i/N, the epoch's steps, running loss,
   * validation loss, steps/s and ETA, redrawn in place at most every 100 ms) and otherwise one
   * line per epoch (on stdout in Node, e.g. a pipe or CI log; with console.log in a browser);
   * 2 prints one line per epoch everywhere.
   */
  verbose?: Verbosity;
}

/** The keys FitOptions accepts (unknown keys are refused, naming the closest of these). */
export const FIT_OPTION_KEYS: readonly (keyof FitOptions)[] = [
  'epochs',
  'batchSize',
  'learningRate',
  'finalLearningRate',
  'warmup',
  'optimizer',
  'patience',
  'divergenceFactor',
  'clipNorm',
  'emaMomentum',
  'seed',
  'onEpochEnd',
  'onBatchEnd',
  'yieldEvery',
  'signal',
  'shuffle',
  'verbose',
];

/** Advice for options users bring from tf.LayersModel.fit (Keras), which this loop does not take. */
const FOREIGN_OPTION_HINTS: Readonly<Record<string, string>> = {
  callbacks: 'pass onEpochEnd and onBatchEnd directly instead of a callbacks object',
  validationSplit: 'split the rows yourself and pass the held-out part as validationData',
  epoch: 'did you mean "epochs"?',
};

/** What a training run resolves to. */
export interface FitResult {
  /** Per completed epoch: mean training loss over the epoch's examples, and validation loss. */
  history: {
    /** Mean training loss of each completed epoch. */
    loss: number[];
    /** Validation loss of each completed epoch, when there is validation data. */
    valLoss?: number[];
  };
  /** True when early stopping ended the run before `epochs`. */
  stoppedEarly: boolean;
  /** 0-based epoch with the lowest monitored loss (set when `patience` or validation is used). */
  bestEpoch?: number;
  /** True when `signal` aborted the run; `history` then holds the completed epochs. */
  aborted: boolean;
}

/** What a model hands to {@link trainLoop}: its variables, its loss and its data size. */
export interface TrainLoopSpec {
  /** Names the caller in error messages, e.g. 'fit' or 'MDN.fit'. */
  owner: string;
  /** What the optimizer updates (and the loop snapshots and restores). */
  variables: tf.Variable[];
  /** Rows of the training data; batches index into 0..numExamples-1. */
  numExamples: number;
  /**
   * Mean loss over the example rows `indices` (int32). The caller gathers its own tensors;
   * the gather is not differentiated (its gradient kernel is missing on wasm). Called once
   * more before the first step, outside the gradient tape, to check that it returns a scalar
   * (`state` is restored after that call).
   */
  batchLoss: (indices: tf.Tensor1D) => tf.Scalar;
  /** Evaluated once per epoch when given (inside a tidy). */
  validationLoss?: () => tf.Scalar;
  /**
   * Non-trainable variables that travel with the weights (e.g. BatchNorm running statistics):
   * not optimized, but snapshotted and restored with `variables`.
   */
  state?: tf.Variable[];
  /**
   * Smallest batch a step may use. A last batch of an epoch with fewer rows is merged into the
   * step before it (that step is then larger than `batchSize`), so no step estimates batch
   * statistics from a handful of rows. Default 1 without `state`, `MIN_STATISTICS_BATCH`
   * (16) with non-empty `state` (batch statistics such as BatchNorm's). With fewer examples
   * than that, every step uses all of them.
   */
  minBatchSize?: number;
  /**
   * Tensors the batch loss reads (data, context). Checked before every step, without a device
   * sync, so one disposed during training stops it with a StateError (and the best state
   * restored) instead of a tfjs error mid-step.
   */
  inputs?: tf.Tensor[];
  /** How `verbose` names the progress (default: epochs of "loss"). */
  progressStyle?: ProgressStyle;
}

/** Default `minBatchSize` when the model keeps batch statistics (`state`). */
export const MIN_STATISTICS_BATCH = 16;

/** Weight averaging spans at most about this fraction of the planned steps (1 / (1 - β) steps). */
const MAX_AVERAGED_FRACTION = 0.1;

/** Rows of the forward pass that checks the loss before the first step. */
const PROBE_ROWS = 2;

/** Pending per-step losses are read back (one sync) at least this often within an epoch. */
const MAX_PENDING_STEPS = 256;

/** Yield budget of yieldEvery: 'auto' in a browser or worker, in milliseconds. */
const BROWSER_YIELD_MS = 50;

/** Variables of the runs in progress: a second concurrent run on the same model is refused. */
const training = new WeakSet<tf.Variable>();

/** In-place Fisher-Yates shuffle. */
function shuffleInPlace(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
}

/**
 * Lets the browser paint and handle input: setImmediate in Node, a MessageChannel message in
 * browsers and workers (nested setTimeout(0) is clamped to 4 ms there, twice a small model's
 * whole epoch).
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  if (g.MessageChannel) {
    return new Promise((resolve) => {
      const channel = new g.MessageChannel!();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function inBrowser(): boolean {
  const g = globalThis as { document?: unknown; importScripts?: unknown };
  return typeof g.document === 'object' || typeof g.importScripts === 'function';
}

/**
 * An error thrown inside `optimizer.minimize` leaves the tensors tfjs saved for the backward
 * pass on its tape (kept, so no tidy frees them). Frees them when no gradient is in progress.
 */
function releaseStrandedTape(): void {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number; activeTape?: { saved?: tf.Tensor[] }[] | null } }).state;
  if (!state || state.gradientDepth !== 0 || !Array.isArray(state.activeTape)) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}

function isPositiveInteger(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) > 0;
}

/**
 * {@link FitOptions} validated, with every default filled in.
 * @inline
 */
interface ResolvedOptions {
  /** Passes over the data. */
  epochs: number;
  /** Rows per step. */
  batchSize: number;
  /** Epochs without improvement before stopping; undefined: no early stopping. */
  patience: number | undefined;
  /** Divergence guard factor (Infinity: off). */
  divergenceFactor: number;
  /** Infinity: no clipping. */
  clipNorm: number;
  /** 0: no weight averaging. */
  emaMomentum: number;
  /** Seed of the shuffles (drawn when none was given). */
  seed: number;
  /** Reshuffle every epoch. */
  shuffle: boolean;
  /** The user's per-epoch callback. */
  onEpochEnd: FitOptions['onEpochEnd'];
  /** The user's per-step callback. */
  onBatchEnd: FitOptions['onBatchEnd'];
  /** Milliseconds between yields within an epoch; Infinity: once per epoch. */
  yieldMs: number;
  /** Progress output level. */
  verbose: Verbosity;
  /** Cancels the run when aborted. */
  signal: AbortSignal | undefined;
}

/**
 * Validates `opts` (naming the offending option; unknown keys refused with the closest valid
 * one suggested) and fills in defaults. `extraKeys` are keys the caller consumes itself.
 */
export function resolveFitOptions(owner: string, opts: FitOptions | undefined, extraKeys: readonly string[] = []): ResolvedOptions {
  checkOptionKeys(owner, opts, [...FIT_OPTION_KEYS, ...extraKeys], { hints: FOREIGN_OPTION_HINTS });
  const o = opts ?? {};
  // An option left out (undefined) takes its default; null is a value, refused like any other.
  const epochs = o.epochs === undefined ? 100 : o.epochs;
  if (!isPositiveInteger(epochs)) throw argumentError(owner, 'epochs', 'a positive integer', o.epochs);
  const batchSize = o.batchSize === undefined ? 256 : o.batchSize;
  if (!isPositiveInteger(batchSize)) throw argumentError(owner, 'batchSize', 'a positive integer', o.batchSize);
  if (o.learningRate !== undefined) {
    if (!Number.isFinite(o.learningRate) || o.learningRate <= 0) {
      throw argumentError(owner, 'learningRate', 'a finite number > 0', o.learningRate);
    }
    if (o.optimizer !== undefined) {
      throw new ArgumentError(
        `${owner}: give either learningRate or optimizer, not both (the learning rate of a custom optimizer is set when it is created)`,
        { owner, argument: 'learningRate' },
      );
    }
  }
  if (o.finalLearningRate !== undefined) {
    if (!Number.isFinite(o.finalLearningRate) || o.finalLearningRate <= 0) {
      throw argumentError(owner, 'finalLearningRate', 'a finite number > 0', o.finalLearningRate);
    }
    if (o.optimizer !== undefined) {
      throw new ArgumentError(`${owner}: finalLearningRate schedules the default optimizer; a custom optimizer keeps its own learning rate`, {
        owner,
        argument: 'finalLearningRate',
      });
    }
  }
  if (o.warmup !== undefined) {
    if (typeof o.warmup !== 'number' || !(o.warmup >= 0 && o.warmup < 1)) {
      throw argumentError(owner, 'warmup', 'a fraction of the planned steps in [0, 1)', o.warmup);
    }
    if (o.optimizer !== undefined && o.warmup > 0) {
      throw new ArgumentError(`${owner}: warmup schedules the default optimizer; a custom optimizer keeps its own learning rate`, {
        owner,
        argument: 'warmup',
      });
    }
  }
  if (o.optimizer !== undefined) {
    const opt = o.optimizer as unknown as { minimize?: unknown; applyGradients?: unknown };
    if (opt === null || typeof opt !== 'object' || typeof opt.minimize !== 'function' || typeof opt.applyGradients !== 'function') {
      throw argumentError(owner, 'optimizer', 'a tf.Optimizer (e.g. tf.train.adam(1e-3))', o.optimizer);
    }
  }
  if (o.patience !== undefined && !(Number.isInteger(o.patience) && o.patience >= 0)) {
    throw argumentError(owner, 'patience', 'a non-negative integer', o.patience);
  }
  const divergenceFactor = o.divergenceFactor === undefined ? 100 : o.divergenceFactor;
  if (typeof divergenceFactor !== 'number' || !(divergenceFactor > 0)) {
    throw argumentError(owner, 'divergenceFactor', 'a number > 0 (Infinity switches the guard off)', o.divergenceFactor);
  }
  if (o.clipNorm !== undefined && !(Number.isFinite(o.clipNorm) && o.clipNorm > 0)) {
    throw argumentError(owner, 'clipNorm', 'a finite number > 0 (leave it out for no clipping)', o.clipNorm);
  }
  const seed = checkSeed(owner, o.seed);
  if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') {
    throw argumentError(owner, 'onEpochEnd', 'a function (epoch, logs) => void', o.onEpochEnd);
  }
  if (o.onBatchEnd !== undefined && typeof o.onBatchEnd !== 'function') {
    throw argumentError(owner, 'onBatchEnd', 'a function (logs) => void', o.onBatchEnd);
  }
  const yieldEvery = o.yieldEvery === undefined ? 'auto' : o.yieldEvery;
  let yieldMs: number;
  if (yieldEvery === 'epoch') yieldMs = Infinity;
  else if (yieldEvery === 'auto') yieldMs = inBrowser() ? BROWSER_YIELD_MS : Infinity;
  else if (typeof yieldEvery === 'number' && yieldEvery >= 0 && !Number.isNaN(yieldEvery)) yieldMs = yieldEvery;
  else throw argumentError(owner, 'yieldEvery', "a number of milliseconds >= 0, 'auto' or 'epoch'", o.yieldEvery);
  if (o.signal !== undefined && (o.signal === null || typeof (o.signal as { aborted?: unknown }).aborted !== 'boolean')) {
    throw argumentError(owner, 'signal', 'an AbortSignal', o.signal);
  }
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') {
    throw argumentError(owner, 'shuffle', 'a boolean', o.shuffle);
  }
  const emaMomentum = o.emaMomentum === undefined ? 0 : o.emaMomentum;
  if (typeof emaMomentum !== 'number' || !(emaMomentum >= 0 && emaMomentum < 1)) {
    throw argumentError(owner, 'emaMomentum', 'a number in [0, 1) (0: no weight averaging)', o.emaMomentum);
  }
  const verbose = o.verbose === undefined ? 0 : o.verbose;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) {
    throw argumentError(owner, 'verbose', '0 (silent), 1 (a live bar in a terminal, else one line per epoch) or 2 (one line per epoch)', o.verbose);
  }
  return {
    epochs,
    batchSize,
    patience: o.patience,
    divergenceFactor,
    clipNorm: o.clipNorm ?? Infinity,
    emaMomentum,
    seed: seed ?? freshSeed(),
    shuffle: o.shuffle ?? true,
    onEpochEnd: o.onEpochEnd,
    onBatchEnd: o.onBatchEnd,
    yieldMs,
    verbose,
    signal: o.signal,
  };
}

function isLiveVariableArray(value: unknown): value is tf.Variable[] {
  return Array.isArray(value) && value.every((v) => v instanceof tf.Variable && !v.isDisposed);
}

/** Validates the spec before anything is touched. */
function checkSpec(owner: string, spec: TrainLoopSpec): void {
  if (!isLiveVariableArray(spec.variables) || spec.variables.length === 0) {
    throw argumentError(owner, 'variables', 'a non-empty array of live tf.Variable', spec.variables);
  }
  if (!isPositiveInteger(spec.numExamples)) {
    throw argumentError(owner, 'the number of examples', 'a positive integer', spec.numExamples);
  }
  if (typeof spec.batchLoss !== 'function') throw argumentError(owner, 'batchLoss', 'a function', spec.batchLoss);
  if (spec.validationLoss !== undefined && typeof spec.validationLoss !== 'function') {
    throw argumentError(owner, 'validationLoss', 'a function', spec.validationLoss);
  }
  if (spec.state !== undefined && !isLiveVariableArray(spec.state)) {
    throw argumentError(owner, 'state', 'an array of live tf.Variable', spec.state);
  }
  if (spec.minBatchSize !== undefined && !isPositiveInteger(spec.minBatchSize)) {
    throw argumentError(owner, 'minBatchSize', 'a positive integer', spec.minBatchSize);
  }
  if (spec.inputs !== undefined && !(Array.isArray(spec.inputs) && spec.inputs.every((t) => t instanceof tf.Tensor))) {
    throw argumentError(owner, 'inputs', 'an array of tf.Tensor', spec.inputs);
  }
  const disposed = spec.inputs?.findIndex((t) => t.isDisposed) ?? -1;
  if (disposed >= 0) throw argumentError(owner, `inputs[${disposed}]`, 'a live tensor (this one was disposed)', spec.inputs![disposed]);
  for (const v of [...spec.variables, ...(spec.state ?? [])]) {
    if (training.has(v)) {
      throw new StateError(`${owner}: the model is already training (a second fit on the same model started before the first one ended)`);
    }
  }
}

/** Row ranges of one epoch: batches of `batchSize`, a last batch under `minBatch` merged into the one before. */
function batchBounds(numExamples: number, batchSize: number, minBatch: number): number[] {
  const bounds: number[] = [];
  for (let start = 0; start < numExamples; start += batchSize) bounds.push(start);
  bounds.push(numExamples);
  const last = numExamples - bounds[bounds.length - 2]!;
  if (bounds.length > 2 && last < minBatch) bounds.splice(bounds.length - 2, 1);
  return bounds;
}

/** A loss for messages: String(v), with +Infinity signed to stand apart from -Infinity. */
function lossText(v: number): string {
  return v === Infinity ? '+Infinity' : String(v);
}

/**
 * Minimizes the mean of `batchLoss` over minibatches of `numExamples` examples.
 *
 * Each epoch visits every example once in an order shuffled from `seed` (Fisher-Yates on a
 * mulberry32 stream), in batches of `batchSize` (a last batch under `minBatchSize` rows is
 * merged into the one before). A step is `optimizer.minimize(() => batchLoss(idx), true,
 * variables)`, with the gradients clipped to a global norm of `clipNorm` when given. The
 * reported epoch loss is the example-weighted mean of the step losses, i.e. the mean over the
 * epoch's examples of the loss at the time each was visited (as Keras reports it).
 *
 * Best state: the loop keeps a copy of the variables and `state` at their best so far (the
 * starting values, then the end of each epoch that improves the monitored loss: the validation
 * loss when given, else the training loss). Step losses stay on the device and are read in one
 * batch per epoch (or every 256 steps), so no step waits for the device. When a loss is NaN or
 * infinite, when an epoch's loss diverges (see `divergenceFactor`), or when the validation loss
 * is not finite, the best state is restored and the promise rejects with a NumericalError
 * that names the epoch and step and the restored epoch (-1: the starting values). Any other
 * error thrown during training (a callback, a disposed input) also restores the best state.
 *
 * Before anything changes, every option and the spec are validated, and a run on variables
 * that another run is training is refused with a StateError.
 *
 * Tensors: everything per step is freed (the loop leaks nothing over any number of steps,
 * also when it throws); the default optimizer is disposed at the end, a given one is left to
 * its owner.
 */
export async function trainLoop(spec: TrainLoopSpec, opts: FitOptions = {}): Promise<FitResult> {
  const owner = typeof spec?.owner === 'string' && spec.owner ? spec.owner : 'trainLoop';
  if (spec === null || typeof spec !== 'object') throw argumentError(owner, 'spec', 'an object', spec);
  const o = resolveFitOptions(owner, opts);
  checkSpec(owner, spec);
  registerGradients();

  const { variables, numExamples, batchLoss, validationLoss } = spec;
  const stateVariables = spec.state ?? [];
  const batchSize = Math.min(o.batchSize, numExamples);
  const minBatch = spec.minBatchSize ?? (stateVariables.length > 0 ? MIN_STATISTICS_BATCH : 1);
  const bounds = batchBounds(numExamples, batchSize, minBatch);
  const stepsPerEpoch = bounds.length - 1;
  const random = mulberry32(o.seed);
  const order = new Int32Array(numExamples);
  for (let i = 0; i < numExamples; i++) order[i] = i;
  const tracked = [...variables, ...stateVariables];
  for (const v of tracked) training.add(v);

  const ownsOptimizer = opts.optimizer === undefined;
  // Default: Adam with tf.train.adam's update, fused over all variables (~12 kernels per step
  // instead of ~13 per variable).
  const initialLearningRate = opts.learningRate ?? 1e-3;
  const optimizer = opts.optimizer ?? new FusedAdam({ learningRate: initialLearningRate });
  const finalLearningRate = opts.finalLearningRate;
  const totalSteps = o.epochs * stepsPerEpoch;
  const warmupSteps = ownsOptimizer ? Math.round((opts.warmup ?? 0) * totalSteps) : 0;
  const scheduled = finalLearningRate !== undefined || warmupSteps > 0;
  // Full batch: one index tensor for the whole run.
  const fullBatchIndices = stepsPerEpoch === 1 && !o.shuffle ? tf.tensor1d(order, 'int32') : undefined;
  // Weight averaging: the steps move the iterate, each epoch ends with the average.
  // At most about a tenth of the planned steps are averaged, so a short run is not held back.
  const momentum = Math.min(o.emaMomentum, 1 - 1 / (MAX_AVERAGED_FRACTION * totalSteps));
  const average = momentum > 0 ? new WeightAverage(variables, momentum) : undefined;

  const history: FitResult['history'] = { loss: [] };
  if (validationLoss) history.valLoss = [];
  let stoppedEarly = false;
  let aborted = false;
  let bestEpoch: number | undefined;
  let bestValue = Infinity;
  let sinceBest = 0;
  const monitorValidation = validationLoss !== undefined;
  // Lowest training loss seen (an epoch mean, or the first step's loss at the starting
  // weights): the reference of the divergence guard.
  let bestTrainingLoss = Infinity;

  const snapshot = (): tf.Tensor[] => tracked.map((v) => tf.clone(v));
  // The best state so far, starting with the values the run started from (epoch -1).
  let best: tf.Tensor[] = snapshot();
  let bestStateEpoch = -1;
  let bestStateLoss = Infinity;
  const restoreBest = (): void => tracked.forEach((v, i) => v.assign(best[i]!));
  const restoredText = (): string =>
    bestStateEpoch < 0
      ? 'The variables were restored to their values before training'
      : `The variables were restored to those of epoch ${bestStateEpoch} (monitored loss ${bestStateLoss})`;

  let pending: tf.Scalar[] = [];
  const lossFn = (idx: tf.Tensor1D) => (): tf.Scalar => {
    const loss = batchLoss(idx);
    if (!(loss instanceof tf.Tensor) || loss.rank !== 0) {
      throw argumentError(owner, 'the batch loss', 'a scalar tensor', loss);
    }
    return loss;
  };
  // optimizer.minimize with the gradients scaled to a global norm of at most clipNorm (inside
  // the step's tidy, which frees the gradients).
  const clippedStep = (f: () => tf.Scalar): tf.Scalar => {
    const { value, grads } = optimizer.computeGradients(f, variables);
    const clipped = clipByGlobalNorm(grads, o.clipNorm);
    optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: clipped[v.name]! })));
    return value;
  };
  const checkInputs = (epoch: number, step: number): void => {
    const disposed = spec.inputs?.findIndex((t) => t.isDisposed) ?? -1;
    if (disposed >= 0) {
      throw new StateError(`${owner}: an input tensor (inputs[${disposed}]) was disposed during training, before epoch ${epoch}, step ${step}. ${restoredText()}.`);
    }
  };
  let lastYield = performance.now();
  // True while the model's own code runs (the probe, a step): its raw errors are wrapped.
  let inStep = false;
  const progress =
    o.verbose === 0
      ? undefined
      : new TrainingLog({ verbose: o.verbose, epochs: o.epochs, stepsPerEpoch, ...(spec.progressStyle ? { style: spec.progressStyle } : {}) });

  try {
    if (o.yieldMs !== Infinity) {
      // In a browser, the checks so far (fit's data checks included) end one task; the probe
      // (the model's first forward pass: code compiled, kernels set up) starts the next.
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    // One forward pass outside the gradient tape checks the loss is a scalar (an error thrown
    // inside minimize() strands the tensors tfjs saved on its tape); `state` is put back after.
    // Two rows are enough for that, so the check costs next to nothing even for a one-epoch fit.
    if (!o.signal?.aborted) {
      const probeIdx = tf.tensor1d(order.subarray(0, Math.min(bounds[1]!, PROBE_ROWS)), 'int32');
      try {
        checkInputs(0, 0);
        inStep = true;
        tf.tidy(() => {
          lossFn(probeIdx)();
        });
        inStep = false;
      } finally {
        probeIdx.dispose();
        stateVariables.forEach((v, i) => v.assign(best[variables.length + i]!));
      }
    }
    if (o.yieldMs !== Infinity) {
      // The checks and the probe are one task; the first step (often the slowest: kernels are
      // set up) starts another.
      await yieldToEventLoop();
      lastYield = performance.now();
    }

    // An abort is checked before every step (an epoch has at least one).
    outer: for (let epoch = 0; epoch < o.epochs; epoch++) {
      if (o.shuffle) shuffleInPlace(order, random);
      // Weighted (by batch size) sum of step losses of this epoch, accumulated from the reads.
      let lossSum = 0;
      let pendingFirstStep = 0;
      let firstOverStep = -1;
      const pendingSizes: number[] = [];
      const threshold = (): number => bestTrainingLoss + o.divergenceFactor * (1 + Math.abs(bestTrainingLoss));

      const flush = async (): Promise<void> => {
        if (pending.length === 0) return;
        const stacked = tf.stack(pending);
        tf.dispose(pending);
        pending = [];
        let vals: ArrayLike<number>;
        try {
          vals = (await stacked.data()) as Float32Array;
        } finally {
          stacked.dispose();
        }
        for (let k = 0; k < vals.length; k++) {
          const v = vals[k]!;
          const step = pendingFirstStep + k;
          if (!Number.isFinite(v)) {
            restoreBest();
            throw new NumericalError(
              `${owner}: loss became ${lossText(v)} at epoch ${epoch}, step ${step} ` +
                `(counting from 0; ${stepsPerEpoch} steps per epoch). ${restoredText()}. ` +
                'Try a lower learningRate, standardized data or a larger batchSize.',
              { epoch, step, loss: v, restoredEpoch: bestStateEpoch, restoredLoss: bestStateLoss },
            );
          }
          if (epoch === 0 && step === 0) bestTrainingLoss = Math.min(bestTrainingLoss, v);
          if (firstOverStep < 0 && v > threshold()) firstOverStep = step;
          lossSum += v * pendingSizes[k]!;
        }
        pendingSizes.length = 0;
      };

      for (let step = 0; step < stepsPerEpoch; step++) {
        if (o.signal?.aborted) {
          aborted = true;
          tf.dispose(pending);
          pending = [];
          break outer;
        }
        checkInputs(epoch, step);
        const stepStarted = performance.now();
        const start = bounds[step]!;
        const size = bounds[step + 1]! - start;
        const idx = fullBatchIndices ?? tf.tensor1d(order.subarray(start, start + size), 'int32');
        let cost: tf.Scalar | null;
        try {
          if (scheduled) {
            (optimizer as FusedAdam).learningRate = scheduledLearningRate(epoch * stepsPerEpoch + step, totalSteps, initialLearningRate, finalLearningRate, warmupSteps);
          }
          average?.swapOut();
          inStep = true;
          // A tidy frees what a step leaves when it throws (tfjs' minimize keeps its gradients
          // and loss then), and the clipped step's gradients.
          cost = tf.tidy(() => (o.clipNorm === Infinity ? optimizer.minimize(lossFn(idx), true, variables)! : clippedStep(lossFn(idx))));
          inStep = false;
          average?.update();
        } catch (e) {
          releaseStrandedTape();
          throw e;
        } finally {
          if (idx !== fullBatchIndices) idx.dispose();
        }
        if (pending.length === 0) pendingFirstStep = step;
        pending.push(cost!);
        pendingSizes.push(size);
        if (o.onBatchEnd) {
          const r = o.onBatchEnd({ epoch, step, stepsPerEpoch, size, loss: cost! });
          if (r && typeof (r as Promise<void>).then === 'function') await r;
        }
        if (pending.length >= MAX_PENDING_STEPS) await flush();
        if (progress?.due()) {
          // The live bar shows the epoch's running mean loss: read the pending losses first.
          await flush();
          progress.step(epoch, step + 1, lossSum / bounds[step + 1]!);
        }
        if (o.yieldMs !== Infinity) {
          const t = performance.now();
          // Yield when the next step, as long as this one, would end past the budget.
          if (t - lastYield + (t - stepStarted) >= o.yieldMs || (step === stepsPerEpoch - 1 && validationLoss)) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
        }
      }
      await flush();
      const loss = lossSum / numExamples;
      if (loss > threshold()) {
        restoreBest();
        throw new NumericalError(
          `${owner}: training diverged at epoch ${epoch}: its mean loss ${loss} is far above the best ${bestTrainingLoss} ` +
            `(more than divergenceFactor ${o.divergenceFactor} x (1 + |best|)). ${restoredText()}. ` +
            'Try a lower learningRate or standardized data.',
          {
            epoch,
            step: firstOverStep >= 0 ? firstOverStep : stepsPerEpoch - 1,
            loss,
            restoredEpoch: bestStateEpoch,
            restoredLoss: bestStateLoss,
          },
        );
      }
      bestTrainingLoss = Math.min(bestTrainingLoss, loss);
      history.loss.push(loss);
      // The epoch ends with the averaged weights (validation, callbacks, best snapshot).
      average?.swapIn();

      let valLoss: number | undefined;
      if (validationLoss) {
        const t = tf.tidy(() => validationLoss());
        try {
          valLoss = (await t.data())[0]!;
        } finally {
          t.dispose();
        }
        if (!Number.isFinite(valLoss)) {
          restoreBest();
          throw new NumericalError(
            `${owner}: validation loss became ${lossText(valLoss)} at epoch ${epoch} while the training loss is ${loss}; ` +
              `check the validation data (NaN, or values far outside the training data). ${restoredText()}.`,
            { epoch, step: stepsPerEpoch - 1, loss: valLoss, restoredEpoch: bestStateEpoch, restoredLoss: bestStateLoss },
          );
        }
        history.valLoss!.push(valLoss);
      }

      // Keras' EarlyStopping: stop once `patience` consecutive epochs failed to improve
      // (patience 0: at the first epoch that does not improve).
      const monitored = monitorValidation ? valLoss! : loss;
      let improved = false;
      if (monitored < bestValue) {
        improved = true;
        bestValue = monitored;
        sinceBest = 0;
        if (monitorValidation || o.patience !== undefined) bestEpoch = epoch;
        tf.dispose(best);
        best = snapshot();
        bestStateEpoch = epoch;
        bestStateLoss = monitored;
      } else {
        sinceBest++;
      }

      progress?.epochEnd(epoch, loss, valLoss);
      if (o.onEpochEnd) {
        await o.onEpochEnd(epoch, valLoss === undefined ? { loss } : { loss, valLoss });
      }
      if (o.patience !== undefined && !improved && sinceBest >= o.patience) {
        stoppedEarly = epoch < o.epochs - 1;
        break;
      }
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    // With early stopping the variables always end at the best epoch (also after the last
    // epoch or an abort), so `patience` means "keep the best weights".
    // An abort mid-epoch also ends with the average of the steps taken.
    average?.finish();
    if (o.patience !== undefined && bestStateEpoch >= 0) restoreBest();
  } catch (e) {
    // Restoring is idempotent: the numerical guards restore before they throw.
    restoreBest();
    if (!inStep || e instanceof DensityError || !(e instanceof Error)) throw e;
    // A raw error from the model's code during a step (e.g. a tfjs error on a tensor freed
    // mid-training): typed, saying what was restored; the original error is the cause.
    throw new StateError(`${owner}: training stopped by an error in a step: ${e.message}. ${restoredText()}.`, { cause: e });
  } finally {
    progress?.close();
    tf.dispose(pending);
    tf.dispose(best);
    fullBatchIndices?.dispose();
    average?.dispose();
    if (ownsOptimizer) optimizer.dispose();
    for (const v of tracked) training.delete(v);
  }
  const result: FitResult = { history, stoppedEarly, aborted };
  if (bestEpoch !== undefined) result.bestEpoch = bestEpoch;
  return result;
}
