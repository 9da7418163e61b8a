import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { fusedDense, fusedMlp, type DenseActivation, type FusedLayer } from './fused-dense.js';
import { setDirectKernelsEnabled } from './kernels/direct-backend.js';

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

function plainAct(z: tf.Tensor, act: DenseActivation): tf.Tensor {
  if (act === 'relu') return tf.relu(z);
  if (act === 'leakyrelu') return tf.leakyRelu(z, 0.2);
  if (act === 'elu') return tf.elu(z);
  if (act === 'sigmoid') return tf.sigmoid(z);
  if (act === 'tanh') return tf.tanh(z);
  return z;
}

describeEachBackend('fusedMlp', () => {
  it('differentiates when its input is an intermediate that an inner tf.tidy disposed (stacked flows)', async () => {
    const x = seeded([6, 3], 1);
    const W = tf.variable(seeded([3, 2], 2));
    const b = tf.variable(tf.zeros([2]));
    const loss = (useFused: boolean) =>
      tf.tidy(() => {
        const h = tf.mul(x, 2); // disposed by this tidy before backprop runs
        const y = useFused
          ? fusedDense(h, W as unknown as tf.Tensor2D, b as unknown as tf.Tensor1D, { activation: 'tanh' })
          : tf.tanh(tf.add(tf.matMul(h, W), b));
        return tf.sum(tf.square(y)) as tf.Scalar;
      });
    const fused = tf.variableGrads(() => loss(true), [W, b]);
    const plain = tf.variableGrads(() => loss(false), [W, b]);
    await expectAllClose(fused.grads[W.name]!, plain.grads[W.name]!, { atol: 1e-4, rtol: 1e-4 });
    await expectAllClose(fused.grads[b.name]!, plain.grads[b.name]!, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([x, W, b, fused.value, plain.value, ...Object.values(fused.grads), ...Object.values(plain.grads)]);
  });

  it('fusedDense: value and gradients equal autodiff of act(x @ (W * M) + b), no leaks', async () => {
    for (const activation of ['relu', 'tanh', 'elu'] as DenseActivation[]) {
      const x = seeded([5, 3], 1);
      const W = seeded([3, 4], 2) as tf.Tensor2D;
      const b = seeded([4], 3) as tf.Tensor1D;
      const M = tf.tensor2d([[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 1]]);
      const r = seeded([5, 4], 4);
      const fast = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(fusedDense(xx, ww as tf.Tensor2D, bb as tf.Tensor1D, { activation, mask: M }), r));
      const plain = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(plainAct(tf.add(tf.matMul(xx, tf.mul(ww, M)), bb), activation), r));
      await expectNoLeaks(async () => {
        const g1 = tf.grads(fast)([x, W, b]);
        const g2 = tf.grads(plain)([x, W, b]);
        for (let i = 0; i < 3; i++) await expectAllClose(g1[i]!, g2[i]!, { atol: 1e-4, rtol: 1e-4 }, `${activation} grad ${i}`);
        tf.dispose([...g1, ...g2]);
      });
      tf.dispose([x, W, b, M, r]);
    }
  });

  it('context on every layer, shared rank-1 context, residual skip', async () => {
    const x = seeded([4, 3], 1);
    const c = seeded([2], 2);
    const W0 = seeded([5, 3], 3) as tf.Tensor2D;
    const b0 = seeded([3], 4) as tf.Tensor1D;
    const W1 = seeded([5, 3], 5) as tf.Tensor2D;
    const b1 = seeded([3], 6) as tf.Tensor1D;
    const r = seeded([4, 3], 7);
    const fast = (xx: tf.Tensor, cc: tf.Tensor, w0: tf.Tensor, c0: tf.Tensor, w1: tf.Tensor, c1: tf.Tensor) =>
      tf.sum(
        tf.mul(
          fusedMlp(xx, cc, [
            { kernel: w0 as tf.Tensor2D, bias: c0 as tf.Tensor1D, activation: 'relu', context: true },
            { kernel: w1 as tf.Tensor2D, bias: c1 as tf.Tensor1D, activation: 'sigmoid', context: true, skipFrom: 1 },
          ]),
          r,
        ),
      );
    const plain = (xx: tf.Tensor, cc: tf.Tensor, w0: tf.Tensor, c0: tf.Tensor, w1: tf.Tensor, c1: tf.Tensor) => {
      const ct = tf.tile(tf.reshape(cc, [1, 2]), [4, 1]);
      const h1 = tf.relu(tf.add(tf.matMul(tf.concat([xx, ct], 1), w0), c0));
      const h2 = tf.add(h1, tf.sigmoid(tf.add(tf.matMul(tf.concat([h1, ct], 1), w1), c1)));
      return tf.sum(tf.mul(h2, r));
    };
    const args = [x, c, W0, b0, W1, b1];
    const g1 = tf.grads(fast)(args);
    const g2 = tf.grads(plain)(args);
    for (let i = 0; i < args.length; i++) await expectAllClose(g1[i]!, g2[i]!, { atol: 1e-4, rtol: 1e-4 }, `grad ${i}`);
    tf.dispose([...g1, ...g2, ...args, r]);
  });
});

