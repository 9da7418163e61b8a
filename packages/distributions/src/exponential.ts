import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '@densityjs/core';
import { BaseDistribution, broadcastTo, maskOutside, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { uniformOpen } from './random.js';

/** Parameters of {@link Exponential}: the rate. */
export interface ExponentialOptions extends BaseOptions {
  /** Rate λ > 0 (the mean is 1/λ). */
  rate: ParamLike;
}

/** log(1 - e^{-a}) for a > 0, stable for small and large a (Mächler 2012). */
export function log1mexp(a: tf.Tensor): tf.Tensor {
  return tf.where(
    tf.less(a, tf.scalar(Math.LN2)),
    tf.log(tf.neg(tf.expm1(tf.neg(a)))),
    log1p(tf.neg(tf.exp(tf.neg(a)))),
  );
}

/**
 * Exponential distribution with rate λ on [0, ∞).
 *
 * log p(x) = log λ - λx for x >= 0, -Infinity for x < 0.
 * cdf = 1 - e^{-λx} (via expm1), logCdf = log1mexp(λx). Mean 1/λ, variance 1/λ², mode 0,
 * entropy 1 - log λ. Reparameterized: x = -log1p(-u)/λ.
 */
export class Exponential extends BaseDistribution {
  override readonly reparameterized = true;
  /** Rate λ. */
  readonly rate: tf.Tensor;

  constructor({ rate, validateArgs, ...unknown }: ExponentialOptions = {} as ExponentialOptions) {
    super('Exponential', validateArgs, unknown, ['rate']);
    this.rate = this.param(rate, 'rate');
    this.check(this.rate, Number.isFinite, 'rate', 'finite');
    this.check(this.rate, (v) => v > 0, 'rate', '> 0');
    this._batchShape = this.rate.shape.slice();
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const inside = tf.greaterEqual(x, tf.scalar(0));
    const xs = whereConst(inside, x, 0);
    return maskOutside(inside, tf.sub(tf.log(this.rate), tf.mul(this.rate, xs)));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const u = uniformOpen(this.drawShape(sampleShape), seed);
    return tf.div(tf.neg(log1p(tf.neg(u))), this.rate);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const xs = tf.maximum(x, tf.scalar(0));
    return tf.neg(tf.expm1(tf.neg(tf.mul(this.rate, xs))));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    const inside = tf.greater(x, tf.scalar(0));
    const xs = whereConst(inside, x, 1);
    return maskOutside(inside, log1mexp(tf.mul(this.rate, xs)));
  }
  protected override _mean(): tf.Tensor {
    return tf.reciprocal(this.rate);
  }
  protected override _mode(): tf.Tensor {
    return tf.zeros(this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    return tf.reciprocal(tf.square(this.rate));
  }
  protected override _entropy(): tf.Tensor {
    return broadcastTo(tf.sub(tf.scalar(1), tf.log(this.rate)), this._batchShape);
  }
  /** S(x) = e^{-λx} for x >= 0, 1 below. */
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.exp(this._logSurvivalFunction(x));
  }
  /** log S(x) = -λx for x >= 0, 0 below. */
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.mul(this.rate, tf.maximum(x, tf.scalar(0))));
  }
  /** x = -log1p(-p) / λ. */
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return tf.div(tf.neg(log1p(tf.neg(p))), this.rate);
  }
}
