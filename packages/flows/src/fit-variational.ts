// Variational inference with a flow: fit q to an unnormalized density p~ by maximizing the
// evidence lower bound, on the same training loop as `fit`.
import * as tf from '@tensorflow/tfjs-core';
import { NumericalError, argumentError, checkOptionKeys, checkSeed, deriveSeed, freshSeed, resolveFitOptions, tfjsSeed, trainLoop, type FitOptions, type FitResult } from '@densityjs/core';
import { Flow } from './flow.js';
import { loadFlow, saveFlow } from './save-load.js';

/**
 * An unnormalized log-density log p~(x): a function of [n, D] rows, or anything with logProb.
 * With `context` (conditional flows) it is called with the n context rows of the samples as
 * well: `target(x, context)` or `target.logProb(x, {context})`, i.e. log p~(x | c).
 */
export type VariationalTarget =
  | ((x: tf.Tensor, context?: tf.Tensor) => tf.Tensor)
  | {
      /** log p~(x) of rows x [n, D] (and their context rows), shape [n]. */
      logProb(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
    };

/** What fitVariational trains: a flow that samples and scores its samples in one pass. */
export interface VariationalFlow {
  /** Variables the optimizer updates. */
  readonly trainableVariables: tf.Variable[];
  /** Dimension D of the samples. */
  readonly eventSize?: number;
  /** Size of the conditioning context (0 or undefined: unconditional). */
  readonly contextSize?: number;
  /** Training mode; `fitVariational` switches it off (evaluation mode) while it runs and restores it afterwards. */
  training?: boolean;
  /** Draws x ~ q and log q(x) in one pass, differentiable in the flow's variables. */
  sampleAndLogProb(
    sampleShape?: number | number[],
    opts?: { seed?: number; context?: tf.Tensor },
  ): {
    /** The draw, shape sampleShape + [eventSize]. */
    sample: tf.Tensor;
    /** Its log-density log q(sample), shape sampleShape. */
    logProb: tf.Tensor;
  };
  /** Needed by gradient: 'stl' only. */
  logProb?(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
}

/** Options of {@link fitVariational}: the shared training options that apply plus its own. */
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
  /** Samples of the final log Z estimate. Default 10000; 0 skips it (logZ is then NaN). */
  logZSamples?: number;
  /** Called after every `stepsPerReport` steps with the mean ELBO over them. */
  onReport?: (report: number, logs: { elbo: number }) => void | Promise<void>;
  /**
   * Called with the ELBO estimate of every step (0-based), in step order; the values of a
   * report block are read together, so the calls come after each block of `stepsPerReport`.
   */
  onStep?: (step: number, logs: { elbo: number }) => void | Promise<void>;
  /**
   * Global-norm gradient clipping of every step (`fit`'s option): the gradient is scaled by
   * min(1, clipNorm / ||g||). A finite number > 0. Default: no clipping.
   */
  clipNorm?: number;
  /**
   * Conditional flows (`contextSize` > 0): context rows [m, contextSize]. Each step draws its
   * `samples` context rows from them (uniformly with replacement, seeded), samples q(x | c) at
   * those rows and scores them with the target at the same rows, so the fit minimizes
   * E_c[KL(q(. | c) || p(. | c))] over the rows' distribution. log Z is then estimated as
   * log E_c[Z(c)] over the same rows.
   */
  context?: tf.Tensor;
  /**
   * Outlier damping (default Infinity: none). With a finite scale c the minimized objective is
   * mean_i c asinh(l_i / c), l_i = log q(x_i) - log p~(x_i), instead of mean_i l_i: equal to it
   * while |l_i| << c, monotone in every l_i, but one sample far off the target's support
   * (l_i ~ 1e6, e.g. under a sharply peaked trained density) no longer swamps the gradient of
   * the batch. Meant for normalized targets (l is shifted by log Z otherwise). The reported ELBO
   * stays the plain estimate.
   */
  damping?: number;
  /**
   * Fraction of the steps after which a finite `damping` is released (default 0.5): from
   * round(dampingRelease x steps) on the plain objective is minimized, since a damped outlier is
   * also hidden from the gradient (weight c / |l|) and never unlearned. 1 keeps it throughout.
   */
  dampingRelease?: number;
}

/** What {@link fitVariational} resolves to. */
export interface FitVariationalResult {
  /**
   * Mean ELBO = E_q[log p~(x) - log q(x)] per `stepsPerReport` steps (the last block may be
   * shorter), in nats.
   */
  history: {
    /** One mean ELBO per block of `stepsPerReport` steps, in nats. */
    elbo: number[];
  };
  /**
   * Importance-sampling estimate log Z ≈ log mean_i p~(x_i) / q(x_i), x_i ~ q, from
   * `logZSamples` fresh samples (>= the final ELBO in expectation; exact when q = p / Z).
   */
  logZ: number;
  /** Standard error of logZ (delta method on the importance weights). */
  logZStandardError: number;
  /** True when `signal` aborted the run. */
  aborted: boolean;
}

const KEYS = ['steps', 'samples', 'gradient', 'stepsPerReport', 'logZSamples', 'onReport', 'learningRate', 'finalLearningRate', 'optimizer', 'seed', 'signal', 'divergenceFactor', 'verbose'] as const;

const MORE_KEYS = ['onStep', 'clipNorm', 'context', 'damping', 'dampingRelease'] as const;

type LogTarget = (x: tf.Tensor, context: tf.Tensor | undefined) => tf.Tensor;

function targetLogProb(target: VariationalTarget): LogTarget {
  if (typeof target === 'function') return (x, c) => (c ? target(x, c) : target(x));
  return (x, c) => (c ? target.logProb(x, { context: c }) : target.logProb(x));
}

/**
 * c asinh(l / c) elementwise (l itself for c = Infinity), written with log and sqrt as
 * sign(l) c log(|l|/c + sqrt((l/c)^2 + 1)) (odd, so no cancellation for l < 0).
 */
export function dampedLogRatio(l: tf.Tensor, c: number): tf.Tensor {
  if (!Number.isFinite(c)) return l;
  const a = tf.abs(tf.div(l, c));
  return tf.mul(tf.mul(tf.sign(l), tf.log(tf.add(a, tf.sqrt(tf.add(tf.square(a), 1))))), c);
}

/**
 * A copy of `flow` whose variables mirror the flow's but are not trained: log q scored with it
 * has a gradient to the sample only (the flow's parameters held fixed), the term "sticking the
 * landing" keeps.
 */
async function frozenTwin(owner: string, flow: VariationalFlow): Promise<{ logProb: (x: tf.Tensor, context: tf.Tensor | undefined) => tf.Tensor; dispose: () => void }> {
  if (!(flow instanceof Flow)) throw argumentError(owner, 'flow', "a Flow for gradient: 'stl' (it scores samples with a frozen copy)", flow);
  const twin = loadFlow(await saveFlow(flow));
  const source = flow.trainableVariables;
  const copy = twin.trainableVariables;
  return {
    logProb: (x, c) => {
      copy.forEach((v, i) => v.assign(source[i]!));
      return c ? twin.logProb(x, { context: c }) : twin.logProb(x);
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
 * natural choice for q. The target must be finite wherever q puts mass. Conditional flows fit a
 * conditional target at the rows of `context`; `damping` and `clipNorm` tame targets whose
 * log-density falls off extremely fast (as in `distill`, which is this fit with a teacher
 * flow's log-density as the target).
 */
export async function fitVariational(flow: VariationalFlow, target: VariationalTarget, opts: FitVariationalOptions = {}): Promise<FitVariationalResult> {
  return runVariational('fitVariational', flow, target, opts);
}

/** fitVariational, with `owner` naming the caller in errors (e.g. 'distill'). */
export async function runVariational(owner: string, flow: VariationalFlow, target: VariationalTarget, opts: FitVariationalOptions = {}): Promise<FitVariationalResult> {
  if (!flow || typeof flow.sampleAndLogProb !== 'function' || !Array.isArray(flow.trainableVariables)) {
    throw argumentError(owner, 'flow', 'a trainable flow with sampleAndLogProb (e.g. iaf() or realNVP())', flow);
  }
  if (typeof target !== 'function' && (target === null || typeof target !== 'object' || typeof target.logProb !== 'function')) {
    throw argumentError(owner, 'target', 'a function x => log p~(x) or an object with logProb(x)', target);
  }
  checkOptionKeys(owner, opts, [...KEYS, ...MORE_KEYS]);
  const { steps = 2000, samples = 256, gradient = 'pathwise', stepsPerReport = 50, logZSamples = 10_000, onReport, onStep, context } = opts;
  const positive = (name: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw argumentError(owner, name, 'a positive integer', v);
  };
  positive('steps', steps);
  positive('samples', samples);
  positive('stepsPerReport', stepsPerReport);
  if (typeof logZSamples !== 'number' || !Number.isInteger(logZSamples) || logZSamples < 0) {
    throw argumentError(owner, 'logZSamples', 'a non-negative integer (0: no log Z estimate)', logZSamples);
  }
  if (gradient !== 'pathwise' && gradient !== 'stl') throw argumentError(owner, 'gradient', "'pathwise' or 'stl'", gradient);
  if (onReport !== undefined && typeof onReport !== 'function') throw argumentError(owner, 'onReport', 'a function (report, {elbo}) => void', onReport);
  if (onStep !== undefined && typeof onStep !== 'function') throw argumentError(owner, 'onStep', 'a function (step, {elbo}) => void', onStep);
  if (flow.trainableVariables.length === 0) throw argumentError(owner, 'flow', 'a flow with trainable variables', flow);
  const damping = opts.damping ?? Infinity;
  if (typeof damping !== 'number' || !(damping > 0)) throw argumentError(owner, 'damping', 'a number > 0 (Infinity: no damping)', opts.damping);
  const dampingRelease = opts.dampingRelease ?? 0.5;
  if (typeof dampingRelease !== 'number' || !(dampingRelease >= 0 && dampingRelease <= 1)) {
    throw argumentError(owner, 'dampingRelease', 'a number in [0, 1]', opts.dampingRelease);
  }
  const contextSize = flow.contextSize ?? 0;
  if (contextSize > 0) {
    if (!(context instanceof tf.Tensor) || context.isDisposed || context.rank !== 2 || context.shape[1] !== contextSize || context.shape[0] < 1) {
      throw argumentError(owner, 'context', `a 2-D tensor of shape [m, ${contextSize}] (the flow is conditional)`, context);
    }
  } else if (context !== undefined) {
    throw argumentError(owner, 'context', 'undefined (the flow is unconditional)', context);
  }
  const seed = checkSeed(owner, opts.seed) ?? freshSeed();
  const logTarget = targetLogProb(target);

  const block = Math.min(stepsPerReport, steps);
  // The loop runs whole blocks of steps; `stop` ends it after the last planned step, or when
  // the caller's signal aborts.
  const stop = new AbortController();
  const userSignal = opts.signal;
  const loopOptions: FitOptions = {
    epochs: Math.ceil(steps / block),
    batchSize: 1,
    shuffle: false,
    seed,
    signal: stop.signal,
    ...(opts.optimizer ? { optimizer: opts.optimizer } : {}),
    ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
    ...(opts.finalLearningRate !== undefined ? { finalLearningRate: opts.finalLearningRate } : {}),
    ...(opts.divergenceFactor !== undefined ? { divergenceFactor: opts.divergenceFactor } : {}),
    ...(opts.clipNorm !== undefined ? { clipNorm: opts.clipNorm } : {}),
    ...(opts.verbose !== undefined ? { verbose: opts.verbose } : {}),
  };
  // Every loop option is checked before anything changes.
  resolveFitOptions(owner, { ...loopOptions, ...(userSignal !== undefined ? { signal: userSignal } : {}) });
  const releaseStep = Number.isFinite(damping) && dampingRelease < 1 ? Math.round(dampingRelease * steps) : Infinity;
  const twin = gradient === 'stl' ? await frozenTwin(owner, flow) : undefined;
  let step = 0;
  let probed = false;
  // Per-step ELBO estimates still on the device, read once per block.
  let pending: tf.Scalar[] = [];
  const elbos: number[] = [];
  const history: number[] = [];
  const readPending = async (): Promise<void> => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    tf.dispose(pending);
    pending = [];
    const values = Array.from(await stacked.data());
    stacked.dispose();
    let sum = 0;
    for (const v of values) {
      if (!Number.isFinite(v)) {
        throw new NumericalError(`${owner}: the ELBO estimate became ${v} at step ${elbos.length}; try a lower learningRate or clipNorm`, {
          epoch: Math.floor(elbos.length / block),
          step: elbos.length % block,
          loss: -v,
          restoredEpoch: -1,
          restoredLoss: NaN,
        });
      }
      sum += v;
      if (onStep) await onStep(elbos.length, { elbo: v });
      elbos.push(v);
    }
    history.push(sum / values.length);
    if (onReport) await onReport(history.length - 1, { elbo: history.at(-1)! });
  };
  const abortOnUserSignal = (): void => stop.abort();
  if (userSignal?.aborted) stop.abort();
  userSignal?.addEventListener('abort', abortOnUserSignal);
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
          // The loop's first call is its shape probe (no step): it reuses step 0's draw.
          const probe = !probed;
          probed = true;
          const k = step;
          const stepSeed = deriveSeed(seed, k)!;
          let ctx: tf.Tensor | undefined;
          if (context) ctx = tf.gather(context, tf.randomUniform([samples], 0, context.shape[0], 'int32', tfjsSeed(deriveSeed(stepSeed, 1))));
          const { sample, logProb } = flow.sampleAndLogProb(samples, ctx ? { seed: stepSeed, context: ctx } : { seed: stepSeed });
          const logP = logTarget(sample, ctx);
          const logQ = twin ? twin.logProb(sample, ctx) : logProb;
          if (!probe) {
            pending.push(tf.keep(tf.mean(tf.sub(logP, logProb))) as tf.Scalar);
            step++;
            if (step >= steps) stop.abort();
          }
          return tf.mean(dampedLogRatio(tf.sub(logQ, logP), k < releaseStep ? damping : Infinity)) as tf.Scalar;
        },
      },
      { ...loopOptions, onEpochEnd: readPending },
    );
    // The steps of a block the loop left early (the last one, or an abort).
    await readPending();
  } finally {
    userSignal?.removeEventListener('abort', abortOnUserSignal);
    tf.dispose(pending);
    if (typeof wasTraining === 'boolean') flow.training = wasTraining;
    twin?.dispose();
  }
  const { logZ, logZStandardError } =
    logZSamples > 0 ? await estimateLogZ(flow, logTarget, logZSamples, deriveSeed(seed, 2_000_003)!, context) : { logZ: NaN, logZStandardError: NaN };
  return { history: { elbo: history }, logZ, logZStandardError, aborted: result.aborted && userSignal?.aborted === true };
}

