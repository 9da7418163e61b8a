import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, argumentError, deriveSeed, log1p, logBetainc, logBetaincPair, nonDifferentiable } from '@densityjs/core';
import { integerQuantile, largestEntry } from './integer-quantile.js';
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
import { bd0, stirlerr } from './saddle-point.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Binomial}: `totalCount` and exactly one of `logits` or `probs`. */
export interface BinomialOptions extends BaseOptions {
  /** Number of trials n (a non-negative integer). */
  totalCount: ParamLike;
  /** log(p / (1 - p)) (exactly one of logits and probs). */
  logits?: ParamLike;
  /** Success probability p in [0, 1]. */
  probs?: ParamLike;
}

/**
 * log C(n, k) p^k q^(n-k) for integers 0 <= k <= n (no check), q = 1 - p given as log p and
 * log q, in Loader's saddle-point form for 0 < k < n:
 *   stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, np) - bd0(n - k, nq) + log(n / (2π k (n - k)))/2,
 * and k log p or (n - k) log q at the ends. Accurate for counts in the millions.
 */
export function binomialLogPmf(k: tf.Tensor, n: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.exp(logP);
    const q = tf.exp(logQ);
    const interior = tf.logicalAnd(tf.greater(k, tf.scalar(0)), tf.less(k, n));
    // Safe stand-ins where a branch is unused (no log 0, no 0/0 in either value or gradient).
    const ks = tf.clipByValue(whereConst(interior, k, 1), 1, Infinity);
    const nk = tf.maximum(whereConst(interior, tf.sub(n, k), 1), tf.scalar(1));
    const ns = tf.maximum(n, tf.scalar(2));
    const np = tf.maximum(tf.mul(ns, p), tf.scalar(1e-37));
    const nq = tf.maximum(tf.mul(ns, q), tf.scalar(1e-37));
    const middle = tf.add(
      tf.sub(tf.sub(tf.sub(stirlerr(ns), stirlerr(ks)), stirlerr(nk)), tf.add(bd0(ks, np), bd0(nk, nq))),
      tf.mul(tf.scalar(0.5), tf.sub(tf.log(ns), tf.add(tf.add(tf.log(ks), tf.log(nk)), tf.scalar(2 * HALF_LOG_TWO_PI)))),
    );
    // k = 0: n log q; k = n: n log p (0 · log 0 = 0 when n = 0).
    const atZero = tf.where(tf.equal(n, tf.scalar(0)), tf.zerosLike(tf.mul(n, logQ)), tf.mul(n, logQ));
    const atN = tf.where(tf.equal(n, tf.scalar(0)), tf.zerosLike(tf.mul(n, logP)), tf.mul(n, logP));
    const shape = middle.shape;
    const ends = tf.where(broadcastTo(tf.equal(k, tf.scalar(0)), shape), broadcastTo(atZero, shape), broadcastTo(atN, shape));
    return tf.where(broadcastTo(interior, shape), middle, ends);
  });
}

/** Proposals per draw of BTRS (each accepted with probability > 0.85 for n min(p, q) >= 10). */
const BTRS_ROUNDS = 10;
/** Terms of the inversion sampler for n min(p, q) < 10. */
const INVERSION_TERMS = 48;

/**
 * Binomial(n, p) draws (float32 integers) for p <= 1/2 (the caller mirrors p > 1/2): inversion
 * of the cdf (INVERSION_TERMS terms, the uniform scaled by their mass) where np < 10, Hörmann's
 * BTRS ("The generation of binomial random variates", 1993) elsewhere, its acceptance test on
 * binomialLogPmf(k) - binomialLogPmf(mode). A draw whose BTRS_ROUNDS proposals all fail takes
 * the mode.
 */
