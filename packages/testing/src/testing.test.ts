import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchJacobian, describeEachBackend, expectAllClose, expectNoLeaks, logAbsDet } from './index.js';

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
