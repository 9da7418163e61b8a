import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@densityjs/core';
import {
  batchJacobian,
  chiSquaredCriticalValue,
  chiSquaredTest,
  describeEachBackend,
  expectAllClose,
  expectGradientsMatchFiniteDifferences,
  expectNoLeaks,
  finiteDifferenceDerivative,
  gradientMismatches,
  ksCriticalValue,
  ksStatistic,
  logAbsDet,
  normalQuantile,
} from './index.js';

describe('expectAllClose', () => {
  it('accepts values within atol + rtol * |expected| and rejects others', async () => {
    await expectAllClose([1, 2, 3], [1, 2, 3 + 1e-6]);
    await expect(expectAllClose([1, 2, 3], [1, 2, 3.1])).rejects.toThrow(/1 of 3 elements differ/);
    await expect(expectAllClose([1], [1.001], { atol: 0, rtol: 1e-4 })).rejects.toThrow();
    await expectAllClose([1000], [1000.05], { atol: 0, rtol: 1e-4 });
  });
  it('matches NaN with NaN and infinities by sign only', async () => {
    await expectAllClose([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity]);
    await expect(expectAllClose([Infinity], [-Infinity])).rejects.toThrow();
    await expect(expectAllClose([NaN], [0])).rejects.toThrow();
  });
  it('checks shapes of nested arrays and tensors', async () => {
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    await expectAllClose(t, [[1, 2], [3, 4]]);
    await expect(expectAllClose(t, [[1, 2, 3, 4]])).rejects.toThrow(/shape mismatch/);
    t.dispose();
  });
});

describe('logAbsDet', () => {
  it('agrees with the closed form for 2x2 and a permutation-heavy 3x3', () => {
    expect(logAbsDet([[2, 1], [1, 3]])).toBeCloseTo(Math.log(5), 12);
    // det = 0*(..) - 2*(1*1 - 0*4) + 1*(1*3 - 5*4)... computed by cofactor expansion below.
    const m = [[0, 2, 1], [1, 5, 0], [4, 3, 1]];
    const det = 0 * (5 * 1 - 0 * 3) - 2 * (1 * 1 - 0 * 4) + 1 * (1 * 3 - 5 * 4);
    expect(logAbsDet(m)).toBeCloseTo(Math.log(Math.abs(det)), 12);
    expect(logAbsDet([[1, 2], [2, 4]])).toBe(-Infinity);
  });
});

describeEachBackend('batchJacobian', () => {
  it('recovers the Jacobian of a linear map per example without leaking', async () => {
    const w = tf.tensor2d([[1, 2, 0], [0, 3, -1]]); // x [B,2] @ w -> [B,3]
    const x = tf.tensor2d([[0.5, -1], [2, 1]]);
    await expectNoLeaks(async () => {
      const jac = await batchJacobian((xi) => tf.matMul(tf.square(xi), w), x);
      // d/dx_j of sum_k x_k^2 w[k,i] = 2 x_j w[j,i]
      const xs = [[0.5, -1], [2, 1]];
      const wv = [[1, 2, 0], [0, 3, -1]];
      const expected = xs.map((row) => [0, 1, 2].map((i) => row.map((xj, j) => 2 * xj * wv[j]![i]!)));
      await expectAllClose(jac, expected);
    });
    tf.dispose([w, x]);
  });
});

