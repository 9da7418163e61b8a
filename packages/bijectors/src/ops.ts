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