function drawBinomial(n: tf.Tensor, p: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  return tf.tidy(() => {
    const nb = broadcastTo(n, shape);
    const pb = broadcastTo(p, shape);
    const q = tf.sub(tf.scalar(1), pb);
    const logP = tf.log(tf.maximum(pb, tf.scalar(1e-37)));
    const logQ = log1p(tf.neg(pb));
    // Inversion: f(0) = q^n, f(i + 1) = f(i) (n - i)/(i + 1) p/q.
    const ratio = tf.div(pb, tf.maximum(q, tf.scalar(1e-37)));
    let term = tf.exp(tf.mul(nb, logQ));
    let total = term;
    const cumulative: tf.Tensor[] = [total];
    for (let i = 1; i < INVERSION_TERMS; i++) {
      term = tf.mul(term, tf.mul(tf.div(tf.maximum(tf.sub(nb, tf.scalar(i - 1)), tf.scalar(0)), tf.scalar(i)), ratio));
      total = tf.add(total, term);
      cumulative.push(total);
    }
    const u = tf.mul(uniform(shape, 0, 1, deriveSeed(seed, 0)), total);
    let count: tf.Tensor = tf.zeros(shape);
    for (const f of cumulative) count = tf.add(count, tf.cast(tf.greater(u, f), 'float32'));
    // BTRS on parameters clamped into its range (np >= 10); the other branch is discarded.
    const nBig = tf.maximum(nb, tf.div(tf.scalar(10), tf.maximum(pb, tf.scalar(1e-6))));
    const spq = tf.sqrt(tf.mul(tf.mul(nBig, pb), q));
    const b = tf.add(tf.scalar(1.15), tf.mul(tf.scalar(2.53), spq));
    const a = tf.add(tf.add(tf.scalar(-0.0873), tf.mul(tf.scalar(0.0248), b)), tf.mul(tf.scalar(0.01), pb));
    const c = tf.add(tf.mul(nBig, pb), tf.scalar(0.5));
    const vr = tf.sub(tf.scalar(0.92), tf.div(tf.scalar(4.2), b));
    const alpha = tf.mul(tf.add(tf.scalar(2.83), tf.div(tf.scalar(5.1), b)), spq);
    const mode = tf.floor(tf.mul(tf.add(nBig, tf.scalar(1)), pb));
    const logMode = binomialLogPmf(mode, nBig, logP, logQ);
    const U = uniform([BTRS_ROUNDS, ...shape], -0.5, 0.5, deriveSeed(seed, 1));
    const V = uniform([BTRS_ROUNDS, ...shape], 0, 1, deriveSeed(seed, 2));
    const us = tf.maximum(tf.sub(tf.scalar(0.5), tf.abs(U)), tf.scalar(1e-6));
    const k = tf.floor(tf.add(tf.mul(tf.add(tf.div(tf.mul(tf.scalar(2), a), us), b), U), c));
    const kSafe = tf.clipByValue(k, 0, Infinity);
    const kIn = tf.minimum(kSafe, nBig);
    const squeeze = tf.logicalAnd(tf.greaterEqual(us, tf.scalar(0.07)), tf.lessEqual(V, vr));
    const outside = tf.logicalOr(tf.less(k, tf.scalar(0)), tf.greater(k, nBig));
    const lhs = tf.log(tf.div(tf.mul(V, alpha), tf.add(tf.div(a, tf.square(us)), b)));
    const rhs = tf.sub(binomialLogPmf(kIn, nBig, logP, logQ), logMode);
    const accept = tf.logicalAnd(tf.logicalNot(outside), tf.logicalOr(squeeze, tf.lessEqual(lhs, rhs)));
    const acceptRounds = tf.unstack(accept);
    const kRounds = tf.unstack(kIn);
    let big: tf.Tensor = mode;
    for (let r = BTRS_ROUNDS - 1; r >= 0; r--) big = tf.where(acceptRounds[r]!, kRounds[r]!, big);
    return tf.where(tf.less(tf.mul(nb, pb), tf.scalar(10)), count, big);
  });
}

/**
 * Binomial(n, p) draws of shape `shape` (float32 integers, n and p broadcast to it) for any
 * p in [0, 1]: drawBinomial on min(p, 1 - p), mirrored as n - k for p > 1/2. Not differentiable.
 */