describe('goodness of fit', () => {
  it('ksStatistic is the largest gap between the empirical and the reference CDF', () => {
    // Sorted 0.1, 0.5, 0.9 against U(0, 1): gaps 0.1, 1/3 - 0.1, 0.5 - 1/3, 2/3 - 0.5, 0.9 - 2/3, 1 - 0.9.
    expect(ksStatistic([0.9, 0.1, 0.5], (x) => x, { float32: false })).toBeCloseTo(1 / 3 - 0.1, 12);
    // Ties step the empirical CDF at once.
    expect(ksStatistic([0.5, 0.5], (x) => x, { float32: false })).toBeCloseTo(0.5, 12);
  });
  it('accepts seeded uniform draws and rejects shifted ones at the DKW bound', () => {
    const u = mulberry32(5);
    const draws = Array.from({ length: 20000 }, () => Math.fround(u()));
    const critical = ksCriticalValue(draws.length, 1e-6);
    expect(critical).toBeCloseTo(Math.sqrt(Math.log(2e6) / 40000), 12);
    expect(ksStatistic(draws, (x) => Math.min(1, Math.max(0, x)))).toBeLessThan(critical);
    expect(ksStatistic(draws, (x) => Math.min(1, Math.max(0, x - 0.03)))).toBeGreaterThan(critical);
  });
  it('chiSquaredTest accepts a fair die, rejects a loaded one, flags impossible values', () => {
    const u = mulberry32(9);
    const fair = Array.from({ length: 6000 }, () => Math.floor(6 * u()));
    const pmf = (k: number) => (k >= 0 && k < 6 ? 1 / 6 : 0);
    const ok = chiSquaredTest(fair, pmf, 1e-6);
    expect(ok.degreesOfFreedom).toBe(5);
    expect(ok.statistic).toBeLessThan(ok.critical);
    const loaded = fair.map((k, i) => (k === 0 && i % 5 === 0 ? 5 : k));
    const bad = chiSquaredTest(loaded, pmf, 1e-6);
    expect(bad.statistic).toBeGreaterThan(bad.critical);
    expect(chiSquaredTest([...fair, 7], pmf, 1e-6).impossible).toEqual([7]);
  });
  it('quantiles match tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 7);
    // Wilson-Hilferty stays above the exact chi-squared quantiles (10.828 for k = 1, 29.588 for k = 10).
    expect(chiSquaredCriticalValue(1, 1e-3)).toBeGreaterThan(10.828);
    expect(chiSquaredCriticalValue(10, 1e-3)).toBeGreaterThan(29.588);
    expect(chiSquaredCriticalValue(10, 1e-3)).toBeLessThan(29.588 * 1.01);
  });
});

describeEachBackend('finite differences', () => {
  it('finiteDifferenceDerivative recovers cos from sin to the stencil accuracy', async () => {
    const xs = [0.3, -1.2, 2];
    const x = tf.tensor1d(xs);
    const { derivative } = await finiteDifferenceDerivative((t) => tf.sin(tf.add(x, t)));
    await expectAllClose(Array.from(derivative[0]!), xs.map(Math.cos), { atol: 2e-4, rtol: 0 });
    x.dispose();
  });
  it('gradientMismatches accepts a correct custom gradient and reports a wrong one, restoring variables', async () => {
    const square = (scale: number) =>
      tf.customGrad((...args: unknown[]) => {
        const t = args[0] as tf.Tensor;
        return { value: tf.square(t), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.mul(dy as tf.Tensor, tf.mul(t, 2 * scale)) };
      });
    const x = tf.tensor1d([0.5, -1, 2]);
    const v = tf.variable(tf.tensor1d([1.5, -0.5, 0.7]));
    const before = Array.from(await v.data());
    await expectNoLeaks(async () => {
      const f = (scale: number) => (t: tf.Tensor) => tf.mul(square(scale)(t) as tf.Tensor, tf.exp(v));
      expect(await gradientMismatches(f(1), [x], { variables: [v] })).toEqual([]);
      const wrong = await gradientMismatches(f(1.05), [x], { variables: [v], inputNames: ['x'] });
      expect(wrong.length).toBeGreaterThan(0);
      expect(wrong[0]).toMatch(/d out0 \/ d x \(direction 0\): autodiff/);
      await expect(expectGradientsMatchFiniteDifferences(f(0.9), [x], { label: 'square' })).rejects.toThrow(/square: gradients differ/);
    });
    expect(Array.from(await v.data())).toEqual(before);
    tf.dispose([x, v]);
  });
});