/** Rows per chunk of the log Z estimate, to bound memory. */
const LOG_Z_CHUNK = 4096;

/**
 * log Z ≈ log mean_i w_i with w_i = p~(x_i) / q(x_i), x_i ~ q, computed in log space
 * (logmeanexp). Its standard error by the delta method: sd(w) / (sqrt(n) mean(w)).
 */
async function estimateLogZ(
  flow: VariationalFlow,
  logTarget: LogTarget,
  n: number,
  seed: number,
  context: tf.Tensor | undefined,
): Promise<{ logZ: number; logZStandardError: number }> {
  const logW = new Float64Array(n);
  for (let start = 0, k = 0; start < n; start += LOG_Z_CHUNK, k++) {
    const size = Math.min(LOG_Z_CHUNK, n - start);
    const lw = tf.tidy(() => {
      const chunkSeed = deriveSeed(seed, k)!;
      const ctx = context ? tf.gather(context, tf.randomUniform([size], 0, context.shape[0], 'int32', tfjsSeed(deriveSeed(chunkSeed, 1)))) : undefined;
      const { sample, logProb } = flow.sampleAndLogProb(size, ctx ? { seed: chunkSeed, context: ctx } : { seed: chunkSeed });
      return tf.sub(logTarget(sample, ctx), logProb);
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
