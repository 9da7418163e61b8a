import * as tf from '@tensorflow/tfjs-core';
import { argumentError, broadcastShapeOf, checkOptionKeys, checkSeed, raw, shapeText } from '@densityjs/core';
import { Categorical } from './categorical.js';
import type { Distribution } from './distribution.js';
import { Independent } from './independent.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';
import { Exponential } from './exponential.js';
import { Gamma } from './gamma.js';
import { digamma, lbeta, lgamma, matrixDiagPart, triangularSolveLower } from '@densityjs/core';
import { Bernoulli } from './bernoulli.js';
import { Beta } from './beta.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';

/**
 * A class whose instances are T (abstract classes included).
 * @inline
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T> = abstract new (...args: any[]) => T;
/** A closed form of KL(p || q) for a pair of families; returns shape = the broadcast batch shape. */
export type KLFunction<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => tf.Tensor;

const registry = new Map<Constructor<Distribution>, Map<Constructor<Distribution>, KLFunction<Distribution, Distribution>>>();

/**
 * Registers the closed form KL(p || q) for p an instance of P and q of Q. Lookup walks both
 * prototype chains (subclasses inherit), nearest match first. `fn` runs inside tf.tidy.
 */
export function registerKL<P extends Distribution, Q extends Distribution>(
  P: Constructor<P>,
  Q: Constructor<Q>,
  fn: KLFunction<P, Q>,
): void {
  if (typeof P !== 'function') throw argumentError('registerKL', 'P', "a distribution class (p's)", P);
  if (typeof Q !== 'function') throw argumentError('registerKL', 'Q', "a distribution class (q's)", Q);
  if (typeof fn !== 'function') throw argumentError('registerKL', 'fn', 'a function (p, q) => KL tensor', fn);
  let inner = registry.get(P);
  if (!inner) registry.set(P, (inner = new Map()));
  inner.set(Q, fn as KLFunction<Distribution, Distribution>);
}

function chain(obj: object): Constructor<Distribution>[] {
  const result: Constructor<Distribution>[] = [];
  let proto = Object.getPrototypeOf(obj) as { constructor: Constructor<Distribution> } | null;
  while (proto && proto !== Object.prototype) {
    result.push(proto.constructor);
    proto = Object.getPrototypeOf(proto) as typeof proto;
  }
  return result;
}

/** The registered closed form for (p, q), if any. */
export function findKL(p: Distribution, q: Distribution): KLFunction<Distribution, Distribution> | undefined {
  for (const P of chain(p)) {
    const inner = registry.get(P);
    if (!inner) continue;
    for (const Q of chain(q)) {
      const fn = inner.get(Q);
      if (fn) return fn;
    }
  }
  return undefined;
}

/** Options of {@link klDivergence}. */
export interface KLOptions {
  /** Monte Carlo sample count, used when no closed form is registered. */
  samples?: number;
  /** Seeds the Monte Carlo draws (any integer, 0 included). Default: a fresh random seed. */
  seed?: number;
}

/**
 * KL(p || q) = E_p[log p(x) - log q(x)], shape = the broadcast batch shape.
 *
 * Uses the closed form registered for the pair (Normal, MultivariateNormalDiag,
 * MultivariateNormalTriL, Categorical, Bernoulli, Independent of registered pairs, Uniform,
 * Exponential, Gamma, Beta are built in). Without one it
 * needs `{samples}` and returns the Monte Carlo estimate mean_i [log p(x_i) - log q(x_i)],
 * x_i ~ p (seeded by `seed`), which is unbiased with standard error ~ 1/sqrt(samples).
 */
