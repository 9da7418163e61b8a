import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { argumentErrorOf, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
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

/**
 * Value and gradients of `net` at `args` with the direct kernels and with the composed ops:
 * equal within float32 tolerance, nothing leaked. Returns the gradients' shapes.
 */
async function expectDirectEqualsComposed(net: (...xs: tf.Tensor[]) => tf.Tensor, args: tf.Tensor[]): Promise<number[][]> {
  const run = (direct: boolean) => {
    const previous = setDirectKernelsEnabled(direct);
    try {
      return tf.valueAndGrads(net)(args);
    } finally {
      setDirectKernelsEnabled(previous);
    }
  };
  let shapes: number[][] = [];
  await expectNoLeaks(async () => {
    const a = run(true);
    const b = run(false);
    await expectAllClose(a.value, b.value, { atol: 1e-4, rtol: 1e-5 });
    for (let i = 0; i < args.length; i++) await expectAllClose(a.grads[i]!, b.grads[i]!, { atol: 1e-4, rtol: 1e-4 }, `grad ${i}`);
    shapes = a.grads.map((g) => g.shape);
    tf.dispose([a.value, b.value, ...a.grads, ...b.grads]);
  });
  return shapes;
}

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
    await expectDirectEqualsComposed(net, args);
    tf.dispose([...args, ...masks, r]);
  });

  it('equal the composed path: one shared context row, relu and linear layers without masks, a skip from the input, linear hidden layers', async () => {
    const x = seeded([6, 3], 3);
    const c = seeded([2], 4);
    const params = [seeded([5, 3], 11), seeded([3], 12), seeded([3, 3], 13), seeded([3], 14), seeded([3, 3], 17), seeded([3], 18), seeded([3, 4], 15), seeded([4], 16)];
    const r = seeded([6, 4], 8);
    // Saved activations: layer 1 reuses layer 0's output slot; layer 2 (after a linear layer)
    // and layer 3 (after a skip) have inputs of their own.
    const net = (xx: tf.Tensor, cc: tf.Tensor, ...ps: tf.Tensor[]) => {
      const layers: FusedLayer[] = [
        { kernel: ps[0] as tf.Tensor2D, bias: ps[1] as tf.Tensor1D, activation: 'relu', context: true },
        { kernel: ps[2] as tf.Tensor2D, bias: ps[3] as tf.Tensor1D, activation: 'linear' },
        { kernel: ps[4] as tf.Tensor2D, bias: ps[5] as tf.Tensor1D, activation: 'relu', skipFrom: 0 },
        { kernel: ps[6] as tf.Tensor2D, bias: ps[7] as tf.Tensor1D, activation: 'linear' },
      ];
      return tf.sum(tf.mul(fusedMlp(xx, cc, layers), r));
    };
    const args = [x, c, ...params];
    const grads = await expectDirectEqualsComposed(net, args);
    // The shared row's gradient sums the rows' contributions: shape [2].
    expect(grads[1]).toEqual([2]);
    tf.dispose([...args, r]);
  });
});

