import * as tf from '@tensorflow/tfjs-core';
import { erfc, logErfc, ndtri } from '@densityjs/core';
import { BaseDistribution, broadcastTo, maskOutside, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { standardNormal } from './random.js';

const HALF_LOG_TWO_OVER_PI = 0.5 * Math.log(2 / Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Parameters of {@link HalfNormal}: the scale. */
export interface HalfNormalOptions extends BaseOptions {
  /** Scale of the underlying normal (> 0). */
  scale: ParamLike;
}

/**
 * erf(t) for t >= 0 with small relative error also near 0: the Maclaurin series
 * (2/√π)(t - t³/3 + t⁵/10 - t⁷/42 + t⁹/216 - t¹¹/1320) below 1/2, 1 - erfc(t) above.
 */
function erfNonNegative(t: tf.Tensor): tf.Tensor {
  const small = tf.less(t, tf.scalar(0.5));
  const ts = tf.minimum(t, tf.scalar(0.5));
  const t2 = tf.square(ts);
  let series: tf.Tensor = tf.scalar(-1 / 1320);
  for (const c of [1 / 216, -1 / 42, 1 / 10, -1 / 3, 1]) series = tf.add(tf.mul(series, t2), tf.scalar(c));
  const near = tf.mul(tf.mul(ts, series), tf.scalar(TWO_OVER_SQRT_PI));
  return tf.where(small, near, tf.sub(tf.scalar(1), erfc(t)));
}

/**
 * Half-normal distribution: |Y| with Y ~ N(0, scale²), on [0, ∞).
 *
 * log p(x) = log(2/π)/2 - log scale - x²/(2 scale²) for x >= 0, -Infinity below.
 * cdf = erf(t), S = erfc(t), log S = log erfc(t) with t = x/(scale √2) (finite far in the
 * upper tail); quantile = scale √2 erf⁻¹(p) = -scale Φ⁻¹((1 - p)/2), and the series
 * scale √(π/2) (p + π p³/12) below p = 0.01, where 1 - p would lose p's digits (the next
 * term, 7π² p⁵/480, is below float32's resolution there).
 * Mean scale √(2/π), variance scale² (1 - 2/π), mode 0, entropy log(π scale²/2)/2 + 1/2.
 * Sampling is reparameterized: x = scale |ε|, ε ~ N(0, 1).
 */
export class HalfNormal extends BaseDistribution {
  override readonly reparameterized = true;
  /** Scale σ. */
  readonly scale: tf.Tensor;

  constructor({ scale, validateArgs, ...unknown }: HalfNormalOptions = {} as HalfNormalOptions) {
    super('HalfNormal', validateArgs, unknown, ['scale']);
    this.scale = this.param(scale, 'scale');
    this.check(this.scale, Number.isFinite, 'scale', 'finite');
    this.check(this.scale, (v) => v > 0, 'scale', '> 0');
    this._batchShape = this.scale.shape.slice();
  }

  /** t = x / (scale √2) for x >= 0 (0 below). */
  private t(x: tf.Tensor): tf.Tensor {
    return tf.div(tf.maximum(x, tf.scalar(0)), tf.mul(this.scale, tf.scalar(Math.SQRT2)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const inside = tf.greaterEqual(x, tf.scalar(0));
    const z = tf.div(whereConst(inside, x, 0), this.scale);
    return maskOutside(inside, tf.sub(tf.sub(tf.scalar(HALF_LOG_TWO_OVER_PI), tf.log(this.scale)), tf.mul(tf.scalar(0.5), tf.square(z))));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    return tf.mul(tf.abs(standardNormal(this.drawShape(sampleShape), seed)), this.scale);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return erfNonNegative(this.t(x));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return tf.log(this._cdf(x));
  }
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return erfc(this.t(x));
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return logErfc(this.t(x));
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    const small = tf.less(p, tf.scalar(0.01));
    const ps = tf.minimum(p, tf.scalar(0.01));
    const p2 = tf.square(ps);
    const series = tf.mul(ps, tf.add(tf.scalar(1), tf.mul(p2, tf.scalar(Math.PI / 12))));
    const near = tf.mul(series, tf.scalar(Math.sqrt(Math.PI / 2)));
    const far = tf.neg(ndtri(tf.mul(tf.sub(tf.scalar(1), tf.maximum(p, tf.scalar(0.01))), tf.scalar(0.5))));
    return tf.mul(this.scale, tf.where(small, near, far));
  }
  protected override _mean(): tf.Tensor {
    return broadcastTo(tf.mul(this.scale, tf.scalar(Math.sqrt(2 / Math.PI))), this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.mul(tf.square(this.scale), tf.scalar(1 - 2 / Math.PI)), this._batchShape);
  }
  protected override _mode(): tf.Tensor {
    return tf.zeros(this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    // log(π scale²/2)/2 + 1/2 = log scale + log(π/2)/2 + 1/2
    return broadcastTo(tf.add(tf.log(this.scale), tf.scalar(0.5 * Math.log(Math.PI / 2) + 0.5)), this._batchShape);
  }
}
