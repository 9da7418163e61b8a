// ScaleMatvecLU's float64 initialization helpers as pure functions: the LU factors rebuild the
// row-permuted matrix, pivoting keeps |L| <= 1, the random matrix is orthogonal, and the normal
// draws have the moments of N(0, 1).
import { describe, expect, it } from 'vitest';
import { luDecompose, normalGenerator, randomOrthogonal } from './lu-initialization.js';

function product(l: number[][], u: number[][]): number[][] {
  const d = l.length;
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => l[i]!.reduce((s, v, k) => s + v * u[k]![j]!, 0)));
}

function expectLuOf(a: number[][]): { lower: number[][]; upper: number[][]; perm: number[] } {
  const { lower, upper, perm } = luDecompose(a);
  const d = a.length;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (j >= i) expect(lower[i]![j], `lower[${i}][${j}]`).toBe(0);
      if (j < i) expect(upper[i]![j], `upper[${i}][${j}]`).toBe(0);
      // Partial pivoting: every multiplier is at most 1 in magnitude.
      expect(Math.abs(lower[i]![j]!)).toBeLessThanOrEqual(1);
    }
  }
  expect([...perm].sort((x, y) => x - y)).toEqual(Array.from({ length: d }, (_, i) => i));
  const unitLower = lower.map((row, i) => row.map((v, j) => (i === j ? 1 : v)));
  const lu = product(unitLower, upper);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(lu[i]![j]).toBeCloseTo(a[perm[i]!]![j]!, 12);
  return { lower, upper, perm };
}

describe('luDecompose', () => {
  it('a matrix with a zero leading entry needs the row swap', () => {
    const { lower, upper, perm } = expectLuOf([
      [0, 2],
      [3, 1],
    ]);
    expect(perm).toEqual([1, 0]);
    expect(lower).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(upper).toEqual([
      [3, 1],
      [0, 2],
    ]);
  });

  it('picks the largest pivot: literal 3 x 3 factors', () => {
    // Column 0's largest entry is in row 2, then column 1's largest remaining is in (old) row 0.
    const { lower, upper, perm } = expectLuOf([
      [1, 4, 1],
      [2, 1, 3],
      [4, 2, 2],
    ]);
    expect(perm).toEqual([2, 0, 1]);
    expect(lower[1]![0]).toBeCloseTo(0.25, 14);
    expect(lower[2]![0]).toBeCloseTo(0.5, 14);
    expect(lower[2]![1]).toBeCloseTo(0, 14);
    expect(upper[0]).toEqual([4, 2, 2]);
    expect(upper[1]![1]).toBeCloseTo(3.5, 14);
    expect(upper[2]![2]).toBeCloseTo(2, 14);
  });

  it('random matrices of sizes 1 to 7', () => {
    const g = normalGenerator(11);
    for (let d = 1; d <= 7; d++) expectLuOf(Array.from({ length: d }, () => Array.from({ length: d }, () => g())));
  });
});

describe('randomOrthogonal', () => {
  it('Q Q^T = I in float64 and the seed fixes Q', () => {
    for (const d of [1, 2, 5, 9]) {
      const q = randomOrthogonal(d, 3);
      const qqt = product(q, q[0]!.map((_, j) => q.map((row) => row[j]!)));
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(qqt[i]![j]).toBeCloseTo(i === j ? 1 : 0, 12);
      expect(randomOrthogonal(d, 3)).toEqual(q);
    }
    expect(randomOrthogonal(3, 4)).not.toEqual(randomOrthogonal(3, 3));
  });
});

describe('normalGenerator', () => {
  it('draws with mean 0, variance 1 and kurtosis 3 within 4 standard errors', () => {
    const g = normalGenerator(7);
    const n = 40000;
    const x = Array.from({ length: n }, () => g());
    const mean = x.reduce((s, v) => s + v, 0) / n;
    const m2 = x.reduce((s, v) => s + v * v, 0) / n;
    const m4 = x.reduce((s, v) => s + v ** 4, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    // Var(x^2) = 2 and Var(x^4) = 96 for N(0, 1).
    expect(Math.abs(m2 - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });
});
