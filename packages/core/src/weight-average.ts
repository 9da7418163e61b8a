// The exponential moving average of the weights that trainLoop ends every epoch with
// (`emaMomentum`).
import * as tf from '@tensorflow/tfjs-core';
import { directKernelsActive } from './kernels/direct-backend.js';
import { registerWeightAverageKernel, WEIGHT_AVERAGE_KERNEL } from './kernels/weight-average-kernel.js';

/**
 * Exponential moving average of variables over optimizer steps (Polyak averaging with
 * exponential weights, as Keras' `use_ema`), bias-corrected as Adam's moments: after steps
 * 1..t with iterates w_1..w_t,
 *
 *   s_t = β s_{t-1} + (1 - β) w_t,  s_0 = 0,    average_t = s_t / (1 - β^t),
 *
 * so the average is sum_k β^(t-k) w_k / sum_k β^(t-k): a weighted mean of the iterates alone
 * (the starting values are not in it), over the last ~1 / (1 - β) steps. After one step it is
 * w_1. Averaging removes most of the step-to-step noise of the iterates at a constant learning
 * rate without slowing the descent much.
 *
 * `swapIn` puts the average into the variables and keeps the iterates aside; `swapOut` puts
 * the iterates back (training continues from them); `finish` leaves the average in place.
 *
 * The sums of all variables live in one flat vector, so an update is one kernel on cpu and wasm
 * (and one concatenation plus three elementwise kernels elsewhere), whatever the number of
 * variables.
 */
export class WeightAverage {
  /** s_t of every variable, flattened and concatenated in the variables' order. */
  private sums: tf.Tensor1D;
  private steps = 0;
  private raw: tf.Tensor[] | undefined;

  /**
   * @param variables The variables whose iterates are averaged.
   * @param momentum β in [0, 1): weight of the running sum in each update.
   */
  constructor(
    private readonly variables: tf.Variable[],
    /** β in [0, 1): weight of the running sum in each update. */
    readonly momentum: number,
  ) {
    this.sums = tf.keep(tf.zeros([variables.reduce((n, v) => n + v.size, 0)]));
  }

  /** Optimizer steps averaged so far. */
  get count(): number {
    return this.steps;
  }

  /** True while the variables hold the average (the iterates are kept aside). */
  get swapped(): boolean {
    return this.raw !== undefined;
  }

  /** Folds the variables' current values (the iterate after a step) into the average. */
  update(): void {
    const b = this.momentum;
    const vars = this.variables;
    const next = tf.tidy(() => {
      if (directKernelsActive()) {
        registerWeightAverageKernel();
        const inputs: tf.NamedTensorMap = { sums: this.sums };
        vars.forEach((v, i) => (inputs[`p${i}`] = v));
        return tf.engine().runKernel(WEIGHT_AVERAGE_KERNEL, inputs, { momentum: b, count: vars.length }) as tf.Tensor1D;
      }
      const flat = vars.length === 1 ? tf.reshape(vars[0]!, [-1]) : tf.concat(vars.map((v) => tf.reshape(v, [-1])));
      return tf.add(tf.mul(this.sums, b), tf.mul(flat, 1 - b)) as tf.Tensor1D;
    });
    this.sums.dispose();
    this.sums = next;
    this.steps++;
  }

  /** Puts the average into the variables, keeping the iterates; no-op before the first step or when swapped in. */
  swapIn(): void {
    if (this.steps === 0 || this.raw) return;
    this.raw = this.variables.map((v) => tf.clone(v));
    const correction = 1 / (1 - Math.pow(this.momentum, this.steps));
    tf.tidy(() => {
      const average = tf.mul(this.sums, correction);
      const parts = this.variables.length === 1 ? [average] : tf.split(average, this.variables.map((v) => v.size));
      this.variables.forEach((v, i) => v.assign(tf.reshape(parts[i]!, v.shape)));
    });
  }

  /** Puts the iterates back into the variables (after `swapIn`). */
  swapOut(): void {
    if (!this.raw) return;
    this.variables.forEach((v, i) => v.assign(this.raw![i]!));
    tf.dispose(this.raw);
    this.raw = undefined;
  }

  /** Leaves the average in the variables (swapping it in if needed) and drops the iterates. */
  finish(): void {
    this.swapIn();
    tf.dispose(this.raw ?? []);
    this.raw = undefined;
  }

  /** Frees the sums and any kept iterates (the variables keep whatever they hold). */
  dispose(): void {
    this.sums.dispose();
    tf.dispose(this.raw ?? []);
    this.raw = undefined;
  }
}
