// Probability density distillation (van den Oord et al. 2018, "Parallel WaveNet"): a student
// that samples in one pass (IAF) learns to imitate a teacher that scores in one pass (MAF).
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys, deriveSeed, raw, registerGradients, resolveFitOptions, tfjsSeed, trainLoop } from '@densityjs/core';
import type { Bijector } from '@densityjs/bijectors';
import { runVariational, type VariationalFlow, type VariationalTarget } from './fit-variational.js';
import { matchOutputMoments } from './match-output-moments.js';

/**
 * What {@link distill} trains: a flow that samples and scores its samples in one pass (an IAF),
 * the same contract as fitVariational's flow, since distill's reverse-KL phase is fitVariational.
 */
export type DistillStudent = VariationalFlow;

/** The density {@link distill} imitates (normally a trained MAF); it is not changed. */
export interface DistillTeacher {
  /** Size of the conditioning context (0 or undefined: unconditional). */
  readonly contextSize?: number;
  /** Training mode; `distill` switches it off (evaluation mode) while it runs and restores it afterwards. */
  training?: boolean;
  /** log p(x) of the student's samples. */
  logProb(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
}

/** Options of {@link distill}. */
export interface DistillOptions {
  /** The frozen density p (normally a trained MAF). Only its logProb is used. */
  teacher: DistillTeacher;
  /** The trained density q (normally an IAF): sampleAndLogProb must be one pass. */
  student: DistillStudent;
  /** Optimizer steps. Default 1000. */
  steps?: number;
  /** Student samples per step. Default 256. */
  batchSize?: number;
  /** Learning rate of the default Adam. Default 1e-3. Not with `optimizer`. */
  learningRate?: number;
  /** Any tfjs optimizer; the caller keeps ownership. Default: Adam. */
  optimizer?: tf.Optimizer;
  /** Seeds the student's samples (step k uses deriveSeed(seed, k)). */
  seed?: number;
  /**
   * Conditional flows: context rows [m, contextSize]; each step draws `batchSize` of them
   * (with replacement, seeded) and samples the student at those contexts.
   */
  context?: tf.Tensor;
  /** Called after each step with the KL estimate of that step (in nats), in step order. */
  onStep?: (step: number, logs: { kl: number }) => void | Promise<void>;
  /** Checked between steps; when aborted, `distill` resolves with the history so far. */
  signal?: AbortSignal;
  /**
   * Data-dependent initialization before the first step (default true): the student's
   * data-side affine layer is set so its samples match the mean and standard deviation of
   * 4096 teacher samples (supported for maf/iaf students; others are left as they are).
   * Without it a fresh student samples N(0, I), where a trained teacher's log-density can be
   * astronomically low (e.g. -1e12 nats for a MAF trained on data of scale 0.1), and the KL
   * gradient is useless. Set false to continue distilling an already trained student.
   */
  initialize?: boolean;
  /**
   * Forward-KL warm-up steps before the reverse-KL steps (default round(0.4 steps)): the
   * student is fitted by maximum likelihood to teacher samples (E_{x~p}[-log q(x)], mass
   * covering), which brings its samples onto the teacher's support; the reverse KL then
   * refines it. Reverse KL from scratch is mode-seeking and, far from the support, its
   * per-sample terms are so large (a trained MAF's log-density falls off extremely fast) that
   * training stalls. Costs D passes per layer per step for an IAF student (its density
   * direction). 0 disables it.
   */
  warmup?: number;
  /**
   * Scale c (nats) of the outlier damping of the minimized objective mean(c asinh(l / c)),
   * l = log q(x) - log p(x) per sample (default 20; Infinity minimizes the plain estimate).
   */
  damping?: number;
  /**
   * Global-norm gradient clipping of the reverse-KL steps (default 10; Infinity disables it):
   * grads are scaled by min(1, clipNorm / ||g||) before the update. Keeps the steps bounded
   * when the damping is released (see `dampingRelease`) and a rare far-tail sample has a huge
   * log-ratio gradient.
   */
  clipNorm?: number;
  /**
   * Fraction of the reverse-KL steps after which the damping is released (default 0.5): from
   * there the plain estimate mean(l) is minimized (with gradient clipping). Damping a far-tail
   * sample also hides it from the gradient (its weight is c/|l|), so a damped student never
   * learns to stop producing those samples, and they dominate the teacher NLL of its samples.
   * 1 keeps the damping throughout.
   */
  dampingRelease?: number;
  /**
   * Cosine decay (core's `cosineDecay`) of the default Adam's learning rate over the
   * reverse-KL steps, from `learningRate` to `finalLearningRate` (default learningRate / 10),
   * as `fit`'s option of the same name. Not with `optimizer` (a custom optimizer keeps its own
   * schedule).
   */
  finalLearningRate?: number;
}

const DISTILL_KEYS = [
  'teacher', 'student', 'steps', 'batchSize', 'learningRate', 'optimizer', 'seed', 'context', 'onStep', 'signal',
  'initialize', 'warmup', 'damping', 'clipNorm', 'dampingRelease', 'finalLearningRate',
] as const;

/** What {@link distill} resolves to. */
export interface DistillResult {
  /**
   * `kl` per step: the Monte Carlo estimate mean_i [log q(x_i) - log p(x_i)], x_i ~ q;
   * `warmupNll` per warm-up epoch: the student's mean NLL of teacher samples.
   */
  history: {
    /** Reverse-KL estimate of each step, in nats. */
    kl: number[];
    /** Mean NLL of the teacher samples per warm-up epoch (when there was a warm-up). */
    warmupNll?: number[];
  };
  /** True when `signal` aborted the run. */
  aborted: boolean;
}

/** Matches the student's output moments to teacher samples (see DistillOptions.initialize). */
async function initializeStudent(teacher: DistillTeacher, student: DistillStudent, context: tf.Tensor | undefined, seed: number): Promise<void> {
  const t = teacher as { sample?: (n: number, o?: { seed?: number; context?: tf.Tensor }) => tf.Tensor };
  const bijector = (student as { bijector?: Bijector }).bijector;
  if (typeof t.sample !== 'function' || !bijector) return;
  const n = 4096;
  const moments = tf.tidy(() => {
    const c = context ? tf.gather(context, tf.randomUniform([n], 0, context.shape[0], 'int32', tfjsSeed(seed))) : undefined;
    const x = t.sample!(n, c ? { seed, context: c } : { seed });
    const { mean, variance } = tf.moments(x, 0);
    return tf.stack([mean, tf.sqrt(variance)]);
  });
  const values = Array.from(await moments.data());
  moments.dispose();
  const d = values.length / 2;
  if (!values.every(Number.isFinite)) return;
  matchOutputMoments(bijector, values.slice(0, d), values.slice(d));
}

/** Maximum likelihood of the student on a pool of teacher samples (see DistillOptions.warmup). */
async function warmUp(
  teacher: DistillTeacher,
  student: DistillStudent,
  context: tf.Tensor | undefined,
  steps: number,
  batchSize: number,
  seed: number,
  opts: DistillOptions,
): Promise<number[]> {
  const t = teacher as { sample?: (n: number, o?: { seed?: number; context?: tf.Tensor }) => tf.Tensor };
  const s = student as { logProb?: (x: tf.Tensor, o?: { context?: tf.Tensor }) => tf.Tensor };
  const poolSize = Math.min(steps * batchSize, 16384);
  const poolSeed = deriveSeed(seed, 1_000_007)!;
  const [pool, poolContext] = tf.tidy(() => {
    const c = context ? tf.gather(context, tf.randomUniform([poolSize], 0, context.shape[0], 'int32', tfjsSeed(poolSeed))) : undefined;
    const x = t.sample!(poolSize, c ? { seed: poolSeed, context: c } : { seed: poolSeed });
    return [x, c] as const;
  });
  try {
    const stepsPerEpoch = Math.ceil(poolSize / batchSize);
    const result = await trainLoop(
      {
        owner: 'distill (warm-up)',
        variables: student.trainableVariables,
        numExamples: poolSize,
        batchLoss: (idx) => {
          const x = tf.gather(pool, idx);
          const c = poolContext ? tf.gather(poolContext, idx) : undefined;
          return tf.neg(tf.mean(s.logProb!(x, c ? { context: c } : {}))) as tf.Scalar;
        },
      },
      {
        epochs: Math.max(1, Math.round(steps / stepsPerEpoch)),
        batchSize,
        seed,
        ...(opts.optimizer ? { optimizer: opts.optimizer } : { learningRate: opts.learningRate ?? 1e-3 }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    return result.history.loss;
  } finally {
    tf.dispose([pool, poolContext]);
  }
}

/** KL estimates are read back in groups this size (one device sync per group). */
const READ_EVERY = 20;

/** The teacher as fitVariational's target: log p(x), at the student's context rows if any. */
function teacherTarget(teacher: DistillTeacher): VariationalTarget {
  return { logProb: (x, o) => (o?.context ? teacher.logProb(x, { context: o.context }) : teacher.logProb(x, {})) };
}

/**
 * Minimizes KL(q || p) = E_{x~q}[log q(x) - log p(x)] over the student's variables only.
 *
 * Each step draws x = f(z), z ~ N(0, I) from the student together with log q(x) in the same
 * pass (`sampleAndLogProb`: for an IAF the noise z is known, so no inverse is needed — the
 * "cached" density of the seed), scores x under the frozen teacher, and takes a gradient step
 * on the reparameterized estimate mean(log q(x) - log p(x)). The estimate is an unbiased KL
 * estimate up to the minibatch noise (it is >= 0 only in expectation).
 *
 * These reverse-KL steps are `fitVariational` with the teacher's log-density as the target
 * (normalized, so the KL is minus the ELBO): the same training loop, with distill's damping
 * and gradient clipping; before them come the data-dependent initialization and the forward-KL
 * warm-up described in DistillOptions.
 */
export async function distill(opts: DistillOptions): Promise<DistillResult> {
  const owner = 'distill';
  if (opts === null || typeof opts !== 'object') throw argumentError(owner, 'options', 'an object', opts);
  checkOptionKeys(owner, opts, DISTILL_KEYS);
  const { teacher, student, context, onStep } = opts;
  if (!teacher || typeof teacher.logProb !== 'function') throw argumentError(owner, 'teacher', 'a distribution with logProb (e.g. a trained maf())', teacher);
  if (!student || typeof student.sampleAndLogProb !== 'function' || !Array.isArray(student.trainableVariables)) {
    throw argumentError(owner, 'student', 'a trainable flow with sampleAndLogProb (e.g. iaf())', student);
  }
  if ((teacher as object) === (student as object)) throw argumentError(owner, 'student', 'a different object than teacher', 'the teacher itself');
  const steps = opts.steps ?? 1000;
  if (!Number.isInteger(steps) || steps < 1) throw argumentError(owner, 'steps', 'a positive integer', opts.steps);
  // Shared option checks (batchSize, learningRate and its schedule vs optimizer, seed, signal).
  const resolved = resolveFitOptions(owner, {
    batchSize: opts.batchSize,
    learningRate: opts.learningRate,
    finalLearningRate: opts.finalLearningRate,
    optimizer: opts.optimizer,
    seed: opts.seed,
    signal: opts.signal,
  });
  if (onStep !== undefined && typeof onStep !== 'function') throw argumentError(owner, 'onStep', 'a function (step, {kl}) => void', onStep);
  const contextSize = student.contextSize ?? 0;
  if ((teacher.contextSize ?? 0) !== contextSize) {
    throw argumentError(owner, 'student', `a flow with the teacher's contextSize ${teacher.contextSize ?? 0}`, `\u0000contextSize ${contextSize}`);
  }
  if (contextSize > 0) {
    if (!(context instanceof tf.Tensor) || context.rank !== 2 || context.shape[1] !== contextSize || context.shape[0] < 1) {
      throw argumentError(owner, 'context', `a 2-D tensor of shape [m, ${contextSize}] (the flows are conditional)`, context);
    }
  } else if (context !== undefined) {
    throw argumentError(owner, 'context', 'undefined (the flows are unconditional)', context);
  }
  const variables = student.trainableVariables;
  const teacherVars = new Set((teacher as { trainableVariables?: tf.Variable[] }).trainableVariables ?? []);
  if (variables.length === 0) throw argumentError(owner, 'student', 'a flow with trainable variables', student);
  if (variables.some((v) => teacherVars.has(v))) {
    throw argumentError(owner, 'student', 'a flow that shares no variables with the teacher', raw('a student that shares variables with the teacher'));
  }
  registerGradients();

  const batchSize = resolved.batchSize;
  const seed = resolved.seed;
  if (opts.initialize !== undefined && typeof opts.initialize !== 'boolean') throw argumentError(owner, 'initialize', 'a boolean', opts.initialize);
  const damping = opts.damping ?? 20;
  if (typeof damping !== 'number' || !(damping > 0)) throw argumentError(owner, 'damping', 'a number > 0 (Infinity: the plain KL)', opts.damping);
  const warmup = opts.warmup ?? Math.round(0.4 * steps);
  if (!Number.isInteger(warmup) || warmup < 0) throw argumentError(owner, 'warmup', 'a non-negative integer', opts.warmup);
  // Checked here, before the initialization changes the student, so a refused call changes nothing.
  if (warmup > 0 && typeof (teacher as { sample?: unknown }).sample !== 'function') {
    throw argumentError(owner, 'teacher', 'a distribution with sample() for a warmup (pass warmup: 0 otherwise)', teacher);
  }
  if (warmup > 0 && typeof (student as { logProb?: unknown }).logProb !== 'function') {
    throw argumentError(owner, 'student', 'a flow with logProb() for a warmup (pass warmup: 0 otherwise)', student);
  }
  const clipNorm = opts.clipNorm ?? 10;
  if (typeof clipNorm !== 'number' || !(clipNorm > 0)) throw argumentError(owner, 'clipNorm', 'a number > 0 (Infinity: no clipping)', opts.clipNorm);
  const dampingRelease = opts.dampingRelease ?? 0.5;
  if (typeof dampingRelease !== 'number' || !(dampingRelease >= 0 && dampingRelease <= 1)) {
    throw argumentError(owner, 'dampingRelease', 'a number in [0, 1]', opts.dampingRelease);
  }
  if (opts.initialize ?? true) await initializeStudent(teacher, student, context, deriveSeed(seed, 1_000_003)!);
  let warmupNll: number[] | undefined;
  if (warmup > 0) {
    warmupNll = await warmUp(teacher, student, context, warmup, batchSize, seed, opts);
  }
  const baseLr = opts.learningRate ?? 1e-3;
  const teacherWasTraining = teacher.training;
  // Teacher frozen (evaluation mode, never in the var list); fitVariational puts the student in
  // evaluation mode too (its BatchNorms use their running statistics when sampling anyway).
  if (typeof teacher.training === 'boolean') teacher.training = false;
  const history: number[] = [];
  let aborted: boolean;
  try {
    // The reverse KL is fitVariational's negative ELBO with the (normalized) teacher as target.
    const res = await runVariational(owner, student, teacherTarget(teacher), {
      steps,
      samples: batchSize,
      stepsPerReport: READ_EVERY,
      logZSamples: 0,
      seed,
      damping,
      dampingRelease,
      // The plain KL may jump when the damping is released: no divergence guard, only the
      // check for non-finite estimates.
      divergenceFactor: Infinity,
      ...(Number.isFinite(clipNorm) ? { clipNorm } : {}),
      ...(opts.optimizer ? { optimizer: opts.optimizer } : { learningRate: baseLr, finalLearningRate: opts.finalLearningRate ?? baseLr / 10 }),
      ...(context ? { context } : {}),
      ...(resolved.signal ? { signal: resolved.signal } : {}),
      onStep: async (k, { elbo }) => {
        history.push(-elbo);
        if (onStep) await onStep(k, { kl: -elbo });
      },
    });
    aborted = res.aborted;
  } finally {
    if (typeof teacherWasTraining === 'boolean') teacher.training = teacherWasTraining;
  }
  return { history: warmupNll ? { kl: history, warmupNll } : { kl: history }, aborted };
}
