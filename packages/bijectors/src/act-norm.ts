import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys, tryReadSync } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';
import { ParameterSet } from './parameter.js';

/** Options of {@link ActNorm}. */
export interface ActNormOptions extends BijectorBaseOptions {
  /** Size D of the last axis. */
  eventSize: number;
}

/**
 * Activation normalization (Kingma & Dhariwal 2018, Glow): a per-unit affine map
 * `y = x exp(s) + b` (forward, sampling direction), `log|det J| = sum s`, with trainable `s`
 * and `b` initialized from data: the first density-direction call in training mode sets
 * `b = mean(y)` and `s = log std(y)` over the batch, so the layer's output x starts with zero
 * mean and unit variance per unit. The initialization happens once (a non-trainable flag saved
 * with the weights); after it the layer is an ordinary trainable affine map, batch-independent,
 * unlike BatchNormalization.
 */
export class ActNorm extends Bijector {
  /** Log-scale s, shape [D]. */
  readonly logScale: tf.Variable;
  /** Shift b, shape [D]. */
  readonly shift: tf.Variable;
  /** 1 once initialized from data, else 0 (a variable, so it is saved and restored). */
  readonly initialized: tf.Variable;
  private readonly params = new ParameterSet();
  private _training = false;

  /** An affine map. */
  override get affine(): boolean {
    return true;
  }

  constructor(opts: ActNormOptions) {
    const name = opts?.name ?? 'ActNorm';
    checkOptionKeys(name, opts, ['eventSize', 'name']);
    const d = opts?.eventSize;
    if (!Number.isInteger(d) || d < 1) throw argumentError(name, 'eventSize', 'a positive integer', d);
    super({ eventNdims: 1, eventSize: d, name });
    this.logScale = this.params.variable(tf.zeros([d]), 'actnorm_log_scale');
    this.shift = this.params.variable(tf.zeros([d]), 'actnorm_shift');
    this.initialized = this.params.state(tf.zeros([]), 'actnorm_initialized');
  }

  override get trainableVariables(): tf.Variable[] {
    return this.params.trainableVariables;
  }

  /** The initialization flag: saved and restored with the weights. */
  override get nonTrainableVariables(): tf.Variable[] {
    return [this.initialized];
  }

  /** In training mode the first density-direction call initializes the layer from its batch. */
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

  /**
   * Sets b and s from the batch y (rows over every axis but the last) unless the flag says it
   * is done. The flag is a variable, so restoring saved or earlier weights restores it too. Where
   * the backend cannot read it synchronously the choice is made on the device.
   */
  private initializeFrom(y: tf.Tensor): void {
    const flag = tryReadSync(this.initialized);
    if (flag && flag[0] === 1) return;
    tf.tidy(() => {
      const axes = y.shape.slice(0, -1).map((_, i) => i);
      const { mean, variance } = tf.moments(y, axes);
      const done = tf.cast(this.initialized, 'bool');
      this.shift.assign(tf.where(done, this.shift, mean));
      // A constant unit keeps scale 1 instead of an infinite one.
      this.logScale.assign(tf.where(done, this.logScale, tf.mul(tf.log(tf.maximum(variance, 1e-12)), 0.5)));
      this.initialized.assign(tf.onesLike(this.initialized));
    });
  }

  private logDet(batchShape: number[], sign: 1 | -1): tf.Tensor {
    const total = tf.mul(tf.sum(this.logScale), sign);
    return batchShape.length ? tf.broadcastTo(total, batchShape) : total;
  }

  protected _forwardAndLogDet(x: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return [tf.add(tf.mul(x, tf.exp(this.logScale)), this.shift), this.logDet(x.shape.slice(0, -1), 1)];
  }

  protected _inverseAndLogDet(y: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    if (this._training && y.rank > 1) this.initializeFrom(y);
    return [tf.mul(tf.sub(y, this.shift), tf.exp(tf.neg(this.logScale))), this.logDet(y.shape.slice(0, -1), -1)];
  }
}