describe('fusedMlp: bad input', () => {
  it('is an ArgumentError naming the argument (the layer and field for a layer), expected and received', () => {
    const x = tf.zeros([2, 3]);
    const W = tf.zeros([3, 4]) as tf.Tensor2D;
    const b = tf.zeros([4]) as tf.Tensor1D;
    const layer = { kernel: W, bias: b, activation: 'linear' as const };
    // The refused inputs, made before the calls (a refused call must leave no tensor behind).
    const [scalar, x2, kernel1d, bias3, bias2d, maskT, square, contextKernel, context3] = [
      tf.scalar(1), tf.zeros([2, 2]), tf.zeros([3]), tf.zeros([3]), tf.zeros([1, 4]), tf.ones([4, 3]), tf.zeros([4, 4]), tf.zeros([5, 4]), tf.zeros([3, 2]),
    ];
    const hidden = (skipFrom: number) => ({ kernel: square as tf.Tensor2D, bias: b, activation: 'relu' as const, skipFrom });
    const cases: [string, () => unknown, string, RegExp][] = [
      ['no layers', () => fusedMlp(x, undefined, []), 'layers', /^fusedMlp: layers must be a non-empty array, received \[\]$/],
      ['a scalar x', () => fusedMlp(scalar, undefined, [layer]), 'x', /^fusedMlp: x must be a tensor of rank >= 1, received a float32 tensor of shape \[\]$/],
      ['kernel rows', () => fusedDense(x2, W, b), 'layers[0].kernel', /^fusedMlp: layers\[0\]\.kernel must be a tensor of shape \[2, units\], received a float32 tensor of shape \[3, 4\]$/],
      ['kernel rank', () => fusedMlp(x, undefined, [{ ...layer, kernel: kernel1d as never }]), 'layers[0].kernel', /^fusedMlp: layers\[0\]\.kernel must be a tensor of shape \[3, units\]/],
      ['bias size', () => fusedDense(x, W, bias3 as tf.Tensor1D), 'layers[0].bias', /^fusedMlp: layers\[0\]\.bias must be a tensor of shape \[4\], received a float32 tensor of shape \[3\]$/],
      ['bias rank', () => fusedDense(x, W, bias2d as never), 'layers[0].bias', /^fusedMlp: layers\[0\]\.bias must be a tensor of shape \[4\], received a float32 tensor of shape \[1, 4\]$/],
      ['mask shape', () => fusedDense(x, W, b, { mask: maskT as tf.Tensor2D }), 'layers[0].mask', /^fusedMlp: layers\[0\]\.mask must be a tensor of the kernel's shape \[3, 4\], received a float32 tensor of shape \[4, 3\]$/],
      ['activation', () => fusedDense(x, W, b, { activation: 'gelu' as never }), 'layers[0].activation', /^fusedMlp: layers\[0\]\.activation must be one of linear, relu, leakyrelu, elu, sigmoid, tanh, received "gelu"$/],
      ['skipFrom width', () => fusedMlp(x, undefined, [{ ...layer, skipFrom: 0 }]), 'layers[0].skipFrom', /^fusedMlp: layers\[0\]\.skipFrom must be the index of an earlier layer input of width 4, received 0$/],
      ['skipFrom ahead', () => fusedMlp(x, undefined, [layer, hidden(2)]), 'layers[1].skipFrom', /^fusedMlp: layers\[1\]\.skipFrom must be the index of an earlier layer input of width 4, received 2$/],
      ['skipFrom negative', () => fusedMlp(x, undefined, [layer, hidden(-1)]), 'layers[1].skipFrom', /received -1$/],
      ['skipFrom fractional', () => fusedMlp(x, undefined, [layer, hidden(0.5)]), 'layers[1].skipFrom', /received 0\.5$/],
      ['no context', () => fusedMlp(x, undefined, [{ ...layer, kernel: contextKernel as tf.Tensor2D, context: true }]), 'context', /^fusedMlp: context must be a tensor \(a layer takes the context\), received undefined$/],
      ['context rows', () => fusedMlp(x, context3, [{ ...layer, kernel: contextKernel as tf.Tensor2D, context: true }]), 'context', /^fusedMlp: context must be a tensor of shape \[2, 2\] or \[2\], received a float32 tensor of shape \[3, 2\]$/],
      ['outputShape', () => fusedMlp(x, undefined, [layer], { outputShape: [3, 2] }), 'outputShape', /^fusedMlp: outputShape must be a shape of 4 elements, received \[3, 2\]$/],
    ];
    for (const [label, call, argument, message] of cases) {
      expect(argumentErrorOf(call, { argument, message }).message, label).toMatch(/^fusedMlp: /);
    }
    // The skip of a later layer may reach back to the network input when the widths agree.
    const skip = fusedMlp(tf.ones([2, 4]), undefined, [
      { kernel: tf.zeros([4, 4]) as tf.Tensor2D, bias: b, activation: 'linear' },
      { kernel: tf.zeros([4, 4]) as tf.Tensor2D, bias: b, activation: 'relu', skipFrom: 0 },
    ]);
    expect(Array.from(skip.dataSync())).toEqual(new Array(8).fill(1));
    // A single context row serves the whole batch.
    const shared = fusedMlp(x, tf.ones([2]), [{ ...layer, kernel: tf.ones([5, 4]) as tf.Tensor2D, context: true }]);
    expect(Array.from(shared.dataSync())).toEqual(new Array(8).fill(2));
    tf.dispose([x, W, b, skip, shared, scalar, x2, kernel1d, bias3, bias2d, maskT, square, contextKernel, context3]);
  });
});
