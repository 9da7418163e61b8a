// The quantile of a distribution on the integers {0, 1, ..., high}, by bisection on its cdf.
import * as tf from '@tensorflow/tfjs-core';
import { log1p, nonDifferentiable, tryReadSync } from '@densityjs/core';

/**
 * Bisection steps when the upper ends cannot be read synchronously (webgpu): 25 cover [0, 2^24],
 * every integer float32 holds exactly.
 */
const DEFAULT_STEPS = 25;

/**
 * The largest entry of a parameter given as a number or nested arrays of numbers, known on the
 * host before any tensor exists; undefined for a tensor (or anything else).
 */
export function largestEntry(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (!Array.isArray(value)) return undefined;
  let largest = -Infinity;
  for (const v of value) {
    const entry = largestEntry(v);
    if (entry === undefined) return undefined;
    largest = Math.max(largest, entry);
  }
  return largest;
}

/** log F(k) and log S(k) of a discrete family, from one evaluation. */
export type LogTails = (k: tf.Tensor, ...params: tf.Tensor[]) => { logCdf: tf.Tensor; logSurvival: tf.Tensor };

/**
 * The smallest integer k in [0, high] with cdf(k) >= p, elementwise (p, high and `params`
 * broadcast), as float32: bisection on the integers, ⌈log2(high + 1)⌉ + 1 steps, each one
 * evaluation of `logTails`; the largest end comes from `high` read synchronously, else from
 * `knownHigh` (a bound the caller knows on the host, e.g. from parameters given as numbers),
 * else 25 steps (webgpu with tensor parameters). A step tests
 * log F(k) >= log p for p <= 1/2 and, above, the equivalent log S(k) <= log(1 - p) (1 - p is exact
 * in float32 there, and S keeps its relative precision where F rounds to 1). `high` must satisfy
 * cdf(high) >= p for every p < 1; p = 1 gives +Infinity when `unbounded` (the support has no
 * largest point), `high` otherwise; p = 0 gives 0; NaN stays NaN. Not differentiable (a step
 * function of p and the parameters).
 */
export function integerQuantile(
  p: tf.Tensor,
  high: tf.Tensor,
  logTails: LogTails,
  params: tf.Tensor[],
  unbounded: boolean,
  knownHigh?: number,
): tf.Tensor {
  const ends = tryReadSync(high);
  const largest = ends && ends.length > 0 ? Math.max(...Array.from(ends)) : (knownHigh ?? NaN);
  const steps = Number.isFinite(largest) ? Math.min(Math.ceil(Math.log2(Math.max(largest, 1) + 1)) + 1, DEFAULT_STEPS) : DEFAULT_STEPS;
  return nonDifferentiable(
    (pv, hv, ...pars) => {
      const shape = tf.broadcast_util.assertAndGetBroadcastShape(pv.shape, hv.shape);
      let lo: tf.Tensor = tf.zeros(shape);
      let hi: tf.Tensor = tf.broadcastTo(hv, shape);
      const upper = tf.greater(pv, tf.scalar(0.5));
      const lower = tf.logicalNot(upper);
      const logP = tf.log(pv);
      const logRest = log1p(tf.neg(pv));
      for (let i = 0; i < steps; i++) {
        // One tidy per step: the evaluations' intermediates are freed as the search goes.
        const [nextLo, nextHi] = tf.tidy(() => {
          const mid = tf.floor(tf.mul(tf.add(lo, hi), tf.scalar(0.5)));
          const { logCdf, logSurvival } = logTails(mid, ...pars);
          // A logical select, not tf.where: wasm's select kernel mishandles bool operands.
          const enough = tf.logicalOr(
            tf.logicalAnd(upper, tf.lessEqual(logSurvival, logRest)),
            tf.logicalAnd(lower, tf.greaterEqual(logCdf, logP)),
          );
          const h = tf.where(enough, mid, hi);
          return [tf.where(enough, lo, tf.minimum(tf.add(mid, tf.scalar(1)), h)), h];
        });
        tf.dispose([lo, hi]);
        lo = nextLo!;
        hi = nextHi!;
      }
      // p = 1: the top of the support (its survival function may round to 0 below it).
      const k = tf.where(tf.equal(tf.broadcastTo(pv, shape), tf.scalar(1)), unbounded ? tf.fill(shape, Infinity) : tf.broadcastTo(hv, shape), hi);
      return tf.where(tf.isNaN(tf.broadcastTo(pv, shape)), tf.fill(shape, NaN), k);
    },
    p,
    high,
    ...params,
  );
}
