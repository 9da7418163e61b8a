import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '@densityjs/core';
import { broadcastTo, type SampleOptions } from './distribution.js';
import { LocScaleDistribution, type LocScaleOptions } from './loc-scale-distribution.js';
import { uniformOpen } from './random.js';

/** Options of {@link Logistic}: `loc` and `scale` > 0. */
export type LogisticOptions = LocScaleOptions;

/**
 * Logistic distribution.
 *
 * log p(x) = -|z| - 2 softplus(-|z|) - log scale, z = (x - loc)/scale (the |z| form is
 * symmetric and never overflows). cdf = sigmoid(z), logCdf = -softplus(-z).
 * Mean = mode = loc, variance = scale² π²/3, entropy = log scale + 2.
 * Reparameterized: x = loc + scale (log u - log1p(-u)).
 */
export class Logistic extends LocScaleDistribution {
  constructor(opts: LogisticOptions) {
    super('Logistic', opts);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const a = tf.abs(this.z(x));
    return tf.sub(tf.sub(tf.neg(a), tf.mul(tf.scalar(2), tf.softplus(tf.neg(a)))), tf.log(this.scale));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const u = uniformOpen(this.drawShape(sampleShape), seed);
    const logit = tf.sub(tf.log(u), log1p(tf.neg(u)));
    return tf.add(this.loc, tf.mul(this.scale, logit));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(this.z(x));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.softplus(tf.neg(this.z(x))));
  }
  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
  protected override _mode(): tf.Tensor {
    return this._mean();
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.mul(tf.scalar((Math.PI * Math.PI) / 3), tf.square(this.scale)), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    return broadcastTo(tf.add(tf.log(this.scale), tf.scalar(2)), this._batchShape);
  }
  /** S(x) = σ(-z). */
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(tf.neg(this.z(x)));
  }
  /** log S(x) = -softplus(z). */
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.softplus(this.z(x)));
  }
  /** x = loc + scale (log p - log1p(-p)). */
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return tf.add(this.loc, tf.mul(this.scale, tf.sub(tf.log(p), log1p(tf.neg(p)))));
  }
}
