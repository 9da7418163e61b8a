// Small tensor helpers shared by the bijectors. Internal: not exported from the package.
import * as tf from '@tensorflow/tfjs-core';
import { nonDifferentiable } from '@densityjs/core';

/** Sums the last `n` axes (n = 0: unchanged). */
export function sumRightmost(t: tf.Tensor, n: number): tf.Tensor {
  if (n === 0) return t;
  const axes: number[] = [];
  for (let i = t.rank - n; i < t.rank; i++) axes.push(i);
  return tf.sum(t, axes);
}

/** 1.0 where `x < 0`, else 0.0, float32, without a gradient. */
export function negativeMask(x: tf.Tensor): tf.Tensor {
  return nonDifferentiable((t) => tf.cast(tf.less(t, 0), 'float32'), x);
}

/**
 * Soft clamp of a log-scale to (-bound, bound): `sign * bound * tanh(s / bound)`. Identity near
 * 0 (slope 1), so a conditioner's output is used as is when small, and training can never reach
 * an infinite or zero scale. `bound = Infinity` disables the clamp. `sign = -1` gives the
 * negated clamp in the same number of kernels.
 */
export function softClamp(s: tf.Tensor, bound: number, sign: 1 | -1 = 1): tf.Tensor {
  if (!Number.isFinite(bound)) return sign === 1 ? s : tf.neg(s);
  return tf.mul(tf.tanh(tf.mul(s, 1 / bound)), sign * bound);
}

/** Shape with the last `n` dims dropped. */
export function batchShapeOf(shape: readonly number[], n: number): number[] {
  return shape.slice(0, shape.length - n);
}
