// Gradients of reductions: the upstream gradient is reshaped to the keepDims shape and
// broadcast back over the reduced axes.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

/** The reduced axes; Max names them `reductionIndices`, the other reductions `axis`. */
function reducedAxes(x: tf.Tensor, attrs: NamedAttrMap): number[] {
  return tf.util.parseAxisParam((attrs.reductionIndices ?? attrs.axis) as number | number[], x.shape);
}

/** `t` (a reduction's output or its gradient) reshaped to x's shape with reduced axes of size 1. */
function keepDims(t: tf.Tensor, inputShape: number[], axes: number[]): tf.Tensor {
  return tf.reshape(t, inputShape.map((d, i) => (axes.includes(i) ? 1 : d)));
}

const sumGradient: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const axes = reducedAxes(x, attrs);
    return { x: () => tf.mul(keepDims(dy as tf.Tensor, x.shape, axes), tf.ones(x.shape)) };
  },
};

const meanGradient: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const axes = reducedAxes(x, attrs);
    const count = axes.reduce((n, axis) => n * x.shape[axis]!, 1);
    return { x: () => tf.div(tf.mul(keepDims(dy as tf.Tensor, x.shape, axes), tf.ones(x.shape)), count) };
  },
};

/** Max and Min: the gradient flows to every element equal to the extremum. */
function extremumGradient(kernelName: 'Max' | 'Min'): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [tf.Tensor, tf.Tensor];
      const axes = reducedAxes(x, attrs);
      const yKeep = keepDims(y, x.shape, axes);
      const dyKeep = keepDims(dy as tf.Tensor, x.shape, axes);
      return { x: () => tf.mul(dyKeep, tf.cast(tf.equal(x, yKeep), 'float32')) };
    },
  };
}

const prodGradient: GradConfig = {
  kernelName: 'Prod',
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, y] = saved as [tf.Tensor, tf.Tensor];
    const axes = reducedAxes(x, attrs);
    // d prod / d x_i = prod / x_i (inputs are assumed non-zero).
    return { x: () => tf.div(tf.mul(keepDims(dy as tf.Tensor, x.shape, axes), keepDims(y, x.shape, axes)), x) };
  },
};

/** Softmax along `dim`: dx = y * (dy - sum(dy * y, dim)). */
const softmaxGradient: GradConfig = {
  kernelName: 'Softmax',
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [y] = saved as [tf.Tensor];
    const dim = attrs.dim as number[];
    const g = dy as tf.Tensor;
    return { logits: () => tf.mul(y, tf.sub(g, tf.sum(tf.mul(g, y), dim, true))) };
  },
};

/** LogSoftmax along `axis`: dx = dy - softmax * sum(dy, axis). */
const logSoftmaxGradient: GradConfig = {
  kernelName: 'LogSoftmax',
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [y] = saved as [tf.Tensor];
    const axis = attrs.axis as number;
    const g = dy as tf.Tensor;
    return { logits: () => tf.sub(g, tf.mul(tf.exp(y), tf.sum(g, axis, true))) };
  },
};

/** Cumsum's adjoint is the cumulative sum in the opposite direction. */
const cumsumGradient: GradConfig = {
  kernelName: 'Cumsum',
  gradFunc: (dy, _saved, attrs) => ({
    x: () => tf.cumsum(dy as tf.Tensor, attrs.axis as number, attrs.exclusive as boolean, !(attrs.reverse as boolean)),
  }),
};

export const reductionGradients: GradConfig[] = [
  sumGradient,
  meanGradient,
  extremumGradient('Max'),
  extremumGradient('Min'),
  prodGradient,
  softmaxGradient,
  logSoftmaxGradient,
  cumsumGradient,
];
