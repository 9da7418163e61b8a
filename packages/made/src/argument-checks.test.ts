// Every argument check of MADE, MaskedDense and createDegrees, one clause at a time (each bad
// value trips exactly one condition), with the values at the boundary accepted; inputs of other
// dtypes give the float32 result; weights round-trip through setWeights/getWeights; dispose
// frees and blocks further use.
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { createDegrees, createMasks, MADE, MaskedDense } from './index.js';

describe('MADE: each argument check', () => {
  const ok = { eventSize: 3, hiddenUnits: [4], seed: 0 };
  it.each([
    [null, 'MADE: options must be an object'],
    [5, 'MADE: options must be an object'],
    [{ ...ok, eventSize: '3' }, 'MADE: eventSize must be a positive integer'],
    [{ ...ok, eventSize: 2.5 }, 'MADE: eventSize must be a positive integer'],
    [{ ...ok, params: 1.5 }, 'MADE: params must be a positive integer'],
    [{ ...ok, contextSize: 0.5 }, 'MADE: contextSize must be a non-negative integer'],
    [{ ...ok, residual: 'yes' }, 'MADE: residual must be a boolean'],
    [{ ...ok, outputScale: '1' }, 'MADE: outputScale must be a finite number >= 0'],
    [{ ...ok, outputScale: -0.5 }, 'MADE: outputScale must be a finite number >= 0'],
    [{ ...ok, outputScale: NaN }, 'MADE: outputScale must be a finite number >= 0'],
    [{ ...ok, outputScale: Infinity }, 'MADE: outputScale must be a finite number >= 0'],
    [{ ...ok, seed: '1' }, 'MADE: seed must be a finite number or undefined'],
    [{ ...ok, seed: NaN }, 'MADE: seed must be a finite number or undefined'],
    [{ ...ok, hiddenUnits: [], residual: true }, 'MADE: hiddenUnits must be a non-empty array of equal widths when residual is true'],
    [{ ...ok, degrees: { input: [1, 2], hidden: [[1, 1, 1, 1]] } }, 'MADE: degrees.input must be a permutation of 1..3'],
    [
      { ...ok, hiddenUnits: [2], residual: true, degrees: { input: [1, 2, 3], hidden: [[1, 2]] } },
      'MADE: degrees.hidden must be layers of widths [2,2,2], received layers of widths [2]',
    ],
    [
      { ...ok, hiddenUnits: [2], residual: true, degrees: { input: [1, 2, 3], hidden: [[1, 2], [1, 2], [2, 1]] } },
      'MADE: degrees.hidden must be identical layers when residual is true, received layers that differ',
    ],
    [{ ...ok, hiddenDegrees: 'odd', degrees: { input: [1, 2, 3], hidden: [[1, 2, 1, 2]] } }, "MADE: hiddenDegrees must be 'equal' or 'random'"],
  ])('%j', (options, message) => {
    expect(() => new MADE(options as never)).toThrow(message);
  });

  it('accepts the boundary values: eventSize 1, params 1, outputScale 0, differing layers without residual', () => {
    const made = [
      new MADE({ eventSize: 1, hiddenUnits: [2], contextSize: 1, seed: 0 }),
      new MADE({ ...ok, params: 1 }),
      new MADE({ ...ok, outputScale: 0 }),
      new MADE({ ...ok, hiddenUnits: [2, 2], degrees: { input: [1, 2, 3], hidden: [[1, 2], [2, 1]] } }),
      new MADE({ ...ok, hiddenUnits: [2], residual: true, degrees: { input: [1, 2, 3], hidden: [[1, 2], [1, 2], [1, 2]] } }),
    ];
    expect(made.map((m) => m.params)).toEqual([2, 1, 2, 2, 2]);
    made.forEach((m) => m.dispose());
  });

  it('residual: 2 blocks of 2 layers between the input and output layers, given or derived degrees', () => {
    const made = new MADE({ ...ok, hiddenUnits: [4, 4], residual: true });
    expect(made.getConfig().degrees.hidden).toHaveLength(5);
    expect(made.trainableVariables).toHaveLength(12);
    const again = new MADE(made.getConfig());
    expect(again.trainableVariables).toHaveLength(12);
    made.dispose();
    again.dispose();
  });

  it('call: rejects a scalar or a non-tensor x; int32 x and context give the float32 result', async () => {
    const made = new MADE({ ...ok, contextSize: 2 });
    const scalar = tf.scalar(1);
    expect(() => made.call(scalar)).toThrow('MADE.call: x must be a tensor of shape [..., 3]');
    expect(() => made.call([1, 2, 3] as never)).toThrow('MADE.call: x must be a tensor of shape [..., 3]');
    const xi = tf.tensor2d([[1, -2, 3], [0, 2, -1]], [2, 3], 'int32');
    const ci = tf.tensor2d([[1, 0], [-1, 2]], [2, 2], 'int32');
    const xf = tf.cast(xi, 'float32');
    const cf = tf.cast(ci, 'float32');
    const a = made.call(xi, { context: ci });
    const b = made.call(xf, { context: cf });
    expect(a.dtype).toBe('float32');
    await expectAllClose(a, b, { atol: 0, rtol: 0 });
    tf.dispose([scalar, xi, ci, xf, cf, a, b]);
    made.dispose();
  });

  it('setWeights assigns (int32 weights cast), rejects a wrong shape or a non-tensor; getWeights copies', async () => {
    const made = new MADE(ok);
    const other = new MADE({ ...ok, seed: 7 });
    const theirs = other.getWeights();
    made.setWeights(theirs);
    const mine = made.getWeights();
    for (let i = 0; i < theirs.length; i++) await expectAllClose(mine[i]!, theirs[i]!, { atol: 0, rtol: 0 });
    const ints = theirs.map((w) => tf.cast(tf.onesLike(w), 'int32'));
    made.setWeights(ints);
    expect(made.trainableVariables.every((v) => v.dtype === 'float32')).toBe(true);
    await expectAllClose(made.trainableVariables[1]!, [1, 1, 1, 1], { atol: 0, rtol: 0 });
    const wrong = [...theirs];
    wrong[1] = tf.zeros([5]);
    expect(() => made.setWeights(wrong)).toThrow('MADE.setWeights: weights[1] must be a tensor of shape [4]');
    expect(() => made.setWeights([theirs[0]!, [0, 0, 0, 0] as never, theirs[2]!, theirs[3]!])).toThrow('MADE.setWeights: weights[1] must be a tensor');
    made.dispose();
    expect(() => made.getWeights()).toThrow('MADE: used after dispose()');
    expect(() => made.setWeights(theirs)).toThrow('MADE: used after dispose()');
    tf.dispose([...theirs, ...mine, ...ints, wrong[1]!]);
    other.dispose();
  });

  it('dispose frees the weights and masks', () => {
    const before = tf.memory().numTensors;
    const made = new MADE(ok);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    made.dispose();
    made.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('MaskedDense: each argument check', () => {
  const ok = { inputSize: 2, units: 3, seed: 0 };
  it.each([
    [null, 'MaskedDense: options must be an object'],
    [5, 'MaskedDense: options must be an object'],
    [{ ...ok, units: 0 }, 'MaskedDense: units must be a positive integer'],
    [{ ...ok, contextSize: -1 }, 'MaskedDense: contextSize must be a non-negative integer'],
    [{ ...ok, contextSize: 0.5 }, 'MaskedDense: contextSize must be a non-negative integer'],
    [{ ...ok, initScale: '1' }, 'MaskedDense: initScale must be a number >= 0'],
    [{ ...ok, initScale: -1 }, 'MaskedDense: initScale must be a number >= 0'],
    [{ ...ok, mask: [[1, 0, 1], 'abc'] }, 'MaskedDense: mask must be a 0/1 matrix of shape [2, 3]'],
    [{ ...ok, mask: [[1, 0, 1], [1, 0]] }, 'MaskedDense: mask must be a 0/1 matrix of shape [2, 3]'],
    [{ ...ok, activation: 'swish' }, "MaskedDense: activation must be one of 'linear', 'relu'"],
  ])('%j', (options, message) => {
    expect(() => new MaskedDense(options as never)).toThrow(message);
  });

  it('accepts inputSize 1, units 1 and initScale 0; getConfig and trainableVariables', () => {
    const layer = new MaskedDense({ inputSize: 1, units: 1, initScale: 0, mask: [[0]], contextSize: 2, activation: 'tanh' });
    expect(layer.getConfig()).toEqual({ inputSize: 1, units: 1, mask: [[0]], contextSize: 2, activation: 'tanh' });
    expect(layer.trainableVariables).toEqual([layer.kernel, layer.bias]);
    layer.dispose();
  });

  it('apply: batch dims of any rank, a shared rank-1 context, int32 input; rejects after dispose', async () => {
    const layer = new MaskedDense({ ...ok, contextSize: 1, mask: [[1, 0, 1], [0, 1, 1]] });
    const x = tf.tensor3d([[[1, 2], [3, -1], [0, 1]], [[2, 2], [-1, 0], [1, 1]]], [2, 3, 2], 'int32');
    const c = tf.tensor3d([[[1], [2], [3]], [[4], [5], [6]]]);
    const y = layer.apply(x, { context: c });
    expect(y.shape).toEqual([2, 3, 3]);
    // The reference: [x, c] @ (W * [M; 1]) + b, in float64.
    const w = (await layer.kernel.array()) as number[][];
    const b = Array.from(await layer.bias.data());
    const m = [[1, 0, 1], [0, 1, 1], [1, 1, 1]];
    const xs = (await x.array()) as number[][][];
    const cs = (await c.array()) as number[][][];
    const expected = xs.map((rows, i) =>
      rows.map((row, j) => {
        const inp = [...row, ...cs[i]![j]!];
        return [0, 1, 2].map((k) => b[k]! + inp.reduce((s, v, r) => s + v * w[r]![k]! * m[r]![k]!, 0));
      }),
    );
    await expectAllClose(y, expected, { atol: 1e-5, rtol: 1e-5 });
    const shared = layer.apply(tf.tensor2d([[1, 2]]), { context: tf.tensor1d([3]) });
    await expectAllClose(shared, [[0, 1, 2].map((k) => b[k]! + 1 * w[0]![k]! * m[0]![k]! + 2 * w[1]![k]! * m[1]![k]! + 3 * w[2]![k]!)], { atol: 1e-5, rtol: 1e-5 });
    layer.dispose();
    expect(() => layer.apply(tf.zeros([1, 2]), { context: tf.zeros([1]) })).toThrow('MaskedDense: used after dispose()');
    expect(() => layer.apply(tf.scalar(1))).toThrow('MaskedDense: used after dispose()');
    tf.dispose([x, c, y, shared]);
  });

  it('rejects a scalar or a non-tensor x, takes a rank-1 x; construction keeps exactly its 3 tensors, dispose frees them', async () => {
    const scalar = tf.scalar(1);
    const before = tf.memory().numTensors;
    const layer = new MaskedDense(ok);
    expect(tf.memory().numTensors).toBe(before + 3); // kernel, bias, mask
    expect(() => layer.apply(scalar)).toThrow('MaskedDense.apply: x must be a tensor of shape [..., 2]');
    expect(() => layer.apply([1, 2] as never)).toThrow('MaskedDense.apply: x must be a tensor of shape [..., 2]');
    const x = tf.tensor1d([1, -1]);
    const y = layer.apply(x);
    const w = (await layer.kernel.array()) as number[][];
    const b = Array.from(await layer.bias.data());
    await expectAllClose(y, [0, 1, 2].map((k) => b[k]! + w[0]![k]! - w[1]![k]!), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, y]);
    layer.dispose();
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    scalar.dispose();
  });

  it('names the layer in a context error', () => {
    const layer = new MaskedDense({ ...ok, contextSize: 1 });
    const x = tf.zeros([4, 2]);
    expect(() => layer.apply(x)).toThrow('(the layer is conditional, contextSize 1)');
    layer.dispose();
    x.dispose();
  });
});

describe('createDegrees: each argument check', () => {
  it.each([
    [null, 'createDegrees: options must be an object'],
    [5, 'createDegrees: options must be an object'],
    [{ eventSize: '3', hiddenUnits: [4] }, 'createDegrees: eventSize must be a positive integer'],
    [{ eventSize: 3, hiddenUnits: ['4'] }, 'createDegrees: hiddenUnits[0] must be a positive integer'],
    [{ eventSize: 3, hiddenUnits: [4.5] }, 'createDegrees: hiddenUnits[0] must be a positive integer'],
    [{ eventSize: 3, hiddenUnits: [4], seed: 'x' }, 'createDegrees: seed must be a finite number or undefined'],
    [{ eventSize: 3, hiddenUnits: [4], seed: Infinity }, 'createDegrees: seed must be a finite number or undefined'],
    [{ eventSize: 3, hiddenUnits: [4], inputOrder: ['1', 2, 3] }, 'createDegrees: inputOrder must be a permutation of 1..3 (1-based degrees)'],
    [{ eventSize: 3, hiddenUnits: [4], inputOrder: [1.5, 2, 3] }, 'createDegrees: inputOrder must be a permutation of 1..3 (1-based degrees)'],
    [{ eventSize: 3, hiddenUnits: [4], inputOrder: [1, 2, 4] }, 'createDegrees: inputOrder must be a permutation of 1..3 (1-based degrees)'],
    [{ eventSize: 3, hiddenUnits: [4], inputOrder: 'up' }, "createDegrees: inputOrder must be 'left-to-right', 'right-to-left', 'random' or a permutation of 1..eventSize"],
  ])('%j', (options, message) => {
    expect(() => createDegrees(options as never)).toThrow(message);
  });

  it('accepts eventSize - 1 hidden units (1 for eventSize 2)', () => {
    expect(createDegrees({ eventSize: 2, hiddenUnits: [1] }).hidden).toEqual([[1]]);
  });

  it.each([
    [null, 'createMasks: degrees must be an object {input: number[], hidden: number[][]}'],
    [{ input: 'abc', hidden: [] }, 'createMasks: degrees must be an object'],
    [{ input: [], hidden: [] }, 'createMasks: degrees.input must be a non-empty permutation of 1..D'],
    [{ input: [1, 2], hidden: 'x' }, 'createMasks: degrees.hidden must be an array of arrays of integers'],
    [{ input: [1, 2], hidden: [[]] }, 'createMasks: degrees.hidden[0] must be a non-empty array of integers'],
    [{ input: [1, 2], hidden: ['1'] }, 'createMasks: degrees.hidden[0] must be a non-empty array of integers'],
    [{ input: [1, 2], hidden: [['1']] }, 'createMasks: degrees.hidden[0] must be integers in 0..1'],
    [{ input: [1, 2], hidden: [[0.5]] }, 'createMasks: degrees.hidden[0] must be integers in 0..1'],
    [{ input: [1, 2], hidden: [[-1]] }, 'createMasks: degrees.hidden[0] must be integers in 0..1'],
  ])('createMasks %j', (degrees, message) => {
    expect(() => createMasks(degrees as never)).toThrow(message);
  });
});

describe('createDegrees: random draws', () => {
  it('random orders are uniform over the permutations (chi-squared, 3! cells, 1200 seeds)', () => {
    const counts = new Map<string, number>();
    const n = 1200;
    for (let seed = 0; seed < n; seed++) {
      const key = createDegrees({ eventSize: 3, hiddenUnits: [], inputOrder: 'random', seed }).input.join();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const e = n / 6;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - e) ** 2 / e, 0);
    // chi-squared with 5 degrees of freedom: P(chi2 > 20.5) = 0.001 under uniformity.
    expect(chi2).toBeLessThan(20.5);
  });

  it('unseeded random orders differ between calls', () => {
    const orders = new Set(Array.from({ length: 5 }, () => createDegrees({ eventSize: 12, hiddenUnits: [], inputOrder: 'random' }).input.join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it("random hidden degrees take every value in [min of the previous layer, D - 1], about equally often", () => {
    const d = createDegrees({ eventSize: 5, hiddenUnits: [2000], hiddenDegrees: 'random', seed: 4 });
    const counts = [1, 2, 3, 4].map((v) => d.hidden[0]!.filter((u) => u === v).length);
    // Binomial(2000, 1/4): mean 500, sd 19.4; 500 +- 100 is more than 5 sd.
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(100);
    // Drawn, not the 'equal' cycle 1, 2, 3, 4, 1, ...: the cycle repeats every 4 units.
    expect(d.hidden[0]!.slice(0, 40).join()).not.toBe(d.hidden[0]!.slice(4, 44).join());
  });
});
