import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '@densityjs/core';
import { broadcastTo, type SampleOptions } from './distribution.js';
import { LocScaleDistribution, type LocScaleOptions } from './loc-scale-distribution.js';
import { uniform } from './random.js';

/** Options of {@link Laplace}: `loc` and `scale` > 0. */
export type LaplaceOptions = LocScaleOptions;

/**
 * Laplace (double exponential) distribution.
 *
 * log p(x) = -|x - loc|/scale - log(2 scale).
 * cdf(x) = e^z/2 for z < 0, 1 - e^{-z}/2 otherwise (z = (x - loc)/scale); logCdf uses
 * z - log 2 and log1p(-e^{-z}/2) so both tails stay accurate.
 * Reparameterized by the inverse CDF: x = loc - scale sign(u) log1p(-|u|), u ~ U(-1, 1).
 */
export class Laplace extends LocScaleDistribution {
  constructor(opts: LaplaceOptions) {
    super('Laplace', opts);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return tf.sub(tf.neg(tf.abs(this.z(x))), tf.log(tf.mul(this.scale, tf.scalar(2))));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    // u in (-1, 1): clip keeps log1p(-|u|) finite when float32 rounds a draw to ±1.
    const u = tf.clipByValue(uniform(this.drawShape(sampleShape), -1, 1, seed), -1 + 2 ** -24, 1 - 2 ** -24);
    const e = tf.mul(tf.sign(u), log1p(tf.neg(tf.abs(u))));
    return tf.sub(this.loc, tf.mul(this.scale, e));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const z = this.z(x);
    const half = tf.mul(tf.scalar(0.5), tf.exp(tf.neg(tf.abs(z))));
    return tf.where(tf.less(z, tf.scalar(0)), half, tf.sub(tf.scalar(1), half));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    const z = this.z(x);
    const left = tf.sub(z, tf.scalar(Math.LN2));
    const right = log1p(tf.mul(tf.scalar(-0.5), tf.exp(tf.neg(tf.abs(z)))));
    return tf.where(tf.less(z, tf.scalar(0)), left, right);
  }
  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
  protected override _mode(): tf.Tensor {
    return this._mean();
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.mul(tf.scalar(2), tf.square(this.scale)), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    // H = 1 + log(2 scale)
    return broadcastTo(tf.add(tf.log(tf.mul(this.scale, tf.scalar(2))), tf.scalar(1)), this._batchShape);
  }
  /** S(x) = e^{-z}/2 for z >= 0, 1 - e^{z}/2 below (the mirror of the cdf). */
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    const z = this.z(x);
    const half = tf.mul(tf.scalar(0.5), tf.exp(tf.neg(tf.abs(z))));
    return tf.where(tf.greater(z, tf.scalar(0)), half, tf.sub(tf.scalar(1), half));
  }
  /** log S(x) = -z - log 2 for z >= 0, log1p(-e^{z}/2) below. */
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    const z = this.z(x);
    const right = tf.sub(tf.neg(z), tf.scalar(Math.LN2));
    const left = log1p(tf.mul(tf.scalar(-0.5), tf.exp(tf.neg(tf.abs(z)))));
    return tf.where(tf.greater(z, tf.scalar(0)), right, left);
  }
  /** x = loc + scale log(2p) for p < 1/2, loc - scale log(2(1 - p)) above. */
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    const lower = tf.less(p, tf.scalar(0.5));
    const tail = tf.log(tf.mul(tf.scalar(2), tf.where(lower, p, tf.sub(tf.scalar(1), p))));
    return tf.add(this.loc, tf.mul(this.scale, tf.where(lower, tail, tf.neg(tail))));
  }
}
