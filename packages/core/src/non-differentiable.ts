import * as tf from '@tensorflow/tfjs-core';

/**
 * `fn(...inputs)` as one tape node whose gradient is zero for every input. For index and mask
 * computations (comparisons, argMax, oneHot) whose kernels have no registered gradient: autodiff
 * through them would throw although the derivative is zero almost everywhere.
 */
export function nonDifferentiable(fn: (...inputs: tf.Tensor[]) => tf.Tensor, ...inputs: tf.Tensor[]): tf.Tensor {
  // The gradient needs only the shapes: kept as plain arrays, because an enclosing tidy may
  // dispose the inputs before backprop runs.
  const shapes = inputs.map((t) => t.shape);
  return tf.customGrad((...args: unknown[]) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    // tfjs requires float32 gradients, even for int32 or bool inputs.
    return { value: fn(...xs), gradFunc: () => shapes.map((shape) => tf.zeros(shape, 'float32')) };
  })(...inputs);
}
