import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, argumentError, deriveSeed, lgamma, nonDifferentiable } from '@densityjs/core';
import { sampleBinomial } from './binomial.js';
import { checkSimplex } from './categorical.js';
import {
  BaseDistribution,
  broadcastTo,
  maskOutside,
  whereConst,
  type BaseOptions,
  type ParamLike,
  type SampleOptions,
} from './distribution.js';

/** Parameters of {@link Multinomial}: `totalCount` and exactly one of `logits` or `probs`. */
export interface MultinomialOptions extends BaseOptions {
  /** Number of trials n (a non-negative integer), batch shape. */
  totalCount: ParamLike;
  /** Category log-probabilities up to a constant, batch + [K] (exactly one of logits and probs). */
  logits?: ParamLike;
  /** Category probabilities on the simplex, batch + [K]. */
  probs?: ParamLike;
}

/**
 * Multinomial distribution: counts of K categories in n independent draws; event shape [K].
 *
 * log p(x) = log n! - Σ_k log x_k! + Σ_k x_k log p_k for non-negative integer counts summing to
 * n (-Infinity otherwise; 0 · log 0 = 0 for a category of probability 0). Mean n p, variance
 * n p (1 - p). Samples (int32) are K - 1 conditional binomial draws: x_k ~ Binomial(n - Σ_{j<k}
 * x_j, p_k / Σ_{j>=k} p_j), the last category taking the rest. Not reparameterized.
 */
export class Multinomial extends BaseDistribution {
  /** Number of trials n. */
  readonly totalCount: tf.Tensor;
  /** The logits as given; undefined when constructed from `probs`. */
  readonly logits: tf.Tensor | undefined;
  /** The category probabilities as given; undefined when constructed from `logits`. */
  readonly probs: tf.Tensor | undefined;

  constructor({ totalCount, logits, probs, validateArgs, ...unknown }: MultinomialOptions = {} as MultinomialOptions) {
    super('Multinomial', validateArgs, unknown, ['totalCount', 'logits', 'probs']);
    if ((logits === undefined) === (probs === undefined)) {
      throw argumentError('Multinomial', 'logits/probs', 'exactly one of logits or probs', logits === undefined ? 'neither' : 'both');
    }
    this.totalCount = this.param(totalCount, 'totalCount');
    this.check(this.totalCount, (v) => Number.isInteger(v) && v >= 0, 'totalCount', 'a non-negative integer');
    const argument = probs !== undefined ? 'probs' : 'logits';
    const t = this.param(probs ?? logits, argument);
    this.checkCategoryAxis(t, argument);
    if (probs !== undefined) {
      this.probs = t;
      if (this.validateArgs) {
        try {
          checkSimplex(t, this.name, 'probs');
        } catch (e) {
          throw this.fail(e);
        }
      }
    } else {
      this.logits = t;
      this.check(t, (v) => v < Infinity, 'logits', 'below +Infinity');
    }
    this._batchShape = this.batchOf({ totalCount: this.totalCount, [argument]: t }, { [argument]: 1 });
    this._eventShape = [t.shape[t.rank - 1]!];
  }

  /** log p_k, batch + [K] (not tidied). */
  private logP(): tf.Tensor {
    return this.logits ? tf.logSoftmax(this.logits) : tf.log(this.probs!);
  }
  private p(): tf.Tensor {
    return this.logits ? tf.softmax(this.logits) : this.probs!;
  }

  protected _logProb(xIn: tf.Tensor): tf.Tensor {
    const x = asFloat32(xIn);
    const n = this.totalCount;
    const inside = nonDifferentiable(
      (v, m) =>
        tf.logicalAnd(
          tf.all(tf.logicalAnd(tf.greaterEqual(v, tf.scalar(0)), tf.equal(v, tf.floor(v))), -1),
          tf.equal(tf.sum(v, -1), m),
        ),
      x,
      n,
    );
    const xs = whereConst(tf.greaterEqual(x, tf.scalar(0)), x, 0);
    const logP = this.logP();
    const shape = tf.add(xs, logP).shape;
    // 0 · log 0 = 0.
    const terms = tf.where(tf.equal(broadcastTo(xs, shape), tf.scalar(0)), tf.zeros(shape), tf.mul(xs, logP));
    const value = tf.add(tf.sub(lgamma(tf.add(n, tf.scalar(1))), tf.sum(lgamma(tf.add(xs, tf.scalar(1))), -1)), tf.sum(terms, -1));
    return maskOutside(inside, value);
  }

  protected override sampleDtype(): tf.DataType {
    return 'int32';
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const K = this._eventShape[0]!;
    const shape = [...sampleShape, ...this._batchShape];
    return nonDifferentiable(
      (n, p) => {
        const columns = tf.unstack(broadcastTo(p, [...this._batchShape, K]), -1);
        let remaining = broadcastTo(n, shape);
        let mass = tf.ones(this._batchShape);
        const counts: tf.Tensor[] = [];
        for (let k = 0; k < K - 1; k++) {
          const share = tf.clipByValue(tf.div(columns[k]!, tf.maximum(mass, tf.scalar(1e-30))), 0, 1);
          const draw = sampleBinomial(remaining, share, shape, deriveSeed(seed, k));
          counts.push(draw);
          remaining = tf.maximum(tf.sub(remaining, draw), tf.scalar(0));
          mass = tf.sub(mass, columns[k]!);
        }
        counts.push(remaining);
        return tf.cast(tf.stack(counts, -1), 'int32');
      },
      this.totalCount,
      this.p(),
    );
  }

  protected override _mean(): tf.Tensor {
    return broadcastTo(tf.mul(tf.expandDims(this.totalCount, -1), this.p()), [...this._batchShape, ...this._eventShape]);
  }
  protected override _variance(): tf.Tensor {
    const p = this.p();
    return broadcastTo(tf.mul(tf.mul(tf.expandDims(this.totalCount, -1), p), tf.sub(tf.scalar(1), p)), [...this._batchShape, ...this._eventShape]);
  }
}
