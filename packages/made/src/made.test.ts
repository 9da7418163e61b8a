import * as tf from '@tensorflow/tfjs-core';
import { batchJacobian, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { MADE, type MADEOptions } from './made.js';
import { naiveMade } from './test-naive.js';

function seededNormal(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** Custom-gradient MADE vs autodiff of the naive formula: value and every gradient. */
async function compareWithNaive(options: MADEOptions, xShape: number[], contextShape?: number[], tol = 2e-4): Promise<void> {
  const made = new MADE({ outputScale: 1, ...options });
  const x = seededNormal(xShape, 11);
  const c = contextShape ? seededNormal(contextShape, 12) : undefined;
  const r = seededNormal([...xShape.slice(0, -1), made.eventSize, made.params], 13);
  const vars = made.trainableVariables;
  // Loss sum(out * r): its gradient is a vector-Jacobian product with a random cotangent r.
  const lossFast = (xx: tf.Tensor, cc: tf.Tensor | undefined, ws: tf.Tensor[]) => {
    void ws;
    return tf.sum(tf.mul(made.call(xx, cc ? { context: cc } : {}), r));
  };
  const lossNaive = (xx: tf.Tensor, cc: tf.Tensor | undefined, ws: tf.Tensor[]) => tf.sum(tf.mul(naiveMade(made, ws, xx, cc), r));
  const inputs = c ? [x, c, ...vars] : [x, ...vars];
  const split = (args: tf.Tensor[]) => (c ? { xx: args[0]!, cc: args[1], ws: args.slice(2) } : { xx: args[0]!, cc: undefined, ws: args.slice(1) });
  const fastGrads = tf.grads((...args: tf.Tensor[]) => {
    const { xx, cc } = split(args);
    return lossFast(xx, cc, []);
  });
  // For the fast path the variables enter through the MADE itself, so differentiate them with
  // variableGrads and the data inputs with grads.
  const fastVal = tf.tidy(() => made.call(x, c ? { context: c } : {}));
  const naiveVal = tf.tidy(() => naiveMade(made, vars, x, c));
  await expectAllClose(fastVal, naiveVal, { atol: tol, rtol: tol }, 'value');
  const dataGradsFast = fastGrads(c ? [x, c] : [x]);
  const { grads: varGradsFast } = tf.variableGrads(() => lossFast(x, c, []) as tf.Scalar, vars);
  const naiveAll = tf.grads((...args: tf.Tensor[]) => {
    const { xx, cc, ws } = split(args);
    return lossNaive(xx, cc, ws);
  })(inputs);
  const fastAll = [...dataGradsFast, ...vars.map((v) => varGradsFast[v.name]!)];
  for (let i = 0; i < naiveAll.length; i++) {
    await expectAllClose(fastAll[i]!, naiveAll[i]!, { atol: tol, rtol: tol }, `gradient ${i}`);
  }
  tf.dispose([x, c, r, fastVal, naiveVal, ...dataGradsFast, ...Object.values(varGradsFast), ...naiveAll].filter(Boolean) as tf.Tensor[]);
  made.dispose();
}

describeEachBackend('MADE custom gradient = autodiff of the naive formula', () => {
  it('plain, relu, batch [5]', async () => {
    await compareWithNaive({ eventSize: 4, hiddenUnits: [8, 6], params: 2, seed: 1 }, [5, 4]);
  });
  it('conditional, random order, 3 params, batch [2, 3]', async () => {
    await compareWithNaive({ eventSize: 3, hiddenUnits: [5, 7], params: 3, contextSize: 2, inputOrder: 'random', seed: 2 }, [2, 3, 3], [2, 3, 2]);
  });
  it('shared rank-1 context', async () => {
    await compareWithNaive({ eventSize: 3, hiddenUnits: [4], contextSize: 2, seed: 3 }, [6, 3], [2]);
  });
  it('residual blocks with context', async () => {
    await compareWithNaive({ eventSize: 4, hiddenUnits: [6, 6], residual: true, contextSize: 2, hiddenDegrees: 'random', seed: 4 }, [5, 4], [5, 2]);
  });
}, { webgpu: true });

describeEachBackend('MADE custom gradient: every activation', () => {
  for (const activation of ['linear', 'leakyrelu', 'elu', 'sigmoid', 'tanh'] as const) {
    it(activation, async () => {
      await compareWithNaive({ eventSize: 3, hiddenUnits: [5, 4], activation, seed: 5 }, [7, 3]);
    });
  }
  it('no hidden layer, single event (rank-1 x)', async () => {
    await compareWithNaive({ eventSize: 3, hiddenUnits: [], contextSize: 1, seed: 6 }, [3], [1]);
  });
}, { webgpu: false });

/** True autoregressive structure: J[i][j] == 0 exactly unless order[j] < order[i]. */
async function checkAutoregressive(made: MADE, batch: number, seed: number): Promise<void> {
  const { eventSize: D, params: P } = made;
  const x = seededNormal([batch, D], seed) as tf.Tensor2D;
  const jac = await batchJacobian((xx) => tf.reshape(made.call(xx), [xx.shape[0], D * P]), x);
  const order = made.inputOrder;
  for (let i = 0; i < D; i++) {
    for (let p = 0; p < P; p++) {
      let connected = false;
      for (let j = 0; j < D; j++) {
        const allowed = order[j]! < order[i]!;
        for (let b = 0; b < batch; b++) {
          const v = jac[b]![i * P + p]![j]!;
          if (!allowed) expect(v, `d out[${i},${p}] / d x[${j}] (order ${order})`).toBe(0);
          else if (v !== 0) connected = true;
        }
      }
      // Every output of degree > 1 depends on some earlier input.
      if (order[i]! > 1) expect(connected, `out[${i},${p}] depends on an earlier input (order ${order})`).toBe(true);
    }
  }
  x.dispose();
}

describeEachBackend('MADE autoregressive property (Jacobian)', () => {
  it('random orders, several seeds, equal and random hidden degrees', async () => {
    for (let seed = 0; seed < 3; seed++) {
      for (const hiddenDegrees of ['equal', 'random'] as const) {
        const made = new MADE({ eventSize: 5, hiddenUnits: [16, 16], inputOrder: 'random', hiddenDegrees, seed });
        await checkAutoregressive(made, 4, 100 + seed);
        made.dispose();
      }
    }
  });
  it('left-to-right, right-to-left, explicit orders and residual blocks', async () => {
    for (const options of [
      { inputOrder: 'left-to-right' },
      { inputOrder: 'right-to-left', activation: 'tanh' },
      { inputOrder: [3, 1, 4, 2], params: 3 },
      { inputOrder: 'random', residual: true, seed: 9 },
      { inputOrder: 'random', residual: true, hiddenDegrees: 'random', seed: 10 },
    ] as const) {
      const made = new MADE({ eventSize: 4, hiddenUnits: [12, 12], seed: 1, ...options } as MADEOptions);
      await checkAutoregressive(made, 3, 7);
      made.dispose();
    }
  });
}, { webgpu: false });

describeEachBackend('MADE conditioning', () => {
  it('every output depends on every context unit', async () => {
    const made = new MADE({ eventSize: 3, hiddenUnits: [8, 8], contextSize: 4, inputOrder: 'random', seed: 3 });
    const x = seededNormal([1, 3], 1);
    const c = seededNormal([3, 4], 2) as tf.Tensor2D;
    const xs = tf.tile(x, [3, 1]);
    const jac = await batchJacobian((cc) => tf.reshape(made.call(xs, { context: cc }), [3, 6]), c);
    for (let o = 0; o < 6; o++) {
      for (let k = 0; k < 4; k++) {
        expect(jac.some((row) => row[o]![k] !== 0), `out ${o} depends on context ${k}`).toBe(true);
      }
    }
    tf.dispose([x, c, xs]);
    made.dispose();
  });
  it('eventSize 1: the output ignores x and depends on the context', async () => {
    const made = new MADE({ eventSize: 1, hiddenUnits: [4], contextSize: 2, seed: 1, outputScale: 1 });
    const x = seededNormal([3, 1], 1) as tf.Tensor2D;
    const c = seededNormal([3, 2], 2) as tf.Tensor2D;
    const dx = await batchJacobian((xx) => tf.reshape(made.call(xx, { context: c }), [3, 2]), x);
    expect(dx.flat(2).every((v) => v === 0)).toBe(true);
    const dc = await batchJacobian((cc) => tf.reshape(made.call(x, { context: cc }), [3, 2]), c);
    expect(dc.flat(2).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, c]);
    made.dispose();
  });
}, { webgpu: false });

describeEachBackend('MADE basics', () => {
  it('output shape batch + [D, params], outputScale 0.01 starts near zero (identity flow), no leaks', async () => {
    const made = new MADE({ eventSize: 3, hiddenUnits: [16, 16], params: 2, outputScale: 0.01, seed: 0 });
    const x = seededNormal([2, 5, 3], 0);
    await expectNoLeaks(async () => {
      const y = made.call(x);
      expect(y.shape).toEqual([2, 5, 3, 2]);
      const v = await y.data();
      expect(Math.max(...Array.from(v, Math.abs))).toBeLessThan(0.1);
      y.dispose();
    });
    const zero = tf.zeros([3]);
    const single = made.call(zero);
    expect(single.shape).toEqual([3, 2]);
    tf.dispose([single, zero]);
    x.dispose();
    made.dispose();
  });

  it('default init: the first dimension in the order is its output bias, within PyTorch\'s bound 1/sqrt(16)', async () => {
    // No input reaches the outputs of degree 1, so they are constants: the output layer's
    // biases, drawn U(-1/sqrt(16), 1/sqrt(16)) (16 = the unmasked layer's width). The others vary with x.
    const made = new MADE({ eventSize: 3, hiddenUnits: [16, 16], params: 2, seed: 0 });
    const x = seededNormal([6, 3], 2);
    const y = made.call(x);
    const v = Array.from(await y.data());
    const first = (r: number, p: number) => v[r * 6 + p]!;
    for (let p = 0; p < 2; p++) {
      for (let r = 1; r < 6; r++) expect(first(r, p)).toBe(first(0, p));
      expect(Math.abs(first(0, p))).toBeLessThanOrEqual(0.25);
    }
    const last = Array.from({ length: 6 }, (_, r) => v[r * 6 + 4]!);
    expect(Math.max(...last) - Math.min(...last)).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
    made.dispose();
  });

  it('training step leaks nothing; construct/dispose balance', async () => {
    const before = tf.memory().numTensors;
    const made = new MADE({ eventSize: 3, hiddenUnits: [8], contextSize: 2, residual: true, seed: 0 });
    // 4 layers (input, block x 2, output) x (kernel, bias, mask)
    expect(tf.memory().numTensors - before).toBe(12);
    const x = seededNormal([4, 3], 0);
    const c = seededNormal([4, 2], 1);
    const opt = tf.train.adam(1e-3);
    opt.minimize(() => tf.sum(tf.square(made.call(x, { context: c }))) as tf.Scalar, false, made.trainableVariables);
    await expectNoLeaks(() => {
      opt.minimize(() => tf.sum(tf.square(made.call(x, { context: c }))) as tf.Scalar, false, made.trainableVariables);
    });
    opt.dispose();
    tf.dispose([x, c]);
    made.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('getConfig is JSON and rebuilds the same network with setWeights', async () => {
    const made = new MADE({ eventSize: 4, hiddenUnits: [8], contextSize: 1, inputOrder: 'random', hiddenDegrees: 'random', seed: 5 });
    const config = JSON.parse(JSON.stringify(made.getConfig()));
    expect(config.inputOrder).toEqual(made.inputOrder);
    expect(config.degrees).toEqual(made.degrees);
    const copy = MADE.fromConfig(config);
    expect(copy.degrees).toEqual(made.degrees);
    const w = made.getWeights();
    copy.setWeights(w);
    tf.dispose(w);
    const x = seededNormal([3, 4], 0);
    const c = seededNormal([3, 1], 1);
    const a = made.call(x, { context: c });
    const b = copy.call(x, { context: c });
    await expectAllClose(a, b, { atol: 0, rtol: 0 });
    tf.dispose([x, c, a, b]);
    made.dispose();
    copy.dispose();
  });
});

describe('MADE: bad input', () => {
  it('constructor arguments', () => {
    expect(() => new MADE({ eventSize: 0, hiddenUnits: [4] })).toThrow(/MADE: eventSize must be a positive integer, received 0/);
    expect(() => new MADE({ eventSize: 5, hiddenUnits: [3] })).toThrow(/MADE: hiddenUnits\[0\] must be >= eventSize - 1 = 4/);
    expect(() => new MADE({ eventSize: 3, hiddenUnits: [4], params: 0 })).toThrow(/MADE: params must be a positive integer/);
    expect(() => new MADE({ eventSize: 3, hiddenUnits: [4], inputOrder: [1, 1, 2] })).toThrow(/MADE: inputOrder must be a permutation of 1\.\.3/);
    expect(() => new MADE({ eventSize: 3, hiddenUnits: [4], hiddenDegrees: 'odd' as never })).toThrow(/MADE: hiddenDegrees must be 'equal' or 'random'/);
    expect(
      () => new MADE({ eventSize: 3, hiddenUnits: [2], residual: true, degrees: { input: [1, 2, 3], hidden: [[1, 2], [2, 1], [1, 2]] } }),
    ).toThrow(/MADE: degrees.hidden must be identical layers when residual is true/);
    expect(() => new MADE({ eventSize: 3, hiddenUnits: [4], activation: 'gelu' as never })).toThrow(/MADE: activation must be one of/);
    expect(() => new MADE({ eventSize: 3, hiddenUnits: [4, 5], residual: true })).toThrow(/hiddenUnits must be a non-empty array of equal widths/);
    expect(() => new MADE({ eventSize: 3, hiddenUnits: [4], contextSize: -1 })).toThrow(/contextSize must be a non-negative integer/);
    expect(() => new MADE({ eventSize: 3, hiddenUnits: [4], degrees: { input: [1, 2, 3], hidden: [[1, 2]] } })).toThrow(/degrees.hidden must be layers of widths \[4\]/);
  });
  it('call arguments', () => {
    const made = new MADE({ eventSize: 3, hiddenUnits: [4], seed: 0 });
    const cmade = new MADE({ eventSize: 3, hiddenUnits: [4], contextSize: 2, seed: 0 });
    const x = tf.zeros([5, 3]);
    const bad = tf.zeros([5, 4]);
    expect(() => made.call(bad)).toThrow(/MADE.call: x must be a tensor of shape \[\.\.\., 3\], received a float32 tensor of shape \[5, 4\]/);
    expect(() => tf.tidy(() => made.call(x, { context: tf.zeros([5, 2]) }))).toThrow(/MADE.call: context must be undefined/);
    expect(() => cmade.call(x)).toThrow(/MADE.call: context must be a tensor of shape \[5, 2\] or \[2\] \(the network is conditional, contextSize 2\), received undefined/);
    expect(() => tf.tidy(() => cmade.call(x, { context: tf.zeros([4, 2]) }))).toThrow(/context must be a tensor of shape \[5, 2\]/);
    expect(() => tf.tidy(() => cmade.call(x, { context: tf.zeros([5, 3]) }))).toThrow(/context/);
    expect(() => made.setWeights([x])).toThrow(/MADE.setWeights: weights must be an array of 4 tensors, received 1 entries/);
    made.dispose();
    expect(() => made.call(x)).toThrow(/after dispose/);
    cmade.dispose();
    tf.dispose([x, bad]);
  });
});