export function klDivergence(p: Distribution, q: Distribution, opts: KLOptions = {}): tf.Tensor {
  checkDistribution(p, 'p');
  checkDistribution(q, 'q');
  checkOptionKeys('klDivergence', opts, ['samples', 'seed'], { argument: 'opts' });
  const { samples, seed } = opts;
  checkSeed('klDivergence', seed, 'opts.seed');
  if (shapeText(p.eventShape) !== shapeText(q.eventShape) || !broadcastShapeOf(p.batchShape, q.batchShape)) {
    throw argumentError(
      'klDivergence',
      'q',
      `a distribution with p's event shape ${shapeText(p.eventShape)} and a batch shape that broadcasts with p's ${shapeText(p.batchShape)}`,
      raw(`batch shape ${shapeText(q.batchShape)}, event shape ${shapeText(q.eventShape)}`),
    );
  }
  const fn = findKL(p, q);
  if (fn) return tf.tidy(() => fn(p, q));
  if (samples === undefined) {
    throw argumentError(
      'klDivergence',
      'opts.samples',
      `a sample count for a Monte Carlo estimate (no closed form is registered for ${nameOf(p)} || ${nameOf(q)})`,
      samples,
    );
  }
  if (!Number.isInteger(samples) || samples < 1) {
    throw argumentError('klDivergence', 'opts.samples', 'a positive integer', samples);
  }
  return tf.tidy(() => {
    const { sample, logProb } = p.sampleAndLogProb(samples, { seed });
    return tf.mean(tf.sub(logProb, q.logProb(sample)), 0);
  });
}

/** A distribution: an object with logProb, sampleAndLogProb and batch and event shapes. */
function checkDistribution(d: unknown, argument: string): void {
  const x = d as Partial<Distribution> | null;
  const ok =
    typeof x === 'object' && x !== null && typeof x.logProb === 'function' && typeof x.sampleAndLogProb === 'function' && Array.isArray(x.batchShape) && Array.isArray(x.eventShape);
  if (!ok) throw argumentError('klDivergence', argument, 'a distribution (logProb, sampleAndLogProb, batchShape, eventShape)', d);
}

function nameOf(d: Distribution): string {
  return (d as { name?: string }).name ?? d.constructor.name;
}

// KL(N(μ1, σ1²) || N(μ2, σ2²)) = log(σ2/σ1) + (σ1² + (μ1 - μ2)²)/(2σ2²) - 1/2
registerKL(Normal, Normal, (p, q) => {
  const ratio = tf.div(p.scale, q.scale);
  const diff = tf.div(tf.sub(p.loc, q.loc), q.scale);
  return tf.add(tf.mul(tf.scalar(0.5), tf.add(tf.square(ratio), tf.square(diff))), tf.sub(tf.neg(tf.log(ratio)), tf.scalar(0.5)));
});

// Sum of the per-coordinate Normal KLs.
registerKL(MultivariateNormalDiag, MultivariateNormalDiag, (p, q) => {
  const ratio = tf.div(p.scaleDiag, q.scaleDiag);
  const diff = tf.div(tf.sub(p.loc, q.loc), q.scaleDiag);
  const terms = tf.add(tf.mul(tf.scalar(0.5), tf.add(tf.square(ratio), tf.square(diff))), tf.sub(tf.neg(tf.log(ratio)), tf.scalar(0.5)));
  return tf.sum(terms, -1);
});

// Σ_k p_k (log p_k - log q_k), with 0 log 0 = 0.
registerKL(Categorical, Categorical, (p, q) => {
  const lp = tf.logSoftmax(p.logits);
  const lq = tf.logSoftmax(q.logits);
  const pk = tf.exp(lp);
  const terms = tf.where(tf.greater(pk, tf.scalar(0)), tf.mul(pk, tf.sub(lp, lq)), tf.zerosLike(tf.add(pk, lq)));
  return tf.sum(terms, -1);
});

// Independent of a registered pair: the base KL summed over the reinterpreted dims.
registerKL(Independent, Independent, (p, q) => {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw argumentError(
      'klDivergence',
      'q',
      `an Independent reinterpreting ${p.reinterpretedBatchNdims} batch dims, as p does`,
      raw(`one reinterpreting ${q.reinterpretedBatchNdims}`),
    );
  }
  const base = klDivergence(p.distribution, q.distribution);
  const n = p.reinterpretedBatchNdims;
  if (n === 0) return base;
  return tf.sum(base, Array.from({ length: n }, (_, i) => base.rank - n + i));
});

