import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma } from '@densityjs/core';
import { BaseDistribution, broadcastTo, maskOutside, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { logStandardGamma } from './random.js';

/** Smallest positive normal float32: sample entries below it are rounded up to it. */
const TINY = 1.1754944e-38;

/** Parameters of {@link Dirichlet}: the concentration vector. */
export interface DirichletOptions extends BaseOptions {
  /** Concentrations α > 0, shape batch + [K]. */
  concentration: ParamLike;
}

/**
 * Dirichlet distribution on the probability simplex of K categories.
 *
 * log p(x) = Σ_k (α_k - 1) log x_k - log B(α), log B(α) = Σ_k log Γ(α_k) - log Γ(α_0),
 * α_0 = Σ_k α_k; -Infinity where an entry of x is negative (x is otherwise taken to lie on the
 * simplex). Mean α/α_0, variance α(α_0 - α)/(α_0²(α_0 + 1)), mode (α - 1)/(α_0 - K) when every
 * α_k > 1 (NaN otherwise, as TFP), entropy log B(α) + (α_0 - K) ψ(α_0) - Σ_k (α_k - 1) ψ(α_k).
 * Sampling: independent Gamma(α_k, 1) draws divided by their sum, computed in log space
 * (logStandardGamma, then a softmax) so that tiny concentrations neither underflow to 0/0 nor
 * give entries of 0 (entries below the smallest normal float32 are rounded up to it);
 * reparameterized through Gamma's implicit gradients (as TFP).
 */
export class Dirichlet extends BaseDistribution {
  override readonly reparameterized = true;
  /** Concentrations α, shape batch + [K]. */
  readonly concentration: tf.Tensor;

  constructor({ concentration, validateArgs, ...unknown }: DirichletOptions = {} as DirichletOptions) {
    super('Dirichlet', validateArgs, unknown, ['concentration']);
    this.concentration = this.param(concentration, 'concentration');
    this.checkCategoryAxis(this.concentration, 'concentration');
    this.check(this.concentration, Number.isFinite, 'concentration', 'finite');
    this.check(this.concentration, (v) => v > 0, 'concentration', '> 0');
    const shape = this.concentration.shape;
    this._batchShape = shape.slice(0, -1);
    this._eventShape = [shape[shape.length - 1]!];
  }

  /** log B(α) of each batch member. */
  private logBeta(): tf.Tensor {
    const a = this.concentration;
    return tf.sub(tf.sum(lgamma(a), -1), lgamma(tf.sum(a, -1)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const a = this.concentration;
    const inside = tf.all(tf.greaterEqual(x, tf.scalar(0)), -1);
    const xs = whereConst(tf.greaterEqual(x, tf.scalar(0)), x, 1);
    const am1 = tf.sub(a, tf.scalar(1));
    const terms = tf.mul(am1, tf.log(xs));
    // 0 · log 0 = 0 where α_k = 1.
    const shape = terms.shape;
    const safe = tf.where(broadcastTo(tf.equal(am1, tf.scalar(0)), shape), tf.zeros(shape), terms);
    return maskOutside(inside, tf.sub(tf.sum(safe, -1), this.logBeta()));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    // Normalized in log space (a softmax of log-gamma draws), so tiny concentrations give no 0/0.
    const logG = logStandardGamma(this.concentration, this.drawShape(sampleShape), seed);
    // Shifted by the largest entry (exactly 0 after the shift), then divided by the sum, so the
    // entries sum to 1 to float32 precision however negative the logs are.
    const e = tf.exp(tf.sub(logG, tf.max(logG, -1, true)));
    return tf.maximum(tf.div(e, tf.sum(e, -1, true)), tf.scalar(TINY));
  }

  protected override _mean(): tf.Tensor {
    const a = this.concentration;
    return tf.div(a, tf.sum(a, -1, true));
  }
  protected override _variance(): tf.Tensor {
    const a = this.concentration;
    const a0 = tf.sum(a, -1, true);
    return tf.div(tf.mul(a, tf.sub(a0, a)), tf.mul(tf.square(a0), tf.add(a0, tf.scalar(1))));
  }
  protected override _mode(): tf.Tensor {
    const a = this.concentration;
    const k = this._eventShape[0]!;
    const mode = tf.div(tf.sub(a, tf.scalar(1)), tf.sub(tf.sum(a, -1, true), tf.scalar(k)));
    const defined = tf.all(tf.greater(a, tf.scalar(1)), -1, true);
    return tf.where(broadcastTo(defined, mode.shape), mode, tf.fill(mode.shape, NaN));
  }
  protected override _entropy(): tf.Tensor {
    const a = this.concentration;
    const k = this._eventShape[0]!;
    const a0 = tf.sum(a, -1);
    const h = tf.sub(
      tf.add(this.logBeta(), tf.mul(tf.sub(a0, tf.scalar(k)), digamma(a0))),
      tf.sum(tf.mul(tf.sub(a, tf.scalar(1)), digamma(a)), -1),
    );
    return h;
  }
}
