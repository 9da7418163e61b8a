import * as tf from '@tensorflow/tfjs-core';
import { argumentError, broadcastShapeOf, log1p, nonDifferentiable } from '@densityjs/core';
import { BaseDistribution, maskOutside, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { uniform } from './random.js';

/** Parameters of {@link Bernoulli}: exactly one of `logits` or `probs`. */
export interface BernoulliOptions extends BaseOptions {
  /** log(p / (1 - p)). */
  logits?: ParamLike;
  /** P(x = 1), in [0, 1]. */
  probs?: ParamLike;
}

/**
 * Bernoulli distribution on {0, 1}, parameterized by `logits` or `probs` (exactly one).
 *
 * log p(x) = -softplus((1 - 2x) · logit) for x ∈ {0, 1} (exact in both tails), -Infinity for
 * any other x. From probs: log p(1) = log p, log p(0) = log1p(-p). Mean p, variance p(1-p),
 * mode 1 if p > 1/2 else 0, entropy softplus(l) - l σ(l). Samples are int32 0/1.
 */
export class Bernoulli extends BaseDistribution {
  /** The logits as given; undefined when constructed from `probs`. */
  readonly logits: tf.Tensor | undefined;
  /** P(x = 1) as given; undefined when constructed from `logits`. */
  readonly probs: tf.Tensor | undefined;

  constructor({ logits, probs, validateArgs, ...unknown }: BernoulliOptions = {} as BernoulliOptions) {
    super('Bernoulli', validateArgs, unknown, ['logits', 'probs']);
    if ((logits === undefined) === (probs === undefined)) {
      throw argumentError('Bernoulli', 'logits/probs', 'exactly one of logits or probs', logits === undefined ? 'neither' : 'both');
    }
    if (probs !== undefined) {
      this.probs = this.param(probs, 'probs');
      this.check(this.probs, (v) => v >= 0 && v <= 1, 'probs', 'in [0, 1]');
      this._batchShape = this.probs.shape.slice();
    } else {
      this.logits = this.param(logits, 'logits');
      this._batchShape = this.logits.shape.slice();
    }
  }

  /** [log p(1), log p(0)] (not tidied: call inside tf.tidy). */
  logProbsOneZero(): [tf.Tensor, tf.Tensor] {
    if (this.logits) return [tf.neg(tf.softplus(tf.neg(this.logits))), tf.neg(tf.softplus(this.logits))];
    const p = this.probs!;
    return [tf.log(p), log1p(tf.neg(p))];
  }

  /** P(x = 1) (not tidied: call inside tf.tidy). */
  p(): tf.Tensor {
    return this.logits ? tf.sigmoid(this.logits) : this.probs!;
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const [l1, l0] = this.logProbsOneZero();
    const isOne = nonDifferentiable((v) => tf.equal(v, tf.scalar(1)), x);
    const isZero = nonDifferentiable((v) => tf.equal(v, tf.scalar(0)), x);
    const shape = broadcastShapeOf(x.shape, l1.shape)!;
    const value = tf.where(tf.broadcastTo(isOne, shape), tf.broadcastTo(l1, shape), tf.broadcastTo(l0, shape));
    return maskOutside(tf.logicalOr(isOne, isZero), value);
  }

  protected override sampleDtype(): tf.DataType {
    return 'int32';
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const u = uniform(this.drawShape(sampleShape), 0, 1, seed);
    return nonDifferentiable((a, b) => tf.cast(tf.less(a, b), 'int32'), u, this.p());
  }

  protected override _mean(): tf.Tensor {
    return tf.clone(this.p());
  }
  protected override _variance(): tf.Tensor {
    const p = this.p();
    return tf.mul(p, tf.sub(tf.scalar(1), p));
  }
  protected override _mode(): tf.Tensor {
    return nonDifferentiable((p) => tf.cast(tf.greater(p, tf.scalar(0.5)), 'int32'), this.p());
  }
  protected override _entropy(): tf.Tensor {
    const [l1, l0] = this.logProbsOneZero();
    const p = this.p();
    // -p log p - (1-p) log(1-p), with 0 log 0 = 0.
    const t1 = tf.where(tf.greater(p, tf.scalar(0)), tf.mul(p, l1), tf.zerosLike(p));
    const q = tf.sub(tf.scalar(1), p);
    const t0 = tf.where(tf.greater(q, tf.scalar(0)), tf.mul(q, l0), tf.zerosLike(q));
    return tf.neg(tf.add(t1, t0));
  }
  /** log F(x) = -Infinity below 0, log(1 - p) on [0, 1), 0 from 1 on. */
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    const [, l0] = this.logProbsOneZero();
    const shape = broadcastShapeOf(x.shape, l0.shape)!;
    const middle = tf.where(tf.broadcastTo(tf.less(x, tf.scalar(1)), shape), tf.broadcastTo(l0, shape), tf.zeros(shape));
    return maskOutside(tf.greaterEqual(x, tf.scalar(0)), middle);
  }
  /** log S(x) = 0 below 0, log p on [0, 1), -Infinity from 1 on. */
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    const [l1] = this.logProbsOneZero();
    const shape = broadcastShapeOf(x.shape, l1.shape)!;
    const middle = tf.where(tf.broadcastTo(tf.less(x, tf.scalar(1)), shape), tf.broadcastTo(l1, shape), tf.fill(shape, -Infinity));
    return tf.where(tf.broadcastTo(tf.less(x, tf.scalar(0)), shape), tf.zeros(shape), middle);
  }
  /** The smallest k in {0, 1} with F(k) >= q: 1 where q > 1 - p, else 0 (float32). */
  protected override _quantile(q: tf.Tensor): tf.Tensor {
    return nonDifferentiable((a, p) => tf.cast(tf.greater(a, tf.sub(tf.scalar(1), p)), 'float32'), q, this.p());
  }
}