// log((b_q - a_q)/(b_p - a_p)) when [a_p, b_p) ⊆ [a_q, b_q), else +Infinity.
registerKL(Uniform, Uniform, (p, q) => {
  const value = tf.sub(tf.log(tf.sub(q.high, q.low)), tf.log(tf.sub(p.high, p.low)));
  const inside = tf.logicalAnd(tf.lessEqual(q.low, p.low), tf.greaterEqual(q.high, p.high));
  const shape = broadcastShapeOf(inside.shape, value.shape)!;
  return tf.where(tf.broadcastTo(inside, shape), tf.broadcastTo(value, shape), tf.scalar(Infinity));
});

// log(λ_p/λ_q) + λ_q/λ_p - 1
registerKL(Exponential, Exponential, (p, q) => {
  const ratio = tf.div(q.rate, p.rate);
  return tf.sub(tf.sub(ratio, tf.log(ratio)), tf.scalar(1));
});

// (α_p - α_q) ψ(α_p) - log Γ(α_p) + log Γ(α_q) + α_q (log β_p - log β_q) + α_p (β_q - β_p)/β_p
registerKL(Gamma, Gamma, (p, q) => {
  const ap = p.concentration;
  const aq = q.concentration;
  const t1 = tf.mul(tf.sub(ap, aq), digamma(ap));
  const t2 = tf.sub(lgamma(aq), lgamma(ap));
  const t3 = tf.mul(aq, tf.sub(tf.log(p.rate), tf.log(q.rate)));
  const t4 = tf.mul(ap, tf.div(tf.sub(q.rate, p.rate), p.rate));
  return tf.add(tf.add(t1, t2), tf.add(t3, t4));
});

// p1 (log p1 - log q1) + p0 (log p0 - log q0), with 0 log 0 = 0.
registerKL(Bernoulli, Bernoulli, (p, q) => {
  const [lp1, lp0] = p.logProbsOneZero();
  const [lq1, lq0] = q.logProbsOneZero();
  const p1 = p.p();
  const p0 = tf.sub(tf.scalar(1), p1);
  const t1 = tf.where(tf.greater(p1, tf.scalar(0)), tf.mul(p1, tf.sub(lp1, lq1)), tf.zerosLike(tf.add(p1, lq1)));
  const t0 = tf.where(tf.greater(p0, tf.scalar(0)), tf.mul(p0, tf.sub(lp0, lq0)), tf.zerosLike(tf.add(p0, lq0)));
  return tf.add(t1, t0);
});

// log B(a2, b2) - log B(a1, b1) + (a1 - a2) ψ(a1) + (b1 - b2) ψ(b1) + (a2 - a1 + b2 - b1) ψ(a1 + b1)
registerKL(Beta, Beta, (p, q) => {
  const [a1, b1, a2, b2] = [p.concentration1, p.concentration0, q.concentration1, q.concentration0];
  const t = tf.add(tf.sub(lbeta(a2, b2), lbeta(a1, b1)), tf.add(tf.mul(tf.sub(a1, a2), digamma(a1)), tf.mul(tf.sub(b1, b2), digamma(b1))));
  return tf.add(t, tf.mul(tf.sub(tf.add(a2, b2), tf.add(a1, b1)), digamma(tf.add(a1, b1))));
});

// (|Lq⁻¹ Lp|_F² + |Lq⁻¹ (μq - μp)|² - d)/2 + Σ log diag Lq - Σ log diag Lp, by triangular solves.
registerKL(MultivariateNormalTriL, MultivariateNormalTriL, (p, q) => {
  const d = p.eventShape[0]!;
  const Lp = p.scaleTril;
  const Lq = q.scaleTril;
  // Columns of Lp as rows, each solved against Lq: Lq⁻¹ Lp, transposed.
  const perm = [...Array(Lp.rank - 2).keys(), Lp.rank - 1, Lp.rank - 2];
  const solved = triangularSolveLower(tf.expandDims(Lq, -3), tf.transpose(Lp, perm));
  const trace = tf.sum(tf.square(solved), [-2, -1]);
  const z = triangularSolveLower(Lq, tf.sub(q.loc, p.loc));
  const mahalanobis = tf.sum(tf.square(z), -1);
  const logDet = tf.sub(tf.sum(tf.log(matrixDiagPart(Lq)), -1), tf.sum(tf.log(matrixDiagPart(Lp)), -1));
  return tf.add(tf.mul(tf.scalar(0.5), tf.sub(tf.add(trace, mahalanobis), tf.scalar(d))), logDet);
});
