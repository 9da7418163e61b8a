import * as tf from '@tensorflow/tfjs-core';
import { digamma, igamma, igammac, igammaInv, lgamma, logIgamma, logIgammac } from '@densityjs/core';
import { BaseDistribution, broadcastTo, maskOutside, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { standardGamma } from './random.js';

/** Parameters of {@link Gamma}: the concentration and the rate. */
export interface GammaOptions extends BaseOptions {
  /** Shape α > 0. */
  concentration: ParamLike;
  /** Inverse scale β > 0. */
  rate: ParamLike;
}

/**
 * Gamma(α, β) with density β^α x^{α-1} e^{-βx} / Γ(α) on (0, ∞).
 *
 * log p(x) = α log β + (α - 1) log x - βx - log Γ(α) for x >= 0, evaluated as
 * (α - 1) log(βx) + log β - βx - log Γ(α); -Infinity for x < 0.
 * Mean α/β, variance α/β², mode (α - 1)/β for α >= 1 (NaN otherwise, as TFP),
 * entropy α - log β + log Γ(α) + (1 - α) ψ(α); cdf = P(α, βx), the regularized lower
 * incomplete gamma function; survival function Q(α, βx) = 1 - P(α, βx), by the upper
 * incomplete gamma function itself (log Q finite far into the upper tail); quantile
 * P⁻¹(α, p)/β (core's igammaInv), differentiable in p, α and β.
 * Sampling: Marsaglia–Tsang (see random.ts), divided by β; reparameterized in α (implicit
 * reparameterization gradients, as TFP) and β.
 */
export class Gamma extends BaseDistribution {
  override readonly reparameterized = true;
  /** Shape α. */
  readonly concentration: tf.Tensor;
  /** Rate β (inverse scale). */
  readonly rate: tf.Tensor;

  constructor({ concentration, rate, validateArgs, ...unknown }: GammaOptions = {} as GammaOptions) {
    super('Gamma', validateArgs, unknown, ['concentration', 'rate']);
    this.concentration = this.param(concentration, 'concentration');
    this.rate = this.param(rate, 'rate');
    this.check(this.concentration, Number.isFinite, 'concentration', 'finite');
    this.check(this.concentration, (v) => v > 0, 'concentration', '> 0');
    this.check(this.rate, Number.isFinite, 'rate', 'finite');
    this.check(this.rate, (v) => v > 0, 'rate', '> 0');
    this._batchShape = this.batchOf({ concentration: this.concentration, rate: this.rate });
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const a = this.concentration;
    const b = this.rate;
    const inside = tf.greaterEqual(x, tf.scalar(0));
    const xs = whereConst(inside, x, 1);
    // (α - 1) log(βx) + log β - βx - log Γ(α): the same value as α log β + (α - 1) log x - ...,
    // but with terms of the size of the result, so float32 does not cancel large ones.
    const bx = tf.mul(b, xs);
    const am1 = tf.sub(a, tf.scalar(1));
    // 0 · log 0 = 0 at α = 1, x = 0.
    const shapeTerm = tf.where(tf.equal(am1, tf.scalar(0)), tf.zerosLike(tf.add(am1, bx)), tf.mul(am1, tf.log(bx)));
    const value = tf.sub(tf.sub(tf.add(shapeTerm, tf.log(b)), bx), lgamma(a));
    return maskOutside(inside, value);
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const g = standardGamma(this.concentration, this.drawShape(sampleShape), seed);
    return tf.div(g, this.rate);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return igamma(this.concentration, tf.mul(this.rate, tf.maximum(x, tf.scalar(0))));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return logIgamma(this.concentration, tf.mul(this.rate, tf.maximum(x, tf.scalar(0))));
  }
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return igammac(this.concentration, tf.mul(this.rate, tf.maximum(x, tf.scalar(0))));
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return logIgammac(this.concentration, tf.mul(this.rate, tf.maximum(x, tf.scalar(0))));
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return tf.div(igammaInv(this.concentration, p), this.rate);
  }
  protected override _mean(): tf.Tensor {
    return broadcastTo(tf.div(this.concentration, this.rate), this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.div(this.concentration, tf.square(this.rate)), this._batchShape);
  }
  protected override _mode(): tf.Tensor {
    const mode = tf.div(tf.sub(this.concentration, tf.scalar(1)), this.rate);
    return broadcastTo(whereConst(tf.greaterEqual(this.concentration, tf.scalar(1)), mode, NaN), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    const a = this.concentration;
    const h = tf.add(
      tf.add(tf.sub(a, tf.log(this.rate)), lgamma(a)),
      tf.mul(tf.sub(tf.scalar(1), a), digamma(a)),
    );
    return broadcastTo(h, this._batchShape);
  }
}
