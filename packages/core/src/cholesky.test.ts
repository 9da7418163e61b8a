import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { cholesky } from './cholesky.js';
import { triangularSolveLower } from './linear-algebra.js';

/** Float64 Cholesky–Banachiewicz, row by row (a different order from the code under test). */
function choleskyRef(a: number[][]): number[][] {
  const d = a.length;
  const l = a.map(() => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
  }
  return l;
}

const A = [
  [4, 2, -2],
  [2, 10, 3],
  [-2, 3, 6],
];
const B = [
  [1e-4, 0, 0],
  [0, 1, 0.5],
  [0, 0.5, 100],
];

describeEachBackend('cholesky', () => {
  it('factors a batch of SPD matrices as the float64 reference does', async () => {
    const l = cholesky(tf.tensor3d([A, B]));
    expect(l.shape).toEqual([2, 3, 3]);
    await expectAllClose(l, [choleskyRef(A), choleskyRef(B)], { rtol: 1e-5, atol: 1e-6 }, 'cholesky');
    l.dispose();
  });
  it('differentiates: d Σ L / dA matches central float64 finite differences of the reference (lower triangle)', async () => {
    const g = tf.grad((m: tf.Tensor) => tf.sum(cholesky(m)))(tf.tensor2d(A));
    const v = await g.data();
    const total = (m: number[][]) => choleskyRef(m).flat().reduce((s, x) => s + x, 0);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j <= i; j++) {
        const h = 1e-6;
        const up = A.map((r) => r.slice());
        const down = A.map((r) => r.slice());
        up[i]![j]! += h;
        down[i]![j]! -= h;
        const fd = (total(up) - total(down)) / (2 * h);
        expect(Math.abs(v[i * 3 + j]! - fd)).toBeLessThan(1e-4 * (1 + Math.abs(fd)));
      }
    }
    g.dispose();
  });
  it('gives NaN for a matrix that is not positive definite, and leaks nothing', async () => {
    const bad = tf.tensor2d([[1, 2], [2, 1]]);
    const l = cholesky(bad);
    expect(Number.isNaN((await l.data())[3])).toBe(true);
    l.dispose();
    await expectNoLeaks(() => {
      const a = tf.tensor2d(A);
      tf.dispose([a, cholesky(bad), tf.grad((m: tf.Tensor) => tf.sum(cholesky(m)))(a)]);
    });
    bad.dispose();
  });
});

describe('shape checks of cholesky and triangularSolveLower', () => {
  it('name the argument, expected and received shapes', () => {
    const [vector, wide, square, rhs] = [tf.zeros([3]), tf.zeros([2, 3]), tf.eye(3), tf.zeros([4, 2])];
    argumentErrorOf(() => cholesky(vector), { argument: 'matrix', message: /^cholesky: matrix must be a tensor of shape \[\.\.\., d, d\], received a float32 tensor of shape \[3\]$/ });
    argumentErrorOf(() => cholesky(wide), { argument: 'matrix', message: /received a float32 tensor of shape \[2, 3\]$/ });
    argumentErrorOf(() => triangularSolveLower(wide, rhs), { argument: 'lower', message: /^triangularSolveLower: lower must be a tensor of shape \[\.\.\., d, d\], received a float32 tensor of shape \[2, 3\]$/ });
    argumentErrorOf(() => triangularSolveLower(vector, rhs), { argument: 'lower', message: /shape \[3\]$/ });
    argumentErrorOf(() => triangularSolveLower(square, rhs), { argument: 'rhs', message: /^triangularSolveLower: rhs must be a tensor of shape \[\.\.\., 3\], received a float32 tensor of shape \[4, 2\]$/ });
    tf.dispose([vector, wide, square, rhs]);
  });
});
