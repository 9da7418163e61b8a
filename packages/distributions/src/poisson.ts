import * as tf from '@tensorflow/tfjs-core';
import {
  asFloat32,
  argumentError,
  deriveSeed,
  igamma,
  igammac,
  logIgamma,
  logIgammaPair,
  logIgammac,
  nonDifferentiable,
} from '@densityjs/core';
import { integerQuantile, largestEntry } from './integer-quantile.js';
import { bd0, stirlerr } from './saddle-point.js';
import {
  BaseDistribution,
  broadcastTo,
  maskOutside,
  whereConst,
  type BaseOptions,
  type ParamLike,
  type SampleOptions,
} from './distribution.js';
import { uniform } from './random.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Poisson}: exactly one of `rate` or `logRate`. */
export interface PoissonOptions extends BaseOptions {
  /** Rate λ > 0 (exactly one of rate and logRate). */
  rate?: ParamLike;
  /** log λ. */
  logRate?: ParamLike;
}

/**
 * log of the Poisson pmf at integer k >= 0 (no check), in Loader's saddle-point form (C. Loader,
 * "Fast and accurate computation of binomial probabilities", 2000), which has no cancellation of
 * k log λ against λ for large rates:
 *   log p(k) = -bd0(k, λ) - log(2πk)/2 - stirlerr(k),  log p(0) = -λ.
 */
export function poissonLogPmf(k: tf.Tensor, rate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const kp = tf.maximum(k, tf.scalar(1));
    const positive = tf.neg(tf.add(tf.add(bd0(kp, rate), tf.mul(tf.scalar(0.5), tf.log(kp))), tf.add(stirlerr(kp), tf.scalar(HALF_LOG_TWO_PI))));
    const zero = tf.neg(rate);
    const shape = positive.shape;
    return tf.where(broadcastTo(tf.equal(k, tf.scalar(0)), shape), broadcastTo(zero, shape), positive);
  });
}

/** Proposals per draw of the PTRS sampler (each accepted with probability > 0.85 for λ >= 10). */
const PTRS_ROUNDS = 10;
/** Terms of the inversion sampler for λ < 10 (P(X >= 48 | λ = 10) < 1e-17). */
const INVERSION_TERMS = 48;

/**
 * Poisson(λ) draws of shape `shape` (float32 integer values): inversion of the cdf for λ < 10
 * (a fixed number of terms, the uniform scaled by the summed mass so no draw runs past the last
 * term), Hörmann's transformed rejection with squeeze (PTRS, "The transformed rejection method
 * for generating Poisson random variables", 1993) for λ >= 10, with the acceptance test on
 * poissonLogPmf so it stays exact at large λ. A draw whose PTRS_ROUNDS proposals are all
 * rejected (probability < 1e-8) takes floor(λ).
 */
