import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { Gamma } from './gamma.js';

/** Parameters of {@link Chi2}: the degrees of freedom. */
export interface Chi2Options extends BaseOptions {
  /** Degrees of freedom k (> 0, need not be an integer). */
  df: ParamLike;
}

/**
 * Chi-squared distribution with k degrees of freedom: Gamma(k/2, rate 1/2), on [0, ∞).
 *
 * log p(x) = (k/2 - 1) log x - x/2 - (k/2) log 2 - log Γ(k/2). Mean k, variance 2k,
 * mode k - 2 for k >= 2 (NaN otherwise, as Gamma), entropy k/2 + log 2 + log Γ(k/2) +
 * (1 - k/2) ψ(k/2), cdf = P(k/2, x/2), survival function Q(k/2, x/2), quantile 2 P⁻¹(k/2, p).
 * Every method is Gamma's; sampling is reparameterized in k through Gamma's implicit gradients.
 */
export class Chi2 extends BaseDistribution {
  override readonly reparameterized = true;
  /** Degrees of freedom k. */
  readonly df: tf.Tensor;
  private readonly gamma: Gamma;

  constructor({ df, validateArgs, ...unknown }: Chi2Options = {} as Chi2Options) {
    super('Chi2', validateArgs, unknown, ['df']);
    this.df = this.param(df, 'df');
    this.check(this.df, Number.isFinite, 'df', 'finite');
    this.check(this.df, (v) => v > 0, 'df', '> 0');
    const concentration = tf.tidy(() => tf.mul(this.df, tf.scalar(0.5)));
    const rate = tf.scalar(0.5);
    this.owned.push(concentration, rate);
    this.gamma = new Gamma({ concentration, rate, validateArgs: false });
    this._batchShape = this.df.shape.slice();
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return this.gamma.logProb(x);
  }
  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    return this.gamma.sample(sampleShape, { seed });
  }
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return this.gamma.cdf(x);
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return this.gamma.logCdf(x);
  }
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return this.gamma.survivalFunction(x);
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return this.gamma.logSurvivalFunction(x);
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return this.gamma.quantile(p);
  }
  protected override _mean(): tf.Tensor {
    return this.gamma.mean();
  }
  protected override _variance(): tf.Tensor {
    return this.gamma.variance();
  }
  protected override _mode(): tf.Tensor {
    return this.gamma.mode();
  }
  protected override _entropy(): tf.Tensor {
    return this.gamma.entropy();
  }
}
