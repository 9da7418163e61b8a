// The minibatch training loop shared by `fit(flow, ...)` (@densityjs/flows) and `MDN.fit`
// (@densityjs/mdn). It owns everything that is not model-specific: option validation, seeded
// shuffling, the optimizer, loss bookkeeping without a device sync per step, the NaN guard,
// validation with early stopping, progress callbacks, cancellation and event-loop yields.
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, describeValue } from './errors.js';
import { cosineDecay } from './cosine-decay.js';
import { FusedAdam } from './fused-adam.js';
import { mulberry32 } from './mulberry32.js';
import { registerGradients } from './register-gradients.js';

export interface FitOptions {
  /** Passes over the data. Default 100. */
  epochs?: number;
  /** Examples per step; `>= numExamples` means full batch. Default 256. */
  batchSize?: number;
  /** Learning rate of the default Adam optimizer. Default 1e-3. Not with `optimizer`. */
  learningRate?: number;
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
  /** Seeds the per-epoch shuffling. Default: a fresh random seed. */
  seed?: number;
  /** Awaited after every epoch (0-based `epoch`). */
  onEpochEnd?: (epoch: number, logs: { loss: number; valLoss?: number }) => void | Promise<void>;
  /** Checked between steps; when aborted the loop resolves with the history so far. */
  signal?: AbortSignal;
  /** Reshuffle the examples every epoch. Default true. */
  shuffle?: boolean;
}

export interface FitResult {
  /** Per completed epoch: mean training loss over the epoch's examples, and validation loss. */
  history: { loss: number[]; valLoss?: number[] };
  /** True when early stopping ended the run before `epochs`. */
  stoppedEarly: boolean;
  /** 0-based epoch with the lowest monitored loss (set when `patience` or validation is used). */
  bestEpoch?: number;
  /** True when `signal` aborted the run; `history` then holds the completed epochs. */
  aborted: boolean;
}

export interface TrainLoopSpec {
  /** Names the caller in error messages, e.g. 'fit' or 'MDN.fit'. */
  owner: string;
  /** What the optimizer updates (and early stopping snapshots and restores). */
  variables: tf.Variable[];
  numExamples: number;
  /**
   * Mean loss over the example rows `indices` (int32). The caller gathers its own tensors;
   * the gather is not differentiated (its gradient kernel is missing on wasm). Called once
   * more before the first step, outside the gradient tape, to check that it returns a scalar.
   */
  batchLoss: (indices: tf.Tensor1D) => tf.Scalar;
  /** Evaluated once per epoch when given (inside a tidy). */
  validationLoss?: () => tf.Scalar;
  /**
   * Non-trainable variables that travel with the weights (e.g. BatchNorm running statistics):
   * not optimized, but snapshotted and restored with `variables` (early stopping, NaN rewind).
   */
  state?: tf.Variable[];
}

/** Pending per-step losses are read back (one sync) at least this often within an epoch. */
const MAX_PENDING_STEPS = 256;

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
 * Lets the browser paint and handle input between epochs: setImmediate in Node, a MessageChannel
 * message in browsers and workers (nested setTimeout(0) is clamped to 4 ms there, twice a small
 * model's whole epoch).
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

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

interface ResolvedOptions {
  epochs: number;
  batchSize: number;
  patience: number | undefined;
  seed: number;
  shuffle: boolean;
  onEpochEnd: FitOptions['onEpochEnd'];
  signal: AbortSignal | undefined;
}

/** Validates `opts` (naming the offending option) and fills in defaults. */
export function resolveFitOptions(owner: string, opts: FitOptions | undefined): ResolvedOptions {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
    throw argumentError(owner, 'options', 'an object', opts);
  }
  const o = opts ?? {};
  const epochs = o.epochs ?? 100;
  if (!isPositiveInteger(epochs)) throw argumentError(owner, 'epochs', 'a positive integer', o.epochs);
  const batchSize = o.batchSize ?? 256;
  if (!isPositiveInteger(batchSize)) throw argumentError(owner, 'batchSize', 'a positive integer', o.batchSize);
  if (o.learningRate !== undefined) {
    if (typeof o.learningRate !== 'number' || !Number.isFinite(o.learningRate) || o.learningRate <= 0) {
      throw argumentError(owner, 'learningRate', 'a finite number > 0', o.learningRate);
    }
    if (o.optimizer !== undefined) {
      throw new Error(
        `${owner}: give either learningRate or optimizer, not both (the learning rate of a custom optimizer is set when it is created)`,
      );
    }
  }
  if (o.finalLearningRate !== undefined) {
    if (typeof o.finalLearningRate !== 'number' || !Number.isFinite(o.finalLearningRate) || o.finalLearningRate <= 0) {
      throw argumentError(owner, 'finalLearningRate', 'a finite number > 0', o.finalLearningRate);
    }
    if (o.optimizer !== undefined) {
      throw new Error(`${owner}: finalLearningRate schedules the default optimizer; a custom optimizer keeps its own learning rate`);
    }
  }
  if (o.optimizer !== undefined) {
    const opt = o.optimizer as unknown as { minimize?: unknown; applyGradients?: unknown };
    if (opt === null || typeof opt !== 'object' || typeof opt.minimize !== 'function' || typeof opt.applyGradients !== 'function') {
      throw argumentError(owner, 'optimizer', 'a tf.Optimizer (e.g. tf.train.adam(1e-3))', describeValue(o.optimizer));
    }
  }
  if (o.patience !== undefined && !(typeof o.patience === 'number' && Number.isInteger(o.patience) && o.patience >= 0)) {
    throw argumentError(owner, 'patience', 'a non-negative integer', o.patience);
  }
  if (o.seed !== undefined && !(typeof o.seed === 'number' && Number.isFinite(o.seed) && Number.isInteger(o.seed))) {
    throw argumentError(owner, 'seed', 'an integer', o.seed);
  }
  if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') {
    throw argumentError(owner, 'onEpochEnd', 'a function (epoch, logs) => void', o.onEpochEnd);
  }
  if (o.signal !== undefined && (o.signal === null || typeof (o.signal as { aborted?: unknown }).aborted !== 'boolean')) {
    throw argumentError(owner, 'signal', 'an AbortSignal', o.signal);
  }
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') {
    throw argumentError(owner, 'shuffle', 'a boolean', o.shuffle);
  }
  return {
    epochs,
    batchSize,
    patience: o.patience,
    seed: o.seed ?? Math.floor(Math.random() * 2 ** 31),
    shuffle: o.shuffle ?? true,
    onEpochEnd: o.onEpochEnd,
    signal: o.signal,
  };
}