function drawPoisson(rate: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  return tf.tidy(() => {
    const lam = broadcastTo(rate, shape);
    // Inversion, on λ clamped to its range (the other branch is discarded by the final where).
    const lamSmall = tf.minimum(lam, tf.scalar(10));
    const cumulative: tf.Tensor[] = [];
    let term = tf.exp(tf.neg(lamSmall));
    let total = term;
    cumulative.push(total);
    for (let i = 1; i < INVERSION_TERMS; i++) {
      term = tf.mul(term, tf.div(lamSmall, tf.scalar(i)));
      total = tf.add(total, term);
      cumulative.push(total);
    }
    const u = tf.mul(uniform(shape, 0, 1, deriveSeed(seed, 0)), total);
    let count: tf.Tensor = tf.zeros(shape);
    for (const f of cumulative) count = tf.add(count, tf.cast(tf.greater(u, f), 'float32'));
    // PTRS.
    const lamBig = tf.maximum(lam, tf.scalar(10));
    const slam = tf.sqrt(lamBig);
    const b = tf.add(tf.scalar(0.931), tf.mul(tf.scalar(2.53), slam));
    const a = tf.add(tf.scalar(-0.059), tf.mul(tf.scalar(0.02483), b));
    const logInvAlpha = tf.log(tf.add(tf.scalar(1.1239), tf.div(tf.scalar(1.1328), tf.sub(b, tf.scalar(3.4)))));
    const vr = tf.sub(tf.scalar(0.9277), tf.div(tf.scalar(3.6224), tf.sub(b, tf.scalar(2))));
    const U = uniform([PTRS_ROUNDS, ...shape], -0.5, 0.5, deriveSeed(seed, 1));
    const V = uniform([PTRS_ROUNDS, ...shape], 0, 1, deriveSeed(seed, 2));
    const us = tf.maximum(tf.sub(tf.scalar(0.5), tf.abs(U)), tf.scalar(1e-6));
    const k = tf.floor(tf.add(tf.mul(tf.add(tf.div(tf.mul(tf.scalar(2), a), us), b), U), tf.add(lamBig, tf.scalar(0.43))));
    const kSafe = tf.maximum(k, tf.scalar(0));
    const squeeze = tf.logicalAnd(tf.greaterEqual(us, tf.scalar(0.07)), tf.lessEqual(V, vr));
    const reject = tf.logicalOr(tf.less(k, tf.scalar(0)), tf.logicalAnd(tf.less(us, tf.scalar(0.013)), tf.greater(V, us)));
    const lhs = tf.sub(tf.add(tf.log(V), logInvAlpha), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
    const accept = tf.logicalOr(squeeze, tf.logicalAnd(tf.logicalNot(reject), tf.lessEqual(lhs, poissonLogPmf(kSafe, lamBig))));
    const acceptRounds = tf.unstack(accept);
    const kRounds = tf.unstack(kSafe);
    let big: tf.Tensor = tf.floor(lamBig);
    for (let r = PTRS_ROUNDS - 1; r >= 0; r--) big = tf.where(acceptRounds[r]!, kRounds[r]!, big);
    return tf.where(tf.less(lam, tf.scalar(10)), count, big);
  });
}

/**
 * Poisson distribution on {0, 1, 2, ...} with rate λ: p(k) = λ^k e^{-λ} / k!.
 *
 * log p(k) by Loader's saddle-point form (poissonLogPmf: accurate from λ = 1e-6 to 1e6 and beyond),
 * -Infinity for negative or non-integer k. cdf(x) = Q(⌊x⌋ + 1, λ) (the upper regularized
 * incomplete gamma function, accurate in the lower tail; log cdf by logIgammac) and the survival
 * function P(⌊x⌋ + 1, λ) (log S by logIgamma, accurate in the upper tail). quantile(p) is the
 * smallest integer k with cdf(k) >= p, by bisection on [0, λ + 8√λ + 40] (+Infinity at p = 1).
 * Mean λ, variance λ, mode ⌊λ⌋. Samples are int32 (see drawPoisson); not reparameterized.
 */
export class Poisson extends BaseDistribution {
  /** Rate λ as given; undefined when constructed from `logRate`. */
  readonly rate: tf.Tensor | undefined;
  /** log λ as given; undefined when constructed from `rate`. */
  readonly logRate: tf.Tensor | undefined;

  /** The top of the quantile search for the largest rate, when the rates were given as numbers. */
  private readonly searchTop: number | undefined;

  constructor({ rate, logRate, validateArgs, ...unknown }: PoissonOptions = {} as PoissonOptions) {
    super('Poisson', validateArgs, unknown, ['rate', 'logRate']);
    if ((rate === undefined) === (logRate === undefined)) {
      throw argumentError('Poisson', 'rate/logRate', 'exactly one of rate or logRate', rate === undefined ? 'neither' : 'both');
    }
    if (rate !== undefined) {
      this.rate = this.param(rate, 'rate');
      this.check(this.rate, Number.isFinite, 'rate', 'finite');
      this.check(this.rate, (v) => v > 0, 'rate', '> 0');
      this._batchShape = this.rate.shape.slice();
    } else {
      this.logRate = this.param(logRate, 'logRate');
      this.check(this.logRate, Number.isFinite, 'logRate', 'finite');
      this._batchShape = this.logRate.shape.slice();
    }
    const largest = rate !== undefined ? largestEntry(rate) : largestEntry(logRate);
    const lam = largest === undefined ? undefined : rate !== undefined ? largest : Math.exp(largest);
    this.searchTop = lam === undefined || !Number.isFinite(lam) ? undefined : Math.ceil(lam + 8 * Math.sqrt(Math.max(lam, 0)) + 41);
  }

  /** λ (not tidied: call inside tf.tidy). */
  private lambda(): tf.Tensor {
    return this.rate ?? tf.exp(this.logRate!);
  }

  protected _logProb(xIn: tf.Tensor): tf.Tensor {
    const x = asFloat32(xIn);
    const inside = nonDifferentiable((v) => tf.logicalAnd(tf.greaterEqual(v, tf.scalar(0)), tf.equal(v, tf.floor(v))), x);
    const k = whereConst(inside, x, 0);
    return maskOutside(inside, poissonLogPmf(k, this.lambda()));
  }

  protected override sampleDtype(): tf.DataType {
    return 'int32';
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    return nonDifferentiable((lam) => tf.cast(drawPoisson(lam, this.drawShape(sampleShape), seed), 'int32'), this.lambda());
  }

  /** ⌊x⌋ + 1 for x >= 0 (1 below), the shape parameter of the incomplete gamma functions. */
  private shapeAt(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.floor(tf.maximum(x, tf.scalar(0))), tf.scalar(1));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return whereConst(tf.greaterEqual(x, tf.scalar(0)), igammac(this.shapeAt(x), this.lambda()), 0);
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return whereConst(tf.greaterEqual(x, tf.scalar(0)), logIgammac(this.shapeAt(x), this.lambda()), -Infinity);
  }
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    const lam = this.lambda();
    // P(X > λ + 8√λ + 40) < 1e-9 for every λ: the cdf there rounds to 1 in float32.
    const high = tf.ceil(tf.add(tf.add(lam, tf.mul(tf.scalar(8), tf.sqrt(lam))), tf.scalar(40)));
    // log F(k) = log Q(k + 1, λ), log S(k) = log P(k + 1, λ): one incomplete gamma evaluation.
    const tails = (k: tf.Tensor, lamValue?: tf.Tensor) => {
      const { logCdf, logSurvival } = logIgammaPair(tf.add(k, tf.scalar(1)), lamValue!);
      return { logCdf: logSurvival, logSurvival: logCdf };
    };
    return integerQuantile(p, high, tails, [lam], true, this.searchTop);
  }
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return whereConst(tf.greaterEqual(x, tf.scalar(0)), igamma(this.shapeAt(x), this.lambda()), 1);
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return whereConst(tf.greaterEqual(x, tf.scalar(0)), logIgamma(this.shapeAt(x), this.lambda()), 0);
  }
  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.lambda(), this._batchShape));
  }
  protected override _variance(): tf.Tensor {
    return tf.clone(broadcastTo(this.lambda(), this._batchShape));
  }
  protected override _mode(): tf.Tensor {
    return nonDifferentiable((lam) => tf.floor(lam), broadcastTo(this.lambda(), this._batchShape));
  }
}
