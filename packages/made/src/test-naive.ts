// Test helper: the plain (autodiff) formula of a MADE, written independently of fusedMlp, used as
// the reference for outputs and gradients. Needs registered gradients (the test setup has them).
import * as tf from '@tensorflow/tfjs-core';
import type { MADE } from './made.js';

function act(z: tf.Tensor, name: string): tf.Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(z);
    case 'leakyrelu':
      return tf.leakyRelu(z, 0.2);
    case 'elu':
      return tf.elu(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.tanh(z);
    default:
      return z;
  }
}

/**
 * out = MADE(x, c) from `made`'s masks and the given weights [W0, b0, ...], with plain
 * matMul / mul / add ops. Mirrors the documented architecture, not the implementation.
 */
export function naiveMade(made: MADE, weights: tf.Tensor[], x: tf.Tensor, context?: tf.Tensor): tf.Tensor {
  const { eventSize: D, params: P, contextSize: C, residual } = made;
  const batchShape = x.shape.slice(0, -1);
  const B = batchShape.reduce((a, b) => a * b, 1);
  let c: tf.Tensor | undefined;
  if (context) c = context.rank === 1 ? tf.tile(tf.reshape(context, [1, C]), [B, 1]) : tf.reshape(context, [B, C]);
  const masks = made.masks;
  const nHidden = made.degrees.hidden.length;
  const layer = (h: tf.Tensor, i: number, mask: number[][], withContext: boolean, activation: string): tf.Tensor => {
    const W = weights[2 * i]!;
    const b = weights[2 * i + 1]!;
    const rows = withContext ? [...mask, ...Array.from({ length: C }, () => new Array(mask[0]!.length).fill(1))] : mask;
    const input = withContext ? tf.concat([h, c!], 1) : h;
    return act(tf.add(tf.matMul(input, tf.mul(W, tf.tensor2d(rows))), b), activation);
  };
  let h = tf.reshape(x, [B, D]);
  const hs = [h];
  for (let l = 0; l < nHidden; l++) {
    if (residual && l > 0 && l % 2 === 0) {
      h = tf.add(hs[l - 1]!, layer(h, l, masks[l]!, false, 'linear'));
    } else {
      h = layer(h, l, masks[l]!, C > 0, made.activation);
    }
    hs.push(h);
  }
  const outMask = masks[nHidden]!.map((row) => row.flatMap((v) => new Array(P).fill(v)));
  const out = layer(h, nHidden, outMask, C > 0, 'linear');
  return tf.reshape(out, [...batchShape, D, P]);
}
