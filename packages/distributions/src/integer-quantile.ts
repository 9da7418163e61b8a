// The quantile of a distribution on the integers {0, 1, ..., high}, by bisection on its cdf.
import * as tf from '@tensorflow/tfjs-core';
import { nonDifferentiable, tryReadSync } from '@densityjs/core';

/** Bisection steps when the upper ends cannot be read synchronously (webgpu): up to 2^32. */
const DEFAULT_STEPS = 32;

/**
 * The smallest integer k in [0, high] with cdf(k) >= p, elementwise (p, high and `params`
 * broadcast), as float32: bisection on the integers, ⌈log2(high + 1)⌉ + 1 steps (32 where the
 * ends cannot be read synchronously). Each step tests cdf(k) >= p for p <= 1/2 and, above, the
 * equivalent survival(k) <= 1 - p (1 - p is exact in float32 there, and the survival function
 * keeps its relative precision where the cdf rounds to 1). `high` must satisfy
 * cdf(high) >= p for every p < 1; p = 1 gives +Infinity when `unbounded` (the support has no
 * largest point), `high` otherwise; p = 0 gives 0; NaN stays NaN. Not differentiable (a step
 * function of p and the parameters).
 */
export function integerQuantile(
  p: tf.Tensor,
  high: tf.Tensor,
  cdf: (k: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor,
  survival: (k: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor,
  params: tf.Tensor[],
  unbounded: boolean,
): tf.Tensor {
  const ends = tryReadSync(high);
  const largest = ends && ends.length > 0 ? Math.max(...Array.from(ends)) : NaN;
  const steps = Number.isFinite(largest) ? Math.ceil(Math.log2(Math.max(largest, 1) + 1)) + 1 : DEFAULT_STEPS;
  return nonDifferentiable(
    (pv, hv, ...pars) => {
      const shape = tf.broadcast_util.assertAndGetBroadcastShape(pv.shape, hv.shape);
      let lo: tf.Tensor = tf.zeros(shape);
      let hi: tf.Tensor = tf.broadcastTo(hv, shape);
      const upper = tf.greater(pv, tf.scalar(0.5));
      const rest = tf.sub(tf.scalar(1), pv);
      for (let i = 0; i < steps; i++) {
        // One tidy per step: the cdf evaluations' intermediates are freed as the search goes.
        const [nextLo, nextHi] = tf.tidy(() => {
          const mid = tf.floor(tf.mul(tf.add(lo, hi), tf.scalar(0.5)));
          // A logical select, not tf.where: wasm's select kernel mishandles bool operands.
          const enough = tf.logicalOr(
            tf.logicalAnd(upper, tf.lessEqual(survival(mid, ...pars), rest)),
            tf.logicalAnd(tf.logicalNot(upper), tf.greaterEqual(cdf(mid, ...pars), pv)),
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