/**
 * Minimizes the mean of `batchLoss` over minibatches of `numExamples` examples.
 *
 * Each epoch visits every example once in an order shuffled from `seed` (Fisher-Yates on a
 * mulberry32 stream), in batches of `batchSize` (the last one may be smaller). A step is
 * `optimizer.minimize(() => batchLoss(idx), true, variables)`. The reported epoch loss is the
 * example-weighted mean of the step losses, i.e. the mean over the epoch's examples of the
 * loss at the time each was visited (as Keras reports it).
 *
 * Step losses stay on the device and are read in one batch per epoch (or every
 * 256 steps), so no step waits for the device; that read also checks finiteness and names
 * the first failing epoch and step. After a NaN/inf the variables are restored to their values
 * at the start of that epoch and the promise rejects.
 *
 * Tensors: everything per step is freed (the loop leaks nothing over any number of steps);
 * the default optimizer is disposed at the end, a given one is left to its owner.
 */
export async function trainLoop(spec: TrainLoopSpec, opts: FitOptions = {}): Promise<FitResult> {
  const owner = typeof spec?.owner === 'string' && spec.owner ? spec.owner : 'trainLoop';
  const o = resolveFitOptions(owner, opts);
  if (!Array.isArray(spec.variables) || spec.variables.length === 0) {
    throw argumentError(owner, 'variables', 'a non-empty array of tf.Variable', spec.variables);
  }
  if (!isPositiveInteger(spec.numExamples)) {
    throw argumentError(owner, 'the number of examples', 'a positive integer', spec.numExamples);
  }
  if (typeof spec.batchLoss !== 'function') throw argumentError(owner, 'batchLoss', 'a function', spec.batchLoss);
  if (spec.state !== undefined && !(Array.isArray(spec.state) && spec.state.every((v) => v instanceof tf.Variable))) {
    throw argumentError(owner, 'state', 'an array of tf.Variable', spec.state);
  }
  registerGradients();

  const { variables, numExamples, batchLoss, validationLoss } = spec;
  const batchSize = Math.min(o.batchSize, numExamples);
  const stepsPerEpoch = Math.ceil(numExamples / batchSize);
  const random = mulberry32(o.seed);
  const order = new Int32Array(numExamples);
  for (let i = 0; i < numExamples; i++) order[i] = i;
  const ownsOptimizer = opts.optimizer === undefined;
  // Default: Adam with tf.train.adam's update, fused over all variables (~12 kernels per step
  // instead of ~13 per variable).
  const initialLearningRate = opts.learningRate ?? 1e-3;
  const optimizer = opts.optimizer ?? new FusedAdam({ learningRate: initialLearningRate });
  const finalLearningRate = opts.finalLearningRate;
  const totalSteps = o.epochs * stepsPerEpoch;
  // Full batch: one index tensor for the whole run.
  const fullBatchIndices = stepsPerEpoch === 1 && !o.shuffle ? tf.tensor1d(order, 'int32') : undefined;

  const history: FitResult['history'] = { loss: [] };
  if (validationLoss) history.valLoss = [];
  let stoppedEarly = false;
  let aborted = false;
  let bestEpoch: number | undefined;
  let bestValue = Infinity;
  let best: tf.Tensor[] | undefined;
  let epochStart: tf.Tensor[] | undefined;
  let sinceBest = 0;
  const monitorValidation = validationLoss !== undefined;

  let pending: tf.Scalar[] = [];
  let probed = false;
  const tracked = [...variables, ...(spec.state ?? [])];
  const snapshot = (): tf.Tensor[] => tracked.map((v) => tf.clone(v));
  const restore = (values: tf.Tensor[]): void => tracked.forEach((v, i) => v.assign(values[i]!));

  const lossFn = (idx: tf.Tensor1D) => (): tf.Scalar => {
    const loss = batchLoss(idx);
    if (!(loss instanceof tf.Tensor) || loss.rank !== 0) {
      throw new Error(
        `${owner}: the batch loss must be a scalar tensor, received ${describeValue(loss)}`,
      );
    }
    return loss;
  };

  try {
    outer: for (let epoch = 0; epoch < o.epochs; epoch++) {
      if (o.signal?.aborted) {
        aborted = true;
        break;
      }
      if (o.shuffle) shuffleInPlace(order, random);
      tf.dispose(epochStart);
      epochStart = snapshot();
      // Weighted (by batch size) sum of step losses of this epoch, accumulated from the reads.
      let lossSum = 0;
      let pendingFirstStep = 0;
      const pendingSizes: number[] = [];

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
          if (!Number.isFinite(v)) {
            restore(epochStart!);
            throw new Error(
              `${owner}: loss became ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Infinity' : '-Infinity'} at epoch ${epoch}, ` +
                `step ${pendingFirstStep + k} (counting from 0; ${stepsPerEpoch} steps per epoch). ` +
                `The variables were restored to their values at the start of epoch ${epoch}. ` +
                `Try a lower learningRate, standardized data or a larger batchSize.`,
            );
          }
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
        const start = step * batchSize;
        const size = Math.min(batchSize, numExamples - start);
        const idx = fullBatchIndices ?? tf.tensor1d(order.subarray(start, start + size), 'int32');
        let cost: tf.Scalar | null;
        try {
          if (!probed) {
            // One forward pass outside the gradient tape checks the loss is a scalar: an error
            // thrown inside minimize() would strand the tensors tfjs saved on its tape.
            probed = true;
            tf.tidy(() => {
              lossFn(idx)();
            });
          }
          if (finalLearningRate !== undefined) {
            (optimizer as FusedAdam).learningRate = cosineDecay(epoch * stepsPerEpoch + step, totalSteps, initialLearningRate, finalLearningRate);
          }
          cost = optimizer.minimize(lossFn(idx), true, variables);
        } finally {
          if (idx !== fullBatchIndices) idx.dispose();
        }
        if (pending.length === 0) pendingFirstStep = step;
        pending.push(cost!);
        pendingSizes.push(size);
        if (pending.length >= MAX_PENDING_STEPS) await flush();
      }
      await flush();
      const loss = lossSum / numExamples;
      history.loss.push(loss);

      let valLoss: number | undefined;
      if (validationLoss) {
        const t = tf.tidy(() => validationLoss());
        try {
          valLoss = (await t.data())[0]!;
        } finally {
          t.dispose();
        }
        if (!Number.isFinite(valLoss)) {
          throw new Error(
            `${owner}: validation loss became ${valLoss} at epoch ${epoch} while the training loss is ${loss}; ` +
              'check the validation data (NaN, or values far outside the training data)',
          );
        }
        history.valLoss!.push(valLoss);
      }

      // Keras' EarlyStopping: stop once `patience` consecutive epochs failed to improve
      // (patience 0: at the first epoch that does not improve).
      const monitored = monitorValidation ? valLoss! : loss;
      let improved = false;
      if (monitorValidation || o.patience !== undefined) {
        if (monitored < bestValue) {
          improved = true;
          bestValue = monitored;
          bestEpoch = epoch;
          sinceBest = 0;
          if (o.patience !== undefined) {
            tf.dispose(best);
            best = snapshot();
          }
        } else {
          sinceBest++;
        }
      }

      if (o.onEpochEnd) {
        await o.onEpochEnd(epoch, valLoss === undefined ? { loss } : { loss, valLoss });
      }
      if (o.patience !== undefined && !improved && sinceBest >= o.patience) {
        stoppedEarly = epoch < o.epochs - 1;
        break;
      }
      await yieldToEventLoop();
    }
    // With early stopping the variables always end at the best epoch (also after the last
    // epoch or an abort), so `patience` means "keep the best weights".
    if (o.patience !== undefined && best) restore(best);
  } finally {
    tf.dispose(pending);
    tf.dispose(best);
    tf.dispose(epochStart);
    fullBatchIndices?.dispose();
    if (ownsOptimizer) optimizer.dispose();
  }
  const result: FitResult = { history, stoppedEarly, aborted };
  if (bestEpoch !== undefined) result.bestEpoch = bestEpoch;
  return result;
}