describeEachBackend('fusedMlp direct kernels', () => {
  it('equal the composed path: rank-3 batch, per-row context, masks, skips, every activation', async () => {
    const x = seeded([2, 3, 4], 1);
    const c = seeded([2, 3, 2], 2);
    const mask = (rows: number, cols: number, seed: number) => tf.cast(tf.greater(tf.randomUniform([rows, cols], 0, 1, 'float32', seed), 0.3), 'float32') as tf.Tensor2D;
    const acts: DenseActivation[] = ['leakyrelu', 'tanh', 'sigmoid', 'elu'];
    const params: tf.Tensor[] = [];
    const masks: tf.Tensor2D[] = [];
    acts.forEach((_, i) => {
      const rows = (i === 0 ? 4 : 5) + (i === 1 ? 2 : 0);
      params.push(seeded([rows, 5], 10 + i), seeded([5], 20 + i));
      masks.push(mask(rows, 5, 30 + i));
    });
    const r = seeded([2, 3, 5], 7);
    const net = (xx: tf.Tensor, cc: tf.Tensor, ...ps: tf.Tensor[]) => {
      const layers: FusedLayer[] = acts.map((activation, i) => ({
        kernel: ps[2 * i] as tf.Tensor2D,
        bias: ps[2 * i + 1] as tf.Tensor1D,
        activation,
        mask: masks[i]!,
        ...(i === 1 ? { context: true } : {}),
        ...(i >= 2 ? { skipFrom: i - 1 } : {}),
      }));
      return tf.sum(tf.mul(fusedMlp(xx, cc, layers), r));
    };
    const args = [x, c, ...params];
    const run = (direct: boolean) => {
      const previous = setDirectKernelsEnabled(direct);
      try {
        return tf.valueAndGrads(net)(args);
      } finally {
        setDirectKernelsEnabled(previous);
      }
    };
    await expectNoLeaks(async () => {
      const a = run(true);
      const b = run(false);
      await expectAllClose(a.value, b.value, { atol: 1e-4, rtol: 1e-5 });
      for (let i = 0; i < args.length; i++) await expectAllClose(a.grads[i]!, b.grads[i]!, { atol: 1e-4, rtol: 1e-4 }, `grad ${i}`);
      tf.dispose([a.value, b.value, ...a.grads, ...b.grads]);
    });
    tf.dispose([...args, ...masks, r]);
  });
});

describe('fusedMlp: bad input', () => {
  it('names the layer and the expected shape', () => {
    tf.tidy(() => {
      const x = tf.zeros([2, 3]);
      const W = tf.zeros([3, 4]) as tf.Tensor2D;
      expect(() => fusedMlp(x, undefined, [])).toThrow(/layers must be a non-empty array/);
      expect(() => fusedDense(tf.zeros([2, 2]), W, tf.zeros([4]) as tf.Tensor1D)).toThrow(/layer 0 kernel must have shape \[2, units\]/);
      expect(() => fusedDense(x, W, tf.zeros([3]) as tf.Tensor1D)).toThrow(/layer 0 bias must have shape \[4\]/);
      expect(() => fusedDense(x, W, tf.zeros([4]) as tf.Tensor1D, { activation: 'gelu' as never })).toThrow(/activation must be one of/);
      expect(() =>
        fusedMlp(x, undefined, [{ kernel: W, bias: tf.zeros([4]) as tf.Tensor1D, activation: 'linear', skipFrom: 0 }]),
      ).toThrow(/skipFrom must index an earlier layer input of width 4/);
      expect(() => fusedMlp(x, undefined, [{ kernel: tf.zeros([5, 4]) as tf.Tensor2D, bias: tf.zeros([4]) as tf.Tensor1D, activation: 'linear', context: true }])).toThrow(
        /context must be a tensor, received undefined/,
      );
    });
  });
});
