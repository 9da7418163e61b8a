import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../mulberry32.js';
import { jsBiasActivation, jsMatMul } from './js-matmul.js';

/** op(A) @ op(B) in float64, element by element from the definition. */
function reference(A: Float32Array, B: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ta ? p * m + i : i * k + p]! * B[tb ? j * k + p : p * n + j]!;
      out.push(s);
    }
  }
  return out;
}

describe('jsMatMul', () => {
  const rand = mulberry32(7);
  const fill = (size: number) => Float32Array.from({ length: size }, () => (rand() < 0.1 ? 0 : 2 * rand() - 1));
  // Below 4 rows or columns: row updates; from 4 x 4: blocks, with leftover rows and columns.
  for (const [m, k, n] of [[1, 1, 1], [3, 5, 9], [5, 3, 7], [9, 6, 4], [8, 13, 5], [11, 33, 10], [6, 0, 5]] as const) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`[${m}x${k}] @ [${k}x${n}], transposeA ${ta}, transposeB ${tb}`, () => {
          const A = fill(m * k);
          const B = fill(k * n);
          const out = new Float32Array(m * n).fill(99);
          jsMatMul(A, B, out, m, k, n, ta, tb);
          const ref = reference(A, B, m, k, n, ta, tb);
          ref.forEach((r, idx) => expect(Math.abs(out[idx]! - r)).toBeLessThan(1e-5 * (1 + Math.abs(r))));
        });
      }
    }
  }

  it('adds the bias per row and applies the activation', () => {
    const out = Float32Array.of(-1, 2, 0.5, -3);
    jsBiasActivation(out, 2, Float32Array.of(0.5, -1), 'leakyrelu', 0.2);
    const expected = [-0.5 * 0.2, 1, 1, -4 * 0.2];
    expected.forEach((e, i) => expect(out[i]).toBeCloseTo(e, 6));
    const s = Float32Array.of(0, 2);
    jsBiasActivation(s, 2, undefined, 'sigmoid', 0);
    expect(s[0]).toBeCloseTo(0.5, 7);
    expect(s[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 7);
    const e = Float32Array.of(-1, 1);
    jsBiasActivation(e, 2, undefined, 'elu', 0);
    expect(e[0]).toBeCloseTo(Math.exp(-1) - 1, 7);
    expect(e[1]).toBe(1);
  });
});
