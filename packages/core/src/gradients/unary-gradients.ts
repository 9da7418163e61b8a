// Gradients of elementwise unary kernels: d/dx f(x) * dy. Every formula uses only forward
// kernels, so it runs on any backend without other registered gradients.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { indicator } from './gradient-utils.js';

type Unary = (dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor, attrs: NamedAttrMap) => tf.Tensor;

/** A config for kernel `name` with input `x`, saving x and/or the output y as the rule needs. */
function unary(kernelName: string, rule: Unary, save: { x?: boolean; y?: boolean } = { x: true }): GradConfig {
  return {
    kernelName,
    inputsToSave: save.x ? ['x'] : [],
    outputsToSave: save.y ? [true] : [],
    gradFunc: (dy, saved, attrs) => {
      const x = save.x ? saved[0]! : (undefined as unknown as tf.Tensor);
      const y = save.y ? saved[save.x ? 1 : 0]! : (undefined as unknown as tf.Tensor);
      return { x: () => rule(dy as tf.Tensor, x, y, attrs) };
    },
  };
}

const zero: Unary = (dy) => tf.zerosLike(dy);
const float = (t: tf.Tensor) => tf.cast(t, 'float32');

export const unaryGradients: GradConfig[] = [
  unary('Identity', (dy) => tf.clone(dy), {}),
  unary('Cast', (dy) => tf.clone(dy), {}),
  unary('Neg', (dy) => tf.neg(dy), {}),
  unary('Exp', (dy, _x, y) => tf.mul(dy, y), { y: true }),
  unary('Expm1', (dy, x) => tf.mul(dy, tf.exp(x))),
  unary('Log', (dy, x) => tf.div(dy, float(x))),
  unary('Log1p', (dy, x) => tf.div(dy, tf.add(x, 1))),
  unary('Sqrt', (dy, x) => tf.div(dy, tf.mul(tf.sqrt(float(x)), 2))),
  unary('Rsqrt', (dy, x) => tf.div(dy, tf.mul(tf.pow(x, 1.5), -2))),
  unary('Square', (dy, x) => tf.mul(dy, tf.mul(float(x), 2))),
  unary('Reciprocal', (dy, x) => tf.div(dy, tf.neg(tf.square(x)))),
  unary('Abs', (dy, x) => tf.mul(dy, tf.sign(float(x)))),
  unary('Sigmoid', (dy, _x, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y))), { y: true }),
  unary('Tanh', (dy, _x, y) => tf.mul(dy, tf.sub(1, tf.square(y))), { y: true }),
  unary('Softplus', (dy, x) => tf.mul(dy, tf.sigmoid(x))),
  unary('Relu', (dy, x) => tf.mul(dy, indicator(tf.greater(x, 0)))),
  unary('Relu6', (dy, x) => tf.mul(dy, indicator(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6))))),
  // elu'(x) = 1 for x > 0, exp(x) = elu(x) + 1 otherwise.
  unary('Elu', (dy, _x, y) => tf.where(tf.greater(y, 0), dy, tf.mul(dy, tf.add(y, 1))), { y: true }),
  unary('Selu', (dy, x) => {
    const scale = 1.0507009873554805;
    const alpha = 1.6732632423543772;
    return tf.where(tf.greater(x, 0), tf.mul(dy, scale), tf.mul(dy, tf.mul(tf.exp(x), scale * alpha)));
  }),
  unary('LeakyRelu', (dy, x, _y, attrs) =>
    tf.where(tf.greater(x, 0), dy, tf.mul(dy, attrs.alpha as number)),
  ),
  unary('Erf', (dy, x) => tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI)))),
  unary('Sin', (dy, x) => tf.mul(dy, tf.cos(x))),
  unary('Cos', (dy, x) => tf.mul(dy, tf.neg(tf.sin(x)))),
  unary('Tan', (dy, x) => tf.div(dy, tf.square(tf.cos(x)))),
  unary('Atan', (dy, x) => tf.div(dy, tf.add(tf.square(x), 1))),
  unary('Asin', (dy, x) => tf.div(dy, tf.sqrt(tf.sub(1, tf.square(x))))),
  unary('Acos', (dy, x) => tf.neg(tf.div(dy, tf.sqrt(tf.sub(1, tf.square(x)))))),
  unary('Sinh', (dy, x) => tf.mul(dy, tf.cosh(x))),
  unary('Cosh', (dy, x) => tf.mul(dy, tf.sinh(x))),
  unary('Asinh', (dy, x) => tf.div(dy, tf.sqrt(tf.add(tf.square(x), 1)))),
  unary('Atanh', (dy, x) => tf.div(dy, tf.sub(1, tf.square(x)))),
  unary('ClipByValue', (dy, x, _y, attrs) => {
    const inside = tf.logicalAnd(
      tf.greaterEqual(x, attrs.clipValueMin as number),
      tf.lessEqual(x, attrs.clipValueMax as number),
    );
    return tf.mul(dy, indicator(inside));
  }),
  // Piecewise-constant or non-float outputs: zero gradient, so that tf.where / masks built from
  // comparisons on taped tensors can be differentiated (tfjs ships no gradient for Greater).
  ...['Sign', 'Floor', 'Ceil', 'Round', 'Step', 'IsNan', 'IsInf', 'IsFinite', 'LogicalNot', 'OnesLike', 'ZerosLike'].map(
    (name) => unary(name, zero, {}),
  ),
  // Integer- or bool-valued index kernels: nothing flows back to their inputs.
  ...(
    [
      ['OneHot', 'indices'],
      ['Any', 'x'],
      ['All', 'x'],
      ['ArgMax', 'x'],
      ['ArgMin', 'x'],
    ] as const
  ).map(
    ([kernelName, input]): GradConfig => ({
      kernelName,
      inputsToSave: [input],
      gradFunc: (_dy, saved) => ({ [input]: () => tf.zeros(saved[0]!.shape) }),
    }),
  ),
];
