// Gradient of (batched) matMul.
//
// Why our own: the backward pass of y = a @ b needs products with transposed operands, and
// tfjs-backend-wasm sends matMul with transposeA/transposeB to a slow path that skips XNNPACK
// (10-20x slower). On wasm we transpose explicitly and multiply plainly; other backends take
// the flags directly (a transpose there is an extra copy for nothing).
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { unbroadcast } from './gradient-utils.js';

function swapLastTwo(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
  return tf.transpose(t, perm);
}

/** a' @ b' where ' is an optional transpose of the last two dims, fast on every backend. */
export function matMulFast(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if ((transposeA || transposeB) && tf.getBackend() === 'wasm') {
    return tf.matMul(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b);
  }
  return tf.matMul(a, b, transposeA, transposeB);
}

export const matMulGradient: GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const g = dy as tf.Tensor;
    const tA = attrs.transposeA as boolean;
    const tB = attrs.transposeB as boolean;
    const batchShape = (t: tf.Tensor, result: tf.Tensor) =>
      // Sum over batch dims that were broadcast; the last two dims always match.
      unbroadcast(result, t.shape);
    if (!tA && !tB) {
      return { a: () => batchShape(a, matMulFast(g, b, false, true)), b: () => batchShape(b, matMulFast(a, g, true, false)) };
    }
    if (!tA && tB) {
      return { a: () => batchShape(a, matMulFast(g, b)), b: () => batchShape(b, matMulFast(g, a, true, false)) };
    }
    if (tA && !tB) {
      return { a: () => batchShape(a, matMulFast(b, g, false, true)), b: () => batchShape(b, matMulFast(a, g)) };
    }
    return { a: () => batchShape(a, matMulFast(b, g, true, true)), b: () => batchShape(b, matMulFast(g, a, true, true)) };
  },
};
