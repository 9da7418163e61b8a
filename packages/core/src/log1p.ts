import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';

/**
 * log(1 + x), elementwise, accurate to float32 precision for every x >= -1 on every backend.
 *
 * tfjs-backend-wasm evaluates Log1p as log(1 + x): 0 for |x| < 6e-8 and a relative error of
 * ~2e-4 at x = 1e-4, which the tails of log-densities and CDFs (log1p(-F), log1p(-s/t)) inherit.
 * Off the cpu backend (whose kernel is Math.log1p) this computes the Taylor series for |x| < 1e-2
 * and, above, log(u) x / (u - 1) with u = 1 + x rounded (Goldberg's correction: the rounding of u
 * cancels between log u and u - 1), and x itself where x is +Infinity.
 *
 * Differentiable: d/dx log(1 + x) = 1 / (1 + x).
 */
export function log1p(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xf = asFloat32(x);
    if (tf.getBackend() === 'cpu') return tf.log1p(xf);
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const input = args[0] as tf.Tensor;
      const save = args[1] as tf.GradSaveFunc;
      save([input]);
      const u = tf.add(tf.scalar(1), input);
      const infinite = tf.equal(input, tf.scalar(Infinity));
      const corrected = tf.div(tf.mul(tf.log(u), input), tf.sub(u, tf.scalar(1)));
      // Below |x| = 1e-2 the series x - x²/2 + x³/3 - x⁴/4 + x⁵/5 (next term < 2e-11 of the
      // value): GPU logs lose absolute precision just below 1, which the correction cannot undo.
      const small = tf.less(tf.abs(input), tf.scalar(1e-2));
      let series: tf.Tensor = tf.scalar(1 / 5);
      for (const c of [-1 / 4, 1 / 3, -1 / 2, 1]) series = tf.add(tf.mul(series, input), tf.scalar(c));
      return {
        value: tf.where(small, tf.mul(series, input), tf.where(infinite, input, corrected)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => tf.div(dy, tf.add(tf.scalar(1), saved[0]!))),
      };
    });
    return op(xf);
  });
}
