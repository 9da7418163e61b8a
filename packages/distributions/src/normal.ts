import * as tf from '@tensorflow/tfjs-core';
import { logNdtr, ndtr, ndtri } from '@densityjs/core';
import { broadcastTo, type SampleOptions } from './distribution.js';
import { LocScaleDistribution, type LocScaleOptions } from './loc-scale-distribution.js';
import { standardNormal } from './random.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Options of {@link Normal}: `loc` and `scale` > 0. */
export type NormalOptions = LocScaleOptions;

/**
 * Normal (Gaussian) distribution N(loc, scale²).
 *
 * log p(x) = -z²/2 - log scale - log(2π)/2 with z = (x - loc)/scale.
 * cdf(x) = Φ(z), logCdf via a log-erfc form that stays accurate far in both tails.
 * Sampling is reparameterized: x = loc + scale ε, ε ~ N(0, 1).
 */
export class Normal extends LocScaleDistribution {
  constructor(opts: NormalOptions) {
    super('Normal', opts);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = this.z(x);
    return tf.sub(tf.mul(tf.scalar(-0.5), tf.square(z)), tf.add(tf.log(this.scale), tf.scalar(HALF_LOG_TWO_PI)));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const eps = standardNormal(this.drawShape(sampleShape), seed);
    return tf.add(tf.mul(eps, this.scale), this.loc);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return ndtr(this.z(x));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return logNdtr(this.z(x));
  }
  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
  protected override _mode(): tf.Tensor {
    return this._mean();
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.square(this.scale), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    // H = log(scale) + (1 + log 2π)/2
    return broadcastTo(tf.add(tf.log(this.scale), tf.scalar(0.5 + HALF_LOG_TWO_PI)), this._batchShape);
  }
  /** S(x) = Φ(-z), without the cancellation of 1 - Φ(z) in the upper tail. */
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return ndtr(tf.neg(this.z(x)));
  }
  /** log S(x) = log Φ(-z), finite far into the upper tail. */
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return logNdtr(tf.neg(this.z(x)));
  }
  /** x = loc + scale Φ⁻¹(p). */
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return tf.add(this.loc, tf.mul(this.scale, ndtri(p)));
  }
}
