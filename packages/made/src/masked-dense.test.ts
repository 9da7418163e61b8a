import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { MaskedDense } from './masked-dense.js';

const MASK = [
  [1, 0, 1],
  [0, 1, 1],
];

describeEachBackend('MaskedDense', () => {
  it('equals act([x, c] @ (W * [M; 1]) + b), masked weights get zero gradient, no leaks', async () => {
    const layer = new MaskedDense({ inputSize: 2, units: 3, mask: MASK, contextSize: 1, activation: 'tanh', seed: 1 });
    tf.tidy(() => layer.bias.assign(tf.tensor1d([0.1, -0.2, 0.3])));
    const x = tf.tensor2d([[0.5, -1], [2, 0.25], [-0.3, 0.7]]);
    const c = tf.tensor2d([[1], [-2], [0.5]]);
    const W = (await layer.kernel.array()) as number[][];
    const b = [0.1, -0.2, 0.3];
    const xs = (await x.array()) as number[][];
    const cs = (await c.array()) as number[][];
    // float64 reference
    const expected = xs.map((row, n) =>
      [0, 1, 2].map((k) => Math.tanh(row[0]! * W[0]![k]! * MASK[0]![k]! + row[1]! * W[1]![k]! * MASK[1]![k]! + cs[n]![0]! * W[2]![k]! + b[k]!)),
    );
    await expectNoLeaks(async () => {
      const y = layer.apply(x, { context: c });
      await expectAllClose(y, expected, { atol: 1e-5, rtol: 1e-5 });
      y.dispose();
    });
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { context: c })) as tf.Scalar, layer.trainableVariables);
    const gW = (await grads[layer.kernel.name]!.array()) as number[][];
    expect(gW[0]![1]).toBe(0);
    expect(gW[1]![0]).toBe(0);
    expect(gW[0]![0]).not.toBe(0);
    expect(gW[2]![0]).not.toBe(0); // context row is unmasked
    tf.dispose([value, ...Object.values(grads), x, c]);
    layer.dispose();
  });
});

describe('MaskedDense: bad input', () => {
  it('names the argument', () => {
    expect(() => new MaskedDense({ inputSize: 0, units: 3 })).toThrow(/MaskedDense: inputSize must be a positive integer, received 0/);
    expect(() => new MaskedDense({ inputSize: 2, units: 3, mask: [[1, 0, 1]] })).toThrow(/MaskedDense: mask must be a 0\/1 matrix of shape \[2, 3\]/);
    expect(() => new MaskedDense({ inputSize: 2, units: 3, mask: [[1, 0, 2], [0, 0, 0]] })).toThrow(/mask/);
    expect(() => new MaskedDense({ inputSize: 2, units: 3, activation: 'swish' as never })).toThrow(/activation must be one of/);
    const layer = new MaskedDense({ inputSize: 2, units: 3 });
    const x = tf.zeros([4, 3]);
    expect(() => layer.apply(x)).toThrow(/MaskedDense.apply: x must be a tensor of shape \[\.\.\., 2\], received a float32 tensor of shape \[4, 3\]/);
    expect(() => tf.tidy(() => layer.apply(tf.zeros([4, 2]), { context: tf.zeros([4, 1]) }))).toThrow(/context must be undefined/);
    layer.dispose();
    x.dispose();
  });
});
