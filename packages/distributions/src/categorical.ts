import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkValues, raw, tryReadSync, nonDifferentiable } from '@densityjs/core';
import { BaseDistribution, maskOutside, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { uniformOpen } from './random.js';

/** Parameters of {@link Categorical}: exactly one of `logits` or `probs`. */
export interface CategoricalOptions extends BaseOptions {
  /** Unnormalized log-probabilities, shape batch + [K]. */
  logits?: ParamLike;
  /** Probabilities (a simplex along the last axis), shape batch + [K]. */
  probs?: ParamLike;
}

/**
 * Categorical distribution over {0, ..., K-1}, parameterized by `logits` or `probs` (exactly one).
 *
 * log p(k) = logits_k - logsumexp(logits), computed with logSoftmax; values outside
 * {0, ..., K-1} (or non-integers) get -Infinity. Samples are int32 indices drawn by the
 * Gumbel-max trick (argmax of logits + Gumbel noise) from seeded uniforms, so a seed reproduces
 * them on every backend. No gather is used, so logProb's gradient works on every backend.
 */
export class Categorical extends BaseDistribution {
  /** As given, or log(probs) when constructed from probs. */
  readonly logits: tf.Tensor;
  /** The probabilities as given; undefined when constructed from `logits`. */
  readonly probs: tf.Tensor | undefined;
  /** Number of categories K (the last dim of the parameter). */
  readonly numCategories: number;

  constructor({ logits, probs, validateArgs, ...unknown }: CategoricalOptions = {} as CategoricalOptions) {
    super('Categorical', validateArgs, unknown, ['logits', 'probs']);
    if ((logits === undefined) === (probs === undefined)) {
      throw argumentError('Categorical', 'logits/probs', 'exactly one of logits or probs', logits === undefined ? 'neither' : 'both');
    }
    const argument = probs !== undefined ? 'probs' : 'logits';
    const t = this.param(probs ?? logits, argument);
    this.checkCategoryAxis(t, argument);
    if (probs !== undefined) {
      this.probs = t;
      if (this.validateArgs) {
        try {
          checkSimplex(this.probs, 'Categorical', 'probs');
        } catch (e) {
          throw this.fail(e);
        }
      }
      this.logits = tf.log(this.probs);
      this.owned.push(this.logits);
    } else {
      this.logits = t;
      this.probs = undefined;
      // NaN is refused with every parameter (BaseDistribution.param).
      this.check(this.logits, (v) => v !== Infinity, 'logits', 'finite or -Infinity');
    }
    this.numCategories = this.logits.shape[this.logits.rank - 1]!;
    this._batchShape = this.logits.shape.slice(0, -1);
  }

  /** Normalized log-probabilities log p_k, shape batch + [K]. */
  logProbs(): tf.Tensor {
    return tf.tidy(() => tf.logSoftmax(this.logits));
  }

  /** Probabilities p_k, shape batch + [K]. */
  probsParameter(): tf.Tensor {
    return tf.tidy(() => tf.softmax(this.logits));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const K = this.numCategories;
    const logp = tf.logSoftmax(this.logits);
    const mask = nonDifferentiable((v) => tf.equal(tf.expandDims(v, -1), tf.range(0, K, 1, 'float32')), x);
    // where(mask, logp, 0), not mask * logp: a zero probability would give 0 * -inf = NaN.
    const picked = tf.sum(whereConst(mask, logp, 0), -1);
    return maskOutside(nonDifferentiable((m) => tf.any(m, -1), mask), picked);
  }

  protected override sampleDtype(): tf.DataType {
    return 'int32';
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const shape = [...sampleShape, ...this._batchShape, this.numCategories];
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniformOpen(shape, seed)))));
    return nonDifferentiable((l, g) => tf.argMax(tf.add(l, g), -1), this.logits, gumbel);
  }

  protected override _mode(): tf.Tensor {
    return nonDifferentiable((l) => tf.argMax(l, -1), this.logits);
  }

  protected override _entropy(): tf.Tensor {
    const logp = tf.logSoftmax(this.logits);
    const p = tf.exp(logp);
    return tf.neg(tf.sum(whereConst(tf.greater(p, tf.scalar(0)), tf.mul(p, logp), 0), -1));
  }
  /**
   * log F(x) = log Σ_{k <= ⌊x⌋} p_k (a masked logSumExp of the log-probabilities): -Infinity
   * below 0, 0 from K - 1 on.
   */
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return this.maskedLogSum(x, true);
  }
  /** log S(x) = log Σ_{k > ⌊x⌋} p_k, without the cancellation of 1 - F(x). */
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return this.maskedLogSum(x, false);
  }
  /**
   * The smallest k with cdf(k) >= p: the number of categories whose cumulative probability
   * (a cumulative sum of the softmax) is below p, at most K - 1. Not differentiable.
   */
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    const K = this.numCategories;
    return nonDifferentiable((l, pv) => {
      const cumulative = tf.cumsum(tf.softmax(l), l.rank - 1);
      const below = tf.cast(tf.less(cumulative, tf.expandDims(pv, -1)), 'float32');
      return tf.minimum(tf.sum(below, -1), tf.scalar(K - 1));
    }, this.logits, p);
  }
  /** log of the summed probabilities of k <= ⌊x⌋ (`atOrBelow`) or k > ⌊x⌋. */
  private maskedLogSum(x: tf.Tensor, atOrBelow: boolean): tf.Tensor {
    const K = this.numCategories;
    const logp = tf.logSoftmax(this.logits);
    const mask = nonDifferentiable((v) => {
      const k = tf.range(0, K, 1, 'float32');
      const floor = tf.expandDims(tf.floor(v), -1);
      return atOrBelow ? tf.lessEqual(k, floor) : tf.greater(k, floor);
    }, x);
    // A large negative fill, not -Infinity: logSumExp of all -Infinity would be NaN.
    const total = tf.logSumExp(whereConst(mask, logp, -1e30), -1);
    return maskOutside(nonDifferentiable((m) => tf.any(m, -1), mask), total);
  }
}

/** probs must be >= 0 and sum to 1 along the last axis (within float32 rounding). */
export function checkSimplex(probs: tf.Tensor, owner: string, argument: string): void {
  checkValues(probs, (v) => v >= 0 && v <= 1, owner, argument, 'a simplex along the last axis (entries in [0, 1])');
  const sums = tf.sum(probs, -1);
  const data = tryReadSync(sums);
  sums.dispose();
  if (!data) return;
  const K = probs.shape[probs.rank - 1]!;
  for (let i = 0; i < data.length; i++) {
    if (Math.abs(data[i]! - 1) > 1e-5 * Math.max(1, K)) {
      throw argumentError(owner, argument, 'a simplex along the last axis (entries summing to 1)', raw(`a row summing to ${data[i]} (row ${i})`));
    }
  }
}
