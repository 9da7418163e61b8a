import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';
import { ParameterSet } from './parameter.js';

/** Options of {@link BatchNormalization}. */
export interface BatchNormalizationOptions extends BijectorBaseOptions {
  /** Event size D (the number of normalized features, last axis). */
  eventSize: number;
  /**
   * Weight of the old running statistics in the moving average,
   * `running <- momentum * running + (1 - momentum) * batch` (default 0.05: the flows tutorial's
   * `decay = 0.95`, whose update `running -= decay * (running - batch)` is the same average).
   */
  momentum?: number;
  /** Added to variances before the square root (default 1e-5). */
  epsilon?: number;
  /** Start in training mode (default true). Switch with `bn.training = false`. */
  training?: boolean;
}

/**
 * Batch normalization as a bijector (Dinh et al. 2017, sec. 3.7; Papamakarios et al. 2017,
 * eq. 22), as in the normalizing-flows tutorial (part 2). The density direction (inverse,
 * data y -> base u) normalizes and then scales and shifts with learnable `gamma` (a log-scale)
 * and `beta`:
 *
 *     u = (y - m) / sqrt(v + eps) * exp(gamma) + beta,
 *     log|det J^{-1}| = sum_i (gamma_i - log(v_i + eps) / 2).
 *
 * In training mode (m, v) are the mean and variance of the current batch (over every axis but
 * the last) and each inverse call updates the running statistics by an exponential moving
 * average; in evaluation mode (m, v) are the running statistics. The forward (sampling) pass
 * always uses the running statistics, `y = (u - beta) exp(-gamma) sqrt(v + eps) + m`. In
 * evaluation mode both directions use the same statistics and are exact inverses.
 *
 * In training mode the batch statistics couple the examples of a batch: the map is then not an
 * elementwise-in-batch bijection (log-dets are per batch, broadcast to every example). A batch
 * of a single row (fewer than `MIN_BATCH_ROWS`) has no variance to estimate: it uses the
 * running statistics and leaves them unchanged. Running statistics only absorb finite batch
 * statistics: a feature whose batch mean or variance is NaN or infinite keeps its old values.
 */
export class BatchNormalization extends Bijector {
  /**
   * Fewest rows (batch elements) a training-mode batch needs for batch statistics; smaller
   * batches are normalized with the running statistics and do not update them. The training
   * loop never forms such batches: it merges a too-small last batch into the one before.
   */
  static readonly MIN_BATCH_ROWS = 2;
  /** Learnable log-scale, shape [D]. */
  readonly gamma: tf.Variable;
  /** Learnable shift, shape [D]. */
  readonly beta: tf.Variable;
  /** Running mean (not trainable), shape [D]. */
  readonly movingMean: tf.Variable;
  /** Running variance (not trainable), shape [D]. */
  readonly movingVariance: tf.Variable;
  /** Weight of the old running statistics in each update: new = momentum · old + (1 - momentum) · batch. */
  readonly momentum: number;
  /** eps added to the variance before the square root. */
  readonly epsilon: number;
  private _training: boolean;
  private readonly params = new ParameterSet();

  constructor(opts: BatchNormalizationOptions) {
    const name = opts?.name ?? 'BatchNormalization';
    checkOptionKeys(name, opts, ['eventSize', 'momentum', 'epsilon', 'training', 'name']);
    const d = opts?.eventSize;
    if (!Number.isInteger(d) || d < 1) throw argumentError(name, 'eventSize', 'a positive integer', d);
    const momentum = opts.momentum ?? 0.05;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw argumentError(name, 'momentum', 'in [0, 1)', opts.momentum);
    const epsilon = opts.epsilon ?? 1e-5;
    if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon < Infinity)) throw argumentError(name, 'epsilon', '> 0', opts.epsilon);
    super({ eventNdims: 1, eventSize: d, name });
    this.momentum = momentum;
    this.epsilon = epsilon;
    if (opts.training !== undefined && typeof opts.training !== 'boolean') throw argumentError(name, 'training', 'a boolean', opts.training);
    this._training = opts.training ?? true;
    this.gamma = this.params.variable(tf.zeros([d]), 'bn_gamma');
    this.beta = this.params.variable(tf.zeros([d]), 'bn_beta');
    this.movingMean = this.params.state(tf.zeros([d]), 'bn_moving_mean');
    this.movingVariance = this.params.state(tf.ones([d]), 'bn_moving_variance');
  }

  override get trainableVariables(): tf.Variable[] {
    return this.params.trainableVariables;
  }

  /** The running mean and variance. */
  override get nonTrainableVariables(): tf.Variable[] {
    return [this.movingMean, this.movingVariance];
  }

  /** Batch statistics (and running-average updates) in the density direction when true. */
  override get training(): boolean {
    return this._training;
  }

  override set training(value: boolean) {
    if (typeof value !== 'boolean') throw argumentError(this.name, 'training', 'a boolean', value);
    this._training = value;
  }

  override dispose(): void {
    this.params.dispose();
  }

  /** log|det J^{-1}| for variance v, broadcast to the batch shape. */
  private inverseLogDet(variance: tf.Tensor, batchShape: number[]): tf.Tensor {
    // tf.broadcastTo of a scalar to an empty shape gives [1]; an empty batch has empty log-dets.
    if (batchShape.includes(0)) return tf.zeros(batchShape);
    const ld = tf.sum(tf.sub(this.gamma, tf.mul(tf.log(tf.add(variance, this.epsilon)), 0.5)));
    return batchShape.length ? tf.broadcastTo(ld, batchShape) : ld;
  }

  protected _inverseAndLogDet(y: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    const batchShape = y.shape.slice(0, -1);
    let mean: tf.Tensor = this.movingMean;
    let variance: tf.Tensor = this.movingVariance;
    const rows = batchShape.reduce((a, b) => a * b, 1);
    // One row has no variance to estimate: such a batch (and an empty one) uses the running
    // statistics and leaves them unchanged, as evaluation mode does.
    if (this.training && rows >= BatchNormalization.MIN_BATCH_ROWS) {
      const axes = batchShape.map((_, i) => i);
      const moments = tf.moments(y, axes);
      mean = moments.mean;
      variance = moments.variance;
      // EMA of the statistics; the assigned values are new tensors the variables keep. A
      // feature whose batch mean or variance is not finite (a NaN or infinite row) keeps its
      // old running statistics, so one bad batch cannot poison evaluation mode for good.
      const keep = this.momentum;
      const finite = tf.logicalAnd(tf.isFinite(mean), tf.isFinite(variance));
      const nextMean = tf.add(tf.mul(this.movingMean, keep), tf.mul(mean, 1 - keep));
      const nextVariance = tf.add(tf.mul(this.movingVariance, keep), tf.mul(variance, 1 - keep));
      this.movingMean.assign(tf.where(finite, nextMean, this.movingMean));
      this.movingVariance.assign(tf.where(finite, nextVariance, this.movingVariance));
    }
    const scale = tf.mul(tf.rsqrt(tf.add(variance, this.epsilon)), tf.exp(this.gamma));
    const u = tf.add(tf.mul(tf.sub(y, mean), scale), this.beta);
    return [u, this.inverseLogDet(variance, batchShape)];
  }

  protected _forwardAndLogDet(u: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    const batchShape = u.shape.slice(0, -1);
    const scale = tf.mul(tf.sqrt(tf.add(this.movingVariance, this.epsilon)), tf.exp(tf.neg(this.gamma)));
    const y = tf.add(tf.mul(tf.sub(u, this.beta), scale), this.movingMean);
    return [y, tf.neg(this.inverseLogDet(this.movingVariance, batchShape))];
  }
}
