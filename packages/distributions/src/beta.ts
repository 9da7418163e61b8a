import * as tf from '@tensorflow/tfjs-core';
import { betainc, betaincInv, deriveSeed, digamma, lbeta, log1p, logBetainc } from '@densityjs/core';
import { BaseDistribution, broadcastTo, maskOutside, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { standardGamma } from './random.js';

/** Parameters of {@link Beta}: the concentrations α and β. */
export interface BetaOptions extends BaseOptions {
  /** α > 0, the exponent of x. */
  concentration1: ParamLike;
  /** β > 0, the exponent of 1 - x. */
  concentration0: ParamLike;
}

/** a · log(x) with 0 · log 0 = 0. */
function xlogy(a: tf.Tensor, logx: tf.Tensor): tf.Tensor {
  return tf.where(tf.equal(a, tf.scalar(0)), tf.zerosLike(tf.add(a, logx)), tf.mul(a, logx));
}

/**
 * Beta(α, β) on [0, 1] with density x^{α-1} (1-x)^{β-1} / B(α, β).
 *
 * log p(x) = (α - 1) log x + (β - 1) log1p(-x) - log B(α, β); -Infinity outside [0, 1].
 * cdf = I_x(α, β) (regularized incomplete beta, continued fraction; log cdf in log space),
 * survival function I_{1-x}(β, α) (accurate next to 1; 1 - cdf next to 0), quantile I⁻¹(α, β, p) (core's
 * betaincInv, differentiable in p, α and β). Mean α/(α+β), variance
 * αβ/((α+β)²(α+β+1)), mode (α-1)/(α+β-2) for α, β > 1 (NaN otherwise),
 * entropy log B(α, β) - (α-1)ψ(α) - (β-1)ψ(β) + (α+β-2)ψ(α+β).
 * Sampling: X/(X + Y), X ~ Gamma(α), Y ~ Gamma(β); reparameterized through the implicit
 * gradients of the Gamma draws.
 */
export class Beta extends BaseDistribution {
  override readonly reparameterized = true;
  /** α, the exponent of x. */
  readonly concentration1: tf.Tensor;
  /** β, the exponent of 1 - x. */
  readonly concentration0: tf.Tensor;

  constructor({ concentration1, concentration0, validateArgs, ...unknown }: BetaOptions = {} as BetaOptions) {
    super('Beta', validateArgs, unknown, ['concentration1', 'concentration0']);
    this.concentration1 = this.param(concentration1, 'concentration1');
    this.concentration0 = this.param(concentration0, 'concentration0');
    this.check(this.concentration1, Number.isFinite, 'concentration1', 'finite');
    this.check(this.concentration1, (v) => v > 0, 'concentration1', '> 0');
    this.check(this.concentration0, Number.isFinite, 'concentration0', 'finite');
    this.check(this.concentration0, (v) => v > 0, 'concentration0', '> 0');
    this._batchShape = this.batchOf({ concentration1: this.concentration1, concentration0: this.concentration0 });
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const inside = tf.logicalAnd(tf.greaterEqual(x, tf.scalar(0)), tf.lessEqual(x, tf.scalar(1)));
    const xs = whereConst(inside, x, 0.5);
    const one = tf.scalar(1);
    const value = tf.sub(
      tf.add(xlogy(tf.sub(a, one), tf.log(xs)), xlogy(tf.sub(b, one), log1p(tf.neg(xs)))),
      lbeta(a, b),
    );
    return maskOutside(inside, value);
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const x = standardGamma(this.concentration1, shape, deriveSeed(seed, 0));
    const y = standardGamma(this.concentration0, shape, deriveSeed(seed, 1));
    return tf.div(x, tf.add(x, y));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return betainc(this.concentration1, this.concentration0, tf.clipByValue(x, 0, 1));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return logBetainc(this.concentration1, this.concentration0, tf.clipByValue(x, 0, 1));
  }
  /**
   * log S(x) = log I_{1-x}(β, α), or log1p(-F(x)) where F(x) < 1/2 and x < 1/2 (1 - x may round
   * to 1 there while F(x) still carries its digits).
   */
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    const xc = tf.clipByValue(x, 0, 1);
    const upper = logBetainc(this.concentration0, this.concentration1, tf.sub(tf.scalar(1), xc));
    const logF = logBetainc(this.concentration1, this.concentration0, xc);
    const fromCdf = tf.logicalAnd(tf.less(logF, tf.scalar(-Math.LN2)), tf.less(xc, tf.scalar(0.5)));
    return tf.where(fromCdf, log1p(tf.neg(tf.exp(logF))), upper);
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return betaincInv(this.concentration1, this.concentration0, p);
  }
  protected override _mean(): tf.Tensor {
    return broadcastTo(tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0)), this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const s = tf.add(a, b);
    return broadcastTo(tf.div(tf.mul(a, b), tf.mul(tf.square(s), tf.add(s, tf.scalar(1)))), this._batchShape);
  }
  protected override _mode(): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const mode = tf.div(tf.sub(a, tf.scalar(1)), tf.sub(tf.add(a, b), tf.scalar(2)));
    const defined = tf.logicalAnd(tf.greater(a, tf.scalar(1)), tf.greater(b, tf.scalar(1)));
    return broadcastTo(whereConst(defined, mode, NaN), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const one = tf.scalar(1);
    const s = tf.add(a, b);
    const h = tf.add(
      tf.sub(tf.sub(lbeta(a, b), tf.mul(tf.sub(a, one), digamma(a))), tf.mul(tf.sub(b, one), digamma(b))),
      tf.mul(tf.sub(s, tf.scalar(2)), digamma(s)),
    );
    return broadcastTo(h, this._batchShape);
  }
}
