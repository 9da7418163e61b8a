import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type BaseOptions, type ParamLike } from './distribution.js';

/** Options of a location-scale family. */
export interface LocScaleOptions extends BaseOptions {
  /** Location, finite. */
  loc: ParamLike;
  /** Scale, finite and > 0. */
  scale: ParamLike;
}

/**
 * A family with a location and a scale (Normal, Laplace, Logistic, Cauchy, and LogNormal of
 * log x): the two parameters are checked the same way everywhere (finite; scale > 0), broadcast
 * to the batch shape, and `z(x) = (x - loc) / scale` standardizes a value. Reparameterized:
 * every such family samples as loc + scale * (a standard draw).
 */
export abstract class LocScaleDistribution extends BaseDistribution {
  override readonly reparameterized = true;
  /** Location (for LogNormal: the mean of log x). */
  readonly loc: tf.Tensor;
  /** Scale, > 0 (for LogNormal: the standard deviation of log x). */
  readonly scale: tf.Tensor;

  protected constructor(name: string, opts: LocScaleOptions) {
    const { loc, scale, validateArgs, ...unknown } = opts ?? ({} as LocScaleOptions);
    super(name, validateArgs, unknown, ['loc', 'scale']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.scale = this.param(scale, 'scale');
    this.check(this.scale, Number.isFinite, 'scale', 'finite');
    this.check(this.scale, (v) => v > 0, 'scale', '> 0');
    this._batchShape = this.batchOf({ loc: this.loc, scale: this.scale });
  }

  /** (x - loc) / scale. */
  protected z(x: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(x, this.loc), this.scale);
  }
}
