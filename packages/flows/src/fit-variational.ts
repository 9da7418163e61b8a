// Variational inference with a flow: fit q to an unnormalized density p~ by maximizing the
// evidence lower bound, on the same training loop as `fit`.
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys, checkSeed, deriveSeed, freshSeed, trainLoop, type FitOptions, type FitResult } from '@densityjs/core';
import { Flow } from './flow.js';
import { loadFlow, saveFlow } from './save-load.js';

/** An unnormalized log-density log p~(x): a function of [n, D] rows, or anything with logProb. */
export type VariationalTarget = ((x: tf.Tensor) => tf.Tensor) | { logProb(x: tf.Tensor): tf.Tensor };

/** What fitVariational trains: a flow that samples and scores its samples in one pass. */
export interface VariationalFlow {
  readonly trainableVariables: tf.Variable[];
  readonly eventSize?: number;
  training?: boolean;
  sampleAndLogProb(sampleShape?: number | number[], opts?: { seed?: number }): { sample: tf.Tensor; logProb: tf.Tensor };
  logProb(x: tf.Tensor): tf.Tensor;
}

export interface FitVariationalOptions extends Pick<FitOptions, 'learningRate' | 'finalLearningRate' | 'optimizer' | 'seed' | 'signal' | 'divergenceFactor' | 'verbose'> {
  /** Optimizer steps. Default 2000. */
  steps?: number;
  /** Monte Carlo samples per step. Default 256. */
  samples?: number;
  /**
   * Gradient estimator of the ELBO. 'pathwise' (default): the reparameterization gradient of
   * mean(log p~(x) - log q(x)), x = f(z). 'stl' (sticking the landing, Roeder et al. 2017): the
   * same without the score term of log q (zero in expectation), whose variance vanishes as q
   * approaches p; it scores the samples through the flow's inverse, so it suits flows whose
   * density direction is cheap (MAF, coupling flows).
   */
  gradient?: 'pathwise' | 'stl';
  /** Steps per reported ELBO value (one device read each). Default 50. */
  stepsPerReport?: number;
  /** Samples of the final log Z estimate. Default 10000. */
  logZSamples?: number;
  /** Called after every `stepsPerReport` steps with the mean ELBO over them. */
  onReport?: (report: number, logs: { elbo: number }) => void | Promise<void>;
}

export interface FitVariationalResult {
  /** Mean ELBO = E_q[log p~(x) - log q(x)] per `stepsPerReport` steps, in nats. */
  history: { elbo: number[] };
  /**
   * Importance-sampling estimate log Z ≈ log mean_i p~(x_i) / q(x_i), x_i ~ q, from
   * `logZSamples` fresh samples (>= the final ELBO in expectation; exact when q = p / Z).
   */
  logZ: number;
  /** Standard error of logZ (delta method on the importance weights). */
  logZStandardError: number;
  aborted: boolean;
}

const KEYS = ['steps', 'samples', 'gradient', 'stepsPerReport', 'logZSamples', 'onReport', 'learningRate', 'finalLearningRate', 'optimizer', 'seed', 'signal', 'divergenceFactor', 'verbose'] as const;

function targetLogProb(target: VariationalTarget): (x: tf.Tensor) => tf.Tensor {
  return typeof target === 'function' ? target : (x) => target.logProb(x);
}

/**
 * A copy of `flow` whose variables mirror the flow's but are not trained: log q scored with it
 * has a gradient to the sample only (the flow's parameters held fixed), the term "sticking the
 * landing" keeps.
 */
async function frozenTwin(owner: string, flow: VariationalFlow): Promise<{ logProb: (x: tf.Tensor) => tf.Tensor; dispose: () => void }> {
  if (!(flow instanceof Flow)) throw argumentError(owner, 'flow', "a Flow for gradient: 'stl' (it scores samples with a frozen copy)", flow);
  const twin = loadFlow(await saveFlow(flow));
  const source = flow.trainableVariables;
  const copy = twin.trainableVariables;
  return {
    logProb: (x) => {
      copy.forEach((v, i) => v.assign(source[i]!));
      return twin.logProb(x);
    },
    dispose: () => twin.dispose(),
  };
}

/**
 * Fits `flow` to an unnormalized log-density by variational inference: maximizes the evidence
 * lower bound ELBO(q) = E_{x~q}[log p~(x) - log q(x)] = log Z - KL(q || p), estimated with
 * `samples` reparameterized draws x = f(z) and their log-density from the same pass
 * (`sampleAndLogProb`), i.e. minimizes KL(q || p). Runs on core's training loop, so it has the
 * same optimizer options, cancellation and divergence handling as `fit`. Resolves to the ELBO
 * history and an importance-sampling estimate of log Z with its standard error.
 *
 * Inverse autoregressive flows (`iaf`) and coupling flows sample and score in one pass: the
 * natural choice for q. The target must be finite wherever q puts mass.
 */
