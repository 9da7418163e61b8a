import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums a gradient over the axes along which `shape` was broadcast to produce `dy`, then
 * reshapes it to `shape`: the adjoint of implicit broadcasting in binary ops.
 */
export function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  const reduced = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(reduced, shape);
}

/** 1.0 where `condition` holds, else 0.0, as float32. */
export function indicator(condition: tf.Tensor): tf.Tensor {
  return tf.cast(condition, 'float32');
}
