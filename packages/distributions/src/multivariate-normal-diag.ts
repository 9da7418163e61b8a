import * as tf from '@tensorflow/tfjs-core';
import { argumentError, broadcastShapes } from '@densityjs/core';
import { BaseDistribution, broadcastTo, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { standardNormal } from './random.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Parameters of {@link MultivariateNormalDiag}: the mean and the per-dimension scales. */
export interface MultivariateNormalDiagOptions extends BaseOptions {
  /** Mean, shape batch + [d]. */
  loc: ParamLike;
  /** Diagonal of the scale matrix (standard deviations), shape batch + [d], > 0. */
  scaleDiag: ParamLike;
}

/**
 * Multivariate normal with diagonal covariance diag(scaleDiag²); event shape [d].
 *
 * log p(x) = Σ_i (-z_i²/2 - log s_i) - d log(2π)/2, z = (x - loc)/s.
 * Reparameterized: x = loc + s ⊙ ε.
 */
export class MultivariateNormalDiag extends BaseDistribution {
  override readonly reparameterized = true;
  /** Mean μ, shape batch + [d]. */
  readonly loc: tf.Tensor;
  /** Per-dimension standard deviations s, shape batch + [d]. */
  readonly scaleDiag: tf.Tensor;

  constructor({ loc, scaleDiag, validateArgs, ...unknown }: MultivariateNormalDiagOptions = {} as MultivariateNormalDiagOptions) {
    super('MultivariateNormalDiag', validateArgs, unknown, ['loc', 'scaleDiag']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.scaleDiag = this.param(scaleDiag, 'scaleDiag');
    for (const [name, t] of [['loc', this.loc], ['scaleDiag', this.scaleDiag]] as const) {
      if (t.rank < 1) throw this.fail(argumentError(this.name, name, 'a tensor of rank >= 1 (batch + [d])', t));
    }
    this.check(this.scaleDiag, Number.isFinite, 'scaleDiag', 'finite');
    this.check(this.scaleDiag, (v) => v > 0, 'scaleDiag', '> 0');
    this._batchShape = this.batchOf({ loc: this.loc, scaleDiag: this.scaleDiag }, { loc: 1, scaleDiag: 1 });
    let d: number[];
    try {
      d = broadcastShapes(this.name, { 'loc event size': this.loc.shape.slice(-1), 'scaleDiag event size': this.scaleDiag.shape.slice(-1) });
    } catch (e) {
      throw this.fail(e);
    }
    this._eventShape = d;
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const d = this._eventShape[0]!;
    const z = tf.div(tf.sub(x, this.loc), this.scaleDiag);
    const quad = tf.sum(tf.square(z), -1);
    const logDet = tf.sum(tf.log(this.scaleDiag), -1);
    return tf.sub(tf.mul(tf.scalar(-0.5), quad), tf.add(logDet, tf.scalar(0.5 * d * LOG_TWO_PI)));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const eps = standardNormal(this.drawShape(sampleShape), seed);
    return tf.add(tf.mul(eps, this.scaleDiag), this.loc);
  }

  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, [...this._batchShape, ...this._eventShape]));
  }
  protected override _mode(): tf.Tensor {
    return this._mean();
  }
  /** Marginal variances scaleDiag², shape batch + [d]. */
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.square(this.scaleDiag), [...this._batchShape, ...this._eventShape]);
  }
  protected override _entropy(): tf.Tensor {
    const d = this._eventShape[0]!;
    const logDet = tf.sum(broadcastTo(tf.log(this.scaleDiag), [...this._batchShape, d]), -1);
    return tf.add(logDet, tf.scalar(0.5 * d * (1 + LOG_TWO_PI)));
  }

  /** Covariance matrices diag(scaleDiag²), shape batch + [d, d]. */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const d = this._eventShape[0]!;
      return tf.mul(tf.expandDims(this._variance(), -1), tf.eye(d));
    });
  }
}
