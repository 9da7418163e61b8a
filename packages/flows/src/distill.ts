// Probability density distillation (van den Oord et al. 2018, "Parallel WaveNet"): a student
// that samples in one pass (IAF) learns to imitate a teacher that scores in one pass (MAF).
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, deriveSeed, registerGradients, resolveFitOptions } from '@densityjs/core';

export interface DistillStudent {
  readonly trainableVariables: tf.Variable[];
  readonly contextSize?: number;
  training?: boolean;
  sampleAndLogProb(sampleShape?: number | number[], opts?: { seed?: number; context?: tf.Tensor }): { sample: tf.Tensor; logProb: tf.Tensor };
}

export interface DistillTeacher {
  readonly contextSize?: number;
  training?: boolean;
  logProb(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
}

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
  signal?: AbortSignal;
}

export interface DistillResult {
  /** Per step: the Monte Carlo estimate mean_i [log q(x_i) - log p(x_i)], x_i ~ q. */
  history: { kl: number[] };
  aborted: boolean;
}

/** KL estimates are read back in groups this size (one device sync per group). */
const READ_EVERY = 20;

/**
 * Minimizes KL(q || p) = E_{x~q}[log q(x) - log p(x)] over the student's variables only.
 *
 * Each step draws x = f(z), z ~ N(0, I) from the student together with log q(x) in the same
 * pass (`sampleAndLogProb`: for an IAF the noise z is known, so no inverse is needed — the
 * "cached" density of the seed), scores x under the frozen teacher, and takes a gradient step
 * on the reparameterized estimate mean(log q(x) - log p(x)). The estimate is an unbiased KL
 * estimate up to the minibatch noise (it is >= 0 only in expectation).
 */
export async function distill(opts: DistillOptions): Promise<DistillResult> {
  const owner = 'distill';
  if (opts === null || typeof opts !== 'object') throw argumentError(owner, 'options', 'an object', opts);
  const { teacher, student, context, onStep } = opts;
  if (!teacher || typeof teacher.logProb !== 'function') throw argumentError(owner, 'teacher', 'a distribution with logProb (e.g. a trained maf())', teacher);
  if (!student || typeof student.sampleAndLogProb !== 'function' || !Array.isArray(student.trainableVariables)) {
    throw argumentError(owner, 'student', 'a trainable flow with sampleAndLogProb (e.g. iaf())', student);
  }
  if ((teacher as object) === (student as object)) throw argumentError(owner, 'student', 'a different object than teacher', 'the teacher itself');
  const steps = opts.steps ?? 1000;
  if (!Number.isInteger(steps) || steps < 1) throw argumentError(owner, 'steps', 'a positive integer', opts.steps);
  // Shared option checks (batchSize, learningRate vs optimizer, seed, signal).
  const resolved = resolveFitOptions(owner, {
    batchSize: opts.batchSize,
    learningRate: opts.learningRate,
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
  if (variables.length === 0) throw new Error(`${owner}: the student has no trainable variables`);
  if (variables.some((v) => teacherVars.has(v))) throw new Error(`${owner}: the student shares variables with the teacher`);
  registerGradients();

  const batchSize = resolved.batchSize;
  const seed = resolved.seed;
  const ownsOptimizer = opts.optimizer === undefined;
  const optimizer = opts.optimizer ?? tf.train.adam(opts.learningRate ?? 1e-3);
  const teacherWasTraining = teacher.training;
  const studentWasTraining = student.training;
  // Teacher frozen (evaluation mode, never in the var list); student BatchNorms use their
  // running statistics in the sampling direction anyway.
  if (typeof teacher.training === 'boolean') teacher.training = false;
  if (typeof student.training === 'boolean') student.training = false;

  const history: number[] = [];
  let pending: tf.Scalar[] = [];
  let aborted = false;
  const flush = async (firstStep: number): Promise<void> => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    tf.dispose(pending);
    pending = [];
    const values = Array.from(await stacked.data());
    stacked.dispose();
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (!Number.isFinite(v)) {
        throw new Error(
          `${owner}: the KL estimate became ${v} at step ${firstStep + k}; try a lower learningRate ` +
            '(the student may sample where the teacher has ~zero density)',
        );
      }
      history.push(v);
      if (onStep) await onStep(firstStep + k, { kl: v });
    }
  };

  try {
    let firstPending = 0;
    for (let step = 0; step < steps; step++) {
      if (resolved.signal?.aborted) {
        aborted = true;
        break;
      }
      const stepSeed = deriveSeed(seed, step)!;
      const cost = optimizer.minimize(
        () =>
          tf.tidy(() => {
            let c: tf.Tensor | undefined;
            if (context) {
              const idx = tf.randomUniform([batchSize], 0, context.shape[0], 'int32', deriveSeed(stepSeed, 1));
              c = tf.gather(context, idx);
            }
            const { sample, logProb } = student.sampleAndLogProb(batchSize, c ? { seed: stepSeed, context: c } : { seed: stepSeed });
            const teacherLogProb = teacher.logProb(sample, c ? { context: c } : {});
            return tf.mean(tf.sub(logProb, teacherLogProb)) as tf.Scalar;
          }),
        true,
        variables,
      );
      if (pending.length === 0) firstPending = step;
      pending.push(cost!);
      if (pending.length >= READ_EVERY) await flush(firstPending);
    }
    await flush(firstPending);
  } finally {
    tf.dispose(pending);
    if (ownsOptimizer) optimizer.dispose();
    if (typeof teacherWasTraining === 'boolean') teacher.training = teacherWasTraining;
    if (typeof studentWasTraining === 'boolean') student.training = studentWasTraining;
  }
  return { history: { kl: history }, aborted };
}