export async function fitVariational(flow: VariationalFlow, target: VariationalTarget, opts: FitVariationalOptions = {}): Promise<FitVariationalResult> {
  const owner = 'fitVariational';
  if (!flow || typeof flow.sampleAndLogProb !== 'function' || !Array.isArray(flow.trainableVariables)) {
    throw argumentError(owner, 'flow', 'a trainable flow with sampleAndLogProb (e.g. iaf() or realNVP())', flow);
  }
  if (typeof target !== 'function' && (target === null || typeof target !== 'object' || typeof target.logProb !== 'function')) {
    throw argumentError(owner, 'target', 'a function x => log p~(x) or an object with logProb(x)', target);
  }
  if (opts === null || typeof opts !== 'object') throw argumentError(owner, 'options', 'an object', opts);
  checkOptionKeys(owner, opts, KEYS);
  const { steps = 2000, samples = 256, gradient = 'pathwise', stepsPerReport = 50, logZSamples = 10_000, onReport } = opts;
  const positive = (name: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw argumentError(owner, name, 'a positive integer', v);
  };
  positive('steps', steps);
  positive('samples', samples);
  positive('stepsPerReport', stepsPerReport);
  positive('logZSamples', logZSamples);
  if (gradient !== 'pathwise' && gradient !== 'stl') throw argumentError(owner, 'gradient', "'pathwise' or 'stl'", gradient);
  if (onReport !== undefined && typeof onReport !== 'function') throw argumentError(owner, 'onReport', 'a function (report, {elbo}) => void', onReport);
  if (flow.trainableVariables.length === 0) throw argumentError(owner, 'flow', 'a flow with trainable variables', flow);
  const seed = checkSeed(owner, opts.seed) ?? freshSeed();
  const logTarget = targetLogProb(target);

  const block = Math.min(stepsPerReport, steps);
  const twin = gradient === 'stl' ? await frozenTwin(owner, flow) : undefined;
  let step = 0;
  const wasTraining = flow.training;
  if (typeof wasTraining === 'boolean') flow.training = false;
  let result: FitResult;
  try {
    result = await trainLoop(
      {
        owner,
        variables: flow.trainableVariables,
        // One "example" per step of a block: each step ignores its indices and draws fresh samples.
        numExamples: block,
        // `verbose` counts steps and shows the ELBO (= -loss) instead of epochs of loss.
        progressStyle: { metric: 'ELBO', sign: -1, countSteps: true },
        batchLoss: () => {
          const stepSeed = deriveSeed(seed, step++)!;
          const { sample, logProb } = flow.sampleAndLogProb(samples, { seed: stepSeed });
          const logQ = twin ? twin.logProb(sample) : logProb;
          return tf.neg(tf.mean(tf.sub(logTarget(sample), logQ))) as tf.Scalar;
        },
      },
      {
        epochs: Math.ceil(steps / block),
        batchSize: 1,
        shuffle: false,
        seed,
        ...(opts.optimizer ? { optimizer: opts.optimizer } : {}),
        ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
        ...(opts.finalLearningRate !== undefined ? { finalLearningRate: opts.finalLearningRate } : {}),
        ...(opts.divergenceFactor !== undefined ? { divergenceFactor: opts.divergenceFactor } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.verbose !== undefined ? { verbose: opts.verbose } : {}),
        ...(onReport ? { onEpochEnd: (e: number, logs: { loss: number }) => onReport(e, { elbo: -logs.loss }) } : {}),
      },
    );
  } finally {
    if (typeof wasTraining === 'boolean') flow.training = wasTraining;
    twin?.dispose();
  }
  const { logZ, logZStandardError } = await estimateLogZ(flow, logTarget, logZSamples, deriveSeed(seed, 2_000_003)!);
  return { history: { elbo: result.history.loss.map((l) => -l) }, logZ, logZStandardError, aborted: result.aborted };
}

/** Rows per chunk of the log Z estimate, to bound memory. */
const LOG_Z_CHUNK = 4096;

/**
 * log Z ≈ log mean_i w_i with w_i = p~(x_i) / q(x_i), x_i ~ q, computed in log space
 * (logmeanexp). Its standard error by the delta method: sd(w) / (sqrt(n) mean(w)).
 */
async function estimateLogZ(flow: VariationalFlow, logTarget: (x: tf.Tensor) => tf.Tensor, n: number, seed: number): Promise<{ logZ: number; logZStandardError: number }> {
  const logW = new Float64Array(n);
  for (let start = 0, k = 0; start < n; start += LOG_Z_CHUNK, k++) {
    const size = Math.min(LOG_Z_CHUNK, n - start);
    const lw = tf.tidy(() => {
      const { sample, logProb } = flow.sampleAndLogProb(size, { seed: deriveSeed(seed, k)! });
      return tf.sub(logTarget(sample), logProb);
    });
    logW.set(await lw.data(), start);
    lw.dispose();
  }
  let max = -Infinity;
  for (const v of logW) if (v > max) max = v;
  if (!Number.isFinite(max)) return { logZ: max, logZStandardError: NaN };
  let sum = 0;
  let sumSq = 0;
  for (const v of logW) {
    const w = Math.exp(v - max);
    sum += w;
    sumSq += w * w;
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  return { logZ: max + Math.log(mean), logZStandardError: Math.sqrt(variance / n) / mean };
}