export function sampleBinomial(n: tf.Tensor, p: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  return tf.tidy(() => {
    const high = tf.greater(p, tf.scalar(0.5));
    const pLow = tf.where(high, tf.sub(tf.scalar(1), p), p);
    const draw = drawBinomial(n, pLow, shape, seed);
    return tf.where(broadcastTo(high, shape), tf.sub(broadcastTo(n, shape), draw), draw);
  });
}

/**
 * Binomial distribution: successes in n independent trials of probability p, on {0, ..., n}.
 *
 * log p(k) = log C(n, k) + k log p + (n - k) log(1 - p), by Loader's saddle-point form
 * (binomialLogPmf), -Infinity for k outside {0, ..., n} or not an integer; from logits, log p =
 * -softplus(-l) and log(1 - p) = -softplus(l). Mean np, variance np(1 - p), mode
 * ⌊(n + 1)p⌋ (n when p = 1). cdf(x) = I_{1-p}(n - k, k + 1) and survival function
 * I_p(k + 1, n - k) at k = ⌊x⌋ (regularized incomplete beta; each computed directly, so both tails
 * keep their relative precision, and their logs in log space); quantile(p) is the smallest k with
 * cdf(k) >= p, by bisection on {0, ..., n}. Samples are int32 (inversion or BTRS, mirrored for
 * p > 1/2); not reparameterized.
 */
export class Binomial extends BaseDistribution {
  /** Number of trials n. */
  readonly totalCount: tf.Tensor;
  /** log(p / (1 - p)) as given; undefined when constructed from `probs`. */
  readonly logits: tf.Tensor | undefined;
  /** Success probability p as given; undefined when constructed from `logits`. */
  readonly probs: tf.Tensor | undefined;

  /** The largest total count, when the counts were given as numbers (the top of the quantile search). */
  private readonly searchTop: number | undefined;

  constructor({ totalCount, logits, probs, validateArgs, ...unknown }: BinomialOptions = {} as BinomialOptions) {
    super('Binomial', validateArgs, unknown, ['totalCount', 'logits', 'probs']);
    if ((logits === undefined) === (probs === undefined)) {
      throw argumentError('Binomial', 'logits/probs', 'exactly one of logits or probs', logits === undefined ? 'neither' : 'both');
    }
    this.totalCount = this.param(totalCount, 'totalCount');
    this.check(this.totalCount, (v) => Number.isInteger(v) && v >= 0, 'totalCount', 'a non-negative integer');
    if (probs !== undefined) {
      this.probs = this.param(probs, 'probs');
      this.check(this.probs, (v) => v >= 0 && v <= 1, 'probs', 'in [0, 1]');
      this._batchShape = this.batchOf({ totalCount: this.totalCount, probs: this.probs });
    } else {
      this.logits = this.param(logits, 'logits');
      this._batchShape = this.batchOf({ totalCount: this.totalCount, logits: this.logits });
    }
    const largest = largestEntry(totalCount);
    this.searchTop = largest !== undefined && Number.isFinite(largest) ? largest : undefined;
  }

  /** [log p, log(1 - p)] (not tidied). */
  private logPQ(): [tf.Tensor, tf.Tensor] {
    if (this.logits) return [tf.neg(tf.softplus(tf.neg(this.logits))), tf.neg(tf.softplus(this.logits))];
    return [tf.log(this.probs!), log1p(tf.neg(this.probs!))];
  }

  private p(): tf.Tensor {
    return this.logits ? tf.sigmoid(this.logits) : this.probs!;
  }

