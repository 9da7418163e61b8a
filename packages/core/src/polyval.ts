// Polynomials of tensors, for the special functions' series and rational fits.
import * as tf from '@tensorflow/tfjs-core';

/** Horner evaluation of `c[0] + c[1] t + c[2] t^2 + ...` with tensor `t` (float32). */
export function polyval(coefficients: readonly number[], t: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, t), tf.scalar(coefficients[i]!));
  return acc;
}
