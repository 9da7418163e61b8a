import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '@densityjs/core';
import { broadcastTo, type SampleOptions } from './distribution.js';
import { LocScaleDistribution, type LocScaleOptions } from './loc-scale-distribution.js';
import { uniformOpen } from './random.js';

/** Options of {@link Cauchy}: `loc` and `scale` > 0. */
export type CauchyOptions = LocScaleOptions;

/**
 * Cauchy distribution with density 1 / (π scale (1 + z²)), z = (x - loc)/scale.
 *
 * log p(x) = -log π - log scale - log1p(z²), evaluated as -2 log|z| - log1p(1/z²) for |z| > 1
 * so that z² never overflows. cdf = atan2(1, -z)/π and S = atan2(1, z)/π, each without
 * cancellation in its small tail; quantile loc - scale/tan(πp) below p = 1/2 and
 * loc + scale/tan(π(1 - p)) above. Mean and variance are undefined (NaN, as TFP); mode loc,
 * entropy log(4π scale). Sampling is reparameterized (the quantile of a uniform draw).
 */
export class Cauchy extends LocScaleDistribution {
  constructor(opts: CauchyOptions) {
    super('Cauchy', opts);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = this.z(x);
    const a = tf.abs(z);
    const big = tf.greater(a, tf.scalar(1));
    const zSmall = tf.minimum(a, tf.scalar(1));
    const zBig = tf.maximum(a, tf.scalar(1));
    const near = log1p(tf.square(zSmall));
    const far = tf.add(tf.mul(tf.scalar(2), tf.log(zBig)), log1p(tf.reciprocal(tf.square(zBig))));
    return tf.sub(tf.neg(tf.where(big, far, near)), tf.add(tf.log(this.scale), tf.scalar(Math.log(Math.PI))));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    return this._quantile(uniformOpen(this.drawShape(sampleShape), seed));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return tf.mul(tf.atan2(tf.onesLike(x), tf.neg(this.z(x))), tf.scalar(1 / Math.PI));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return tf.log(this._cdf(x));
  }
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.mul(tf.atan2(tf.onesLike(x), this.z(x)), tf.scalar(1 / Math.PI));
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.log(this._survivalFunction(x));
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    const lower = tf.less(p, tf.scalar(0.5));
    const tail = tf.where(lower, p, tf.sub(tf.scalar(1), p));
    const magnitude = tf.reciprocal(tf.tan(tf.mul(tail, tf.scalar(Math.PI))));
    return tf.add(this.loc, tf.mul(this.scale, tf.where(lower, tf.neg(magnitude), magnitude)));
  }
  protected override _mean(): tf.Tensor {
    return tf.fill(this._batchShape, NaN);
  }
  protected override _variance(): tf.Tensor {
    return tf.fill(this._batchShape, NaN);
  }
  protected override _mode(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
  protected override _entropy(): tf.Tensor {
    return broadcastTo(tf.add(tf.log(this.scale), tf.scalar(Math.log(4 * Math.PI))), this._batchShape);
  }
}
