// The exponential moving average of the weights that trainLoop ends every epoch with
// (`emaMomentum`).
import * as tf from '@tensorflow/tfjs-core';

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
 */
export class WeightAverage {
  private sums: tf.Tensor[];
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
    this.sums = variables.map((v) => tf.keep(tf.zerosLike(v)));
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
    const next = tf.tidy(() => this.variables.map((v, i) => tf.add(tf.mul(this.sums[i]!, b), tf.mul(v, 1 - b))));
    tf.dispose(this.sums);
    this.sums = next;
    this.steps++;
  }

  /** Puts the average into the variables, keeping the iterates; no-op before the first step or when swapped in. */
  swapIn(): void {
    if (this.steps === 0 || this.raw) return;
    this.raw = this.variables.map((v) => tf.clone(v));
    const correction = 1 / (1 - Math.pow(this.momentum, this.steps));
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.mul(this.sums[i]!, correction))));
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
    tf.dispose(this.sums);
    tf.dispose(this.raw ?? []);
    this.sums = [];
    this.raw = undefined;
  }
}