  protected _logProb(xIn: tf.Tensor): tf.Tensor {
    const x = asFloat32(xIn);
    const n = this.totalCount;
    const inside = nonDifferentiable(
      (v, m) => tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(v, tf.scalar(0)), tf.lessEqual(v, m)), tf.equal(v, tf.floor(v))),
      x,
      n,
    );
    const k = whereConst(inside, x, 0);
    const [logP, logQ] = this.logPQ();
    return maskOutside(inside, binomialLogPmf(k, n, logP, logQ));
  }

  protected override sampleDtype(): tf.DataType {
    return 'int32';
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    return nonDifferentiable(
      (n, p) => tf.cast(sampleBinomial(n, p, shape, seed), 'int32'),
      this.totalCount,
      this.p(),
    );
  }

  /** [p, 1 - p], each without cancellation (from logits: σ(l) and σ(-l)). */
  private pq(): [tf.Tensor, tf.Tensor] {
    if (this.logits) return [tf.sigmoid(this.logits), tf.sigmoid(tf.neg(this.logits))];
    return [this.probs!, tf.sub(tf.scalar(1), this.probs!)];
  }

  /**
   * log P(X <= ⌊x⌋) (`upper` false) or log P(X > ⌊x⌋): log I_q(n - k, k + 1) or log I_p(k + 1, n - k)
   * for 0 <= k < n, with the ends (k < 0, k >= n) patched.
   */
  private logSide(x: tf.Tensor, upper: boolean): tf.Tensor {
    const n = this.totalCount;
    const k = nonDifferentiable((v) => tf.floor(v), x);
    const [p, q] = this.pq();
    const inside = tf.logicalAnd(tf.greaterEqual(k, tf.scalar(0)), tf.less(k, n));
    // Safe stand-ins outside 0 <= k < n (both beta parameters positive); patched below.
    const ks = whereConst(inside, k, 0);
    const rest = tf.sub(n, ks);
    const a = whereConst(inside, upper ? tf.add(ks, tf.scalar(1)) : rest, 1);
    const b = whereConst(inside, upper ? rest : tf.add(ks, tf.scalar(1)), 1);
    const value = logBetainc(a, b, upper ? p : q);
    const below = tf.less(k, tf.scalar(0));
    const outsideValue = upper ? tf.where(below, tf.zerosLike(value), tf.fill(value.shape, -Infinity)) : tf.where(below, tf.fill(value.shape, -Infinity), tf.zerosLike(value));
    return tf.where(broadcastTo(inside, value.shape), value, outsideValue);
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return this.logSide(x, false);
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return this.logSide(x, true);
  }
  protected override _quantile(prob: tf.Tensor): tf.Tensor {
    const [p, q] = this.pq();
    // log F(k) = log I_q(n - k, k + 1) and log S(k) = log I_p(k + 1, n - k) = log(1 - I_q(n - k, k + 1)),
    // from one incomplete beta evaluation (q and p both exact); 0 and -Infinity from k = n on.
    const tails = (k: tf.Tensor, n?: tf.Tensor, pv?: tf.Tensor, qv?: tf.Tensor) => {
      const inside = tf.less(k, n!);
      const rest = whereConst(inside, tf.sub(n!, k), 1);
      const { logCdf, logSurvival } = logBetaincPair(rest, tf.add(k, tf.scalar(1)), qv!, pv!);
      const atTop = broadcastTo(inside, logCdf.shape);
      return {
        logCdf: tf.where(atTop, logCdf, tf.zerosLike(logCdf)),
        logSurvival: tf.where(atTop, logSurvival, tf.fill(logSurvival.shape, -Infinity)),
      };
    };
    return integerQuantile(prob, this.totalCount, tails, [this.totalCount, p, q], false, this.searchTop);
  }
  protected override _mean(): tf.Tensor {
    return broadcastTo(tf.mul(this.totalCount, this.p()), this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    const p = this.p();
    return broadcastTo(tf.mul(tf.mul(this.totalCount, p), tf.sub(tf.scalar(1), p)), this._batchShape);
  }
  protected override _mode(): tf.Tensor {
    return nonDifferentiable((n, p) => broadcastTo(tf.minimum(tf.floor(tf.mul(tf.add(n, tf.scalar(1)), p)), n), this._batchShape), this.totalCount, this.p());
  }
}
