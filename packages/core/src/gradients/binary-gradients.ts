// Gradients of broadcasting binary kernels. Each partial derivative is summed back over the
// axes its input was broadcast along (`unbroadcast`).
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { indicator, unbroadcast } from './gradient-utils.js';

type Partial = (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor, y: tf.Tensor) => tf.Tensor;

function binary(kernelName: string, da: Partial, db: Partial, saveOutput = false): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    outputsToSave: saveOutput ? [true] : [],
    gradFunc: (dy, saved) => {
      const [a, b, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const g = dy as tf.Tensor;
      return {
        a: () => unbroadcast(da(g, a, b, y), a.shape),
        b: () => unbroadcast(db(g, a, b, y), b.shape),
      };
    },
  };
}

const zeroPartial: Partial = (dy) => tf.zerosLike(dy);

export const binaryGradients: GradConfig[] = [
  binary('Add', (dy) => dy, (dy) => dy),
  binary('Sub', (dy) => dy, (dy) => tf.neg(dy)),
  binary('Multiply', (dy, _a, b) => tf.mul(dy, tf.cast(b, 'float32')), (dy, a) => tf.mul(dy, tf.cast(a, 'float32'))),
  binary(
    'RealDiv',
    (dy, _a, b) => tf.div(dy, b),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
  ),
  binary(
    'SquaredDifference',
    (dy, a, b) => tf.mul(dy, tf.mul(tf.sub(a, b), 2)),
    (dy, a, b) => tf.mul(dy, tf.mul(tf.sub(b, a), 2)),
  ),
  // Ties send the gradient to `a`, as TensorFlow does.
  binary(
    'Maximum',
    (dy, a, b) => tf.mul(dy, indicator(tf.greaterEqual(a, b))),
    (dy, a, b) => tf.mul(dy, indicator(tf.less(a, b))),
  ),
  binary(
    'Minimum',
    (dy, a, b) => tf.mul(dy, indicator(tf.lessEqual(a, b))),
    (dy, a, b) => tf.mul(dy, indicator(tf.greater(a, b))),
  ),
  // d/da a^b = b a^(b-1); d/db a^b = a^b log a (taken as 0 where a <= 0, where it is undefined).
  binary(
    'Pow',
    (dy, a, b) => tf.mul(dy, tf.mul(b, tf.pow(a, tf.sub(b, 1)))),
    (dy, a, _b, y) => {
      const positive = tf.greater(a, 0);
      const logA = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a));
      return tf.mul(dy, tf.mul(y, logA));
    },
    true,
  ),
  binary(
    'Atan2',
    (dy, a, b) => tf.div(tf.mul(dy, b), tf.add(tf.square(a), tf.square(b))),
    (dy, a, b) => tf.div(tf.neg(tf.mul(dy, a)), tf.add(tf.square(a), tf.square(b))),
  ),
  // mod(a, b) = a - b floor(a / b), away from its jumps.
  binary(
    'Mod',
    (dy) => dy,
    (dy, a, b) => tf.mul(dy, tf.neg(tf.floor(tf.div(a, b)))),
  ),
  // Comparisons and logical ops are piecewise constant: zero gradients keep tf.where usable
  // with conditions computed from taped tensors.
  ...['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'FloorDiv'].map(
    (name) => binary(name, zeroPartial, zeroPartial),
  ),
];

/** where(condition, t, e): the gradient goes to the branch that was selected. */
export const selectGradient: GradConfig = {
  kernelName: 'Select',
  inputsToSave: ['condition'],
  gradFunc: (dy, saved) => {
    const [condition] = saved as [tf.Tensor];
    const g = dy as tf.Tensor;
    return {
      condition: () => tf.cast(tf.zerosLike(condition), 'float32'),
      t: () => tf.mul(g, tf.cast(condition, g.dtype)),
      e: () => tf.mul(g, tf.cast(tf.logicalNot(condition), g.dtype)),
    };
  },
};

/** Prelu(x, alpha) = x for x > 0, alpha * x otherwise; alpha broadcasts against x. */
export const preluGradient: GradConfig = {
  kernelName: 'Prelu',
  inputsToSave: ['x', 'alpha'],
  gradFunc: (dy, saved) => {
    const [x, alpha] = saved as [tf.Tensor, tf.Tensor];
    const g = dy as tf.Tensor;
    const positive = tf.greater(x, 0);
    return {
      x: () => tf.where(positive, g, tf.mul(g, alpha)),
      alpha: () => unbroadcast(tf.where(positive, tf.zerosLike(g), tf.mul(g, x)), alpha.shape),
    };
  },
};
