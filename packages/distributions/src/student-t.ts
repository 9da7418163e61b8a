import * as tf from '@tensorflow/tfjs-core';
import { betaincInvLogit, deriveSeed, digamma, lbeta, lgamma, log1p, logBetainc } from '@densityjs/core';
import { BaseDistribution, broadcastTo, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { standardGamma, standardNormal } from './random.js';

/** Parameters of {@link StudentT}: the degrees of freedom, location and scale. */
export interface StudentTOptions extends BaseOptions {
  /** Degrees of freedom ν > 0. */
  df: ParamLike;
  /** Location. */
  loc: ParamLike;
  /** Scale > 0. */
  scale: ParamLike;
}

/**
 * Student's t distribution with ν degrees of freedom, location and scale.
 *
 * log p(x) = log Γ((ν+1)/2) - log Γ(ν/2) - log(νπ)/2 - log scale - (ν+1)/2 log1p(z²/ν).
 * cdf: with t = z, x = ν/(ν + t²), cdf = I_x(ν/2, 1/2)/2 for t < 0 and 1 - I_x(ν/2, 1/2)/2
 * otherwise, the tail half in log space (log I); the survival function is the cdf at -z.
 * quantile: for p < 1/2, z = -√ν e^{-u/2} with u = logit x, I_x(ν/2, 1/2) = 2p (core's
 * betaincInvLogit, which keeps 1 - x = z²/(ν + z²) exact near the centre), mirrored above 1/2
 * (1 - p is exact there); differentiable in p, ν, loc and scale. Mean loc (ν > 1, else NaN); variance scale² ν/(ν-2) (ν > 2; ∞ for 1 < ν <= 2;
 * NaN otherwise); entropy (ν+1)/2 (ψ((ν+1)/2) - ψ(ν/2)) + log(√ν B(ν/2, 1/2)) + log scale.
 * Sampling: loc + scale Z / sqrt(G/ν), G ~ χ²(ν) = 2 Gamma(ν/2); reparameterized in loc, scale
 * and ν (implicit gradients of the Gamma draw).
 */
export class StudentT extends BaseDistribution {
  override readonly reparameterized = true;
  /** Degrees of freedom ν. */
  readonly df: tf.Tensor;
  /** Location. */
  readonly loc: tf.Tensor;
  /** Scale. */
  readonly scale: tf.Tensor;

  constructor({ df, loc, scale, validateArgs, ...unknown }: StudentTOptions = {} as StudentTOptions) {
    super('StudentT', validateArgs, unknown, ['df', 'loc', 'scale']);
    this.df = this.param(df, 'df');
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.scale = this.param(scale, 'scale');
    this.check(this.df, Number.isFinite, 'df', 'finite');
    this.check(this.df, (v) => v > 0, 'df', '> 0');
    this.check(this.scale, Number.isFinite, 'scale', 'finite');
    this.check(this.scale, (v) => v > 0, 'scale', '> 0');
    this._batchShape = this.batchOf({ df: this.df, loc: this.loc, scale: this.scale });
  }

  private z(x: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(x, this.loc), this.scale);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const nu = this.df;
    const half = tf.scalar(0.5);
    const nuPlus1Half = tf.mul(tf.add(nu, tf.scalar(1)), half);
    const normalizer = tf.sub(
      tf.sub(lgamma(nuPlus1Half), lgamma(tf.mul(nu, half))),
      tf.add(tf.mul(half, tf.log(tf.mul(nu, tf.scalar(Math.PI)))), tf.log(this.scale)),
    );
    const z = this.z(x);
    return tf.sub(normalizer, tf.mul(nuPlus1Half, log1p(tf.div(tf.square(z), nu))));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const z = standardNormal(shape, deriveSeed(seed, 0));
    const halfNu = tf.mul(this.df, tf.scalar(0.5));
    const chi2 = tf.mul(standardGamma(halfNu, shape, deriveSeed(seed, 1)), tf.scalar(2));
    const t = tf.mul(z, tf.rsqrt(tf.div(chi2, this.df)));
    return tf.add(this.loc, tf.mul(this.scale, t));
  }

  /** log P(T <= -|z|) = log(I_x(ν/2, 1/2)/2), x = 1/(1 + z²/ν), for the standardized z. */
  private logTail(z: tf.Tensor): tf.Tensor {
    const nu = this.df;
    const xb = tf.reciprocal(tf.add(tf.scalar(1), tf.div(tf.square(z), nu)));
    return tf.sub(logBetainc(tf.mul(nu, tf.scalar(0.5)), tf.scalar(0.5), xb), tf.scalar(Math.LN2));
  }
  /** log P(T <= z) (`upper` false) or log P(T > z): the tail half directly, the other by log1p. */
  private logSide(x: tf.Tensor, upper: boolean): tf.Tensor {
    const z = this.z(x);
    const logTail = this.logTail(z);
    const inTail = upper ? tf.greater(z, tf.scalar(0)) : tf.less(z, tf.scalar(0));
    return tf.where(inTail, logTail, log1p(tf.neg(tf.exp(logTail))));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return this.logSide(x, false);
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return this.logSide(x, true);
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    const upper = tf.greater(p, tf.scalar(0.5));
    const tail = tf.where(upper, tf.sub(tf.scalar(1), p), p);
    const u = betaincInvLogit(tf.mul(this.df, tf.scalar(0.5)), tf.scalar(0.5), tf.mul(tf.scalar(2), tail));
    const magnitude = tf.mul(tf.sqrt(this.df), tf.exp(tf.mul(tf.scalar(-0.5), u)));
    const z = tf.where(upper, magnitude, tf.neg(magnitude));
    return tf.add(this.loc, tf.mul(this.scale, z));
  }
  protected override _mean(): tf.Tensor {
    return broadcastTo(whereConst(tf.greater(this.df, tf.scalar(1)), tf.add(this.loc, tf.mul(this.df, tf.scalar(0))), NaN), this._batchShape);
  }
  protected override _mode(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
  protected override _variance(): tf.Tensor {
    const nu = this.df;
    const v = tf.div(tf.mul(tf.square(this.scale), nu), tf.sub(nu, tf.scalar(2)));
    const finite = whereConst(tf.greater(nu, tf.scalar(2)), v, Infinity);
    return broadcastTo(whereConst(tf.greater(nu, tf.scalar(1)), finite, NaN), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    const nu = this.df;
    const half = tf.scalar(0.5);
    const a = tf.mul(tf.add(nu, tf.scalar(1)), half);
    const b = tf.mul(nu, half);
    const h = tf.add(
      tf.add(tf.mul(a, tf.sub(digamma(a), digamma(b))), tf.mul(half, tf.log(nu))),
      tf.add(lbeta(b, half), tf.log(this.scale)),
    );
    return broadcastTo(h, this._batchShape);
  }
}
