import * as tf from '@tensorflow/tfjs-core';
import { logNdtr, ndtr, ndtri } from '@densityjs/core';
import { broadcastTo, maskOutside, whereConst, type SampleOptions } from './distribution.js';
import { LocScaleDistribution, type LocScaleOptions } from './loc-scale-distribution.js';
import { standardNormal } from './random.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Options of {@link LogNormal}: `loc` and `scale` > 0 of log x. */
export type LogNormalOptions = LocScaleOptions;

/**
 * Log-normal distribution: X = exp(Y), Y ~ N(loc, scale²), on (0, ∞).
 *
 * log p(x) = -z²/2 - log scale - log(2π)/2 - log x with z = (log x - loc)/scale; -Infinity for
 * x <= 0. cdf = Φ(z), logCdf = log Φ(z), log S = log Φ(-z) (finite in both tails), quantile
 * exp(loc + scale Φ⁻¹(p)). Mean exp(loc + scale²/2), variance (e^{scale²} - 1) e^{2 loc + scale²},
 * mode exp(loc - scale²), entropy loc + 1/2 + log scale + log(2π)/2.
 * Sampling is reparameterized: x = exp(loc + scale ε), ε ~ N(0, 1).
 */
export class LogNormal extends LocScaleDistribution {
  constructor(opts: LogNormalOptions) {
    super('LogNormal', opts);
  }

  /** z = (log x - loc)/scale, with x <= 0 replaced by 1 (callers mask those). */
  /** (log x - loc) / scale. */
  protected override z(x: tf.Tensor): tf.Tensor {
    const safe = whereConst(tf.greater(x, tf.scalar(0)), x, 1);
    return tf.div(tf.sub(tf.log(safe), this.loc), this.scale);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const inside = tf.greater(x, tf.scalar(0));
    const logX = tf.log(whereConst(inside, x, 1));
    const z = tf.div(tf.sub(logX, this.loc), this.scale);
    const value = tf.sub(tf.mul(tf.scalar(-0.5), tf.square(z)), tf.add(tf.add(tf.log(this.scale), tf.scalar(HALF_LOG_TWO_PI)), logX));
    return maskOutside(inside, value);
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const eps = standardNormal(this.drawShape(sampleShape), seed);
    return tf.exp(tf.add(tf.mul(eps, this.scale), this.loc));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return whereConst(tf.greater(x, tf.scalar(0)), ndtr(this.z(x)), 0);
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return maskOutside(tf.greater(x, tf.scalar(0)), logNdtr(this.z(x)));
  }
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return whereConst(tf.greater(x, tf.scalar(0)), ndtr(tf.neg(this.z(x))), 1);
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return whereConst(tf.greater(x, tf.scalar(0)), logNdtr(tf.neg(this.z(x))), 0);
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return tf.exp(tf.add(this.loc, tf.mul(this.scale, ndtri(p))));
  }
  protected override _mean(): tf.Tensor {
    return broadcastTo(tf.exp(tf.add(this.loc, tf.mul(tf.scalar(0.5), tf.square(this.scale)))), this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    const s2 = tf.square(this.scale);
    return broadcastTo(tf.mul(tf.expm1(s2), tf.exp(tf.add(tf.mul(tf.scalar(2), this.loc), s2))), this._batchShape);
  }
  protected override _mode(): tf.Tensor {
    return broadcastTo(tf.exp(tf.sub(this.loc, tf.square(this.scale))), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    return broadcastTo(tf.add(tf.add(this.loc, tf.log(this.scale)), tf.scalar(0.5 + HALF_LOG_TWO_PI)), this._batchShape);
  }
}
