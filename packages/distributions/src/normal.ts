import * as tf from '@tensorflow/tfjs-core';
import { logNdtr, ndtr, ndtri } from '@densityjs/core';
import { BaseDistribution, broadcastTo, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { standardNormal } from './random.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface NormalOptions extends BaseOptions {
  loc: ParamLike;
  scale: ParamLike;
}

/**
 * Normal (Gaussian) distribution N(loc, scale²).
 *
 * log p(x) = -z²/2 - log scale - log(2π)/2 with z = (x - loc)/scale.
 * cdf(x) = Φ(z), logCdf via a log-erfc form that stays accurate far in both tails.
 * Sampling is reparameterized: x = loc + scale ε, ε ~ N(0, 1).
 */
export class Normal extends BaseDistribution {
  override readonly reparameterized = true;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor({ loc, scale, validateArgs, ...unknown }: NormalOptions = {} as NormalOptions) {
    super('Normal', validateArgs, unknown, ['loc', 'scale']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.scale = this.param(scale, 'scale');
    this.check(this.scale, Number.isFinite, 'scale', 'finite');
    this.check(this.scale, (v) => v > 0, 'scale', '> 0');
    this._batchShape = this.batchOf({ loc: this.loc, scale: this.scale });
  }

  protected z(x: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(x, this.loc), this.scale);
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
