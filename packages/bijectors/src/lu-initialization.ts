// Float64 helpers of ScaleMatvecLU's initialization: a seeded random orthogonal matrix and its LU factors.
import { mulberry32 } from '@densityjs/core';

/** Standard normal draws by Box-Muller. */
export function normalGenerator(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** A Haar-like random orthogonal d x d matrix: Gram-Schmidt of a Gaussian matrix. */
export function randomOrthogonal(d: number, seed: number): number[][] {
  const g = normalGenerator(seed);
  const q: number[][] = [];
  while (q.length < d) {
    const v = Array.from({ length: d }, () => g());
    for (const u of q) {
      const dot = u.reduce((s, ui, i) => s + ui * v[i]!, 0);
      for (let i = 0; i < d; i++) v[i]! -= dot * u[i]!;
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-6) continue; // numerically dependent draw: try again
    q.push(v.map((x) => x / norm));
  }
  return q;
}

/**
 * LU decomposition with partial pivoting in float64: `A[perm[i], :] = (L U)[i, :]`, L unit
 * lower-triangular (returned strictly lower), U upper-triangular.
 */
export function luDecompose(matrix: number[][]): { lower: number[][]; upper: number[][]; perm: number[] } {
  const d = matrix.length;
  const a = matrix.map((row) => [...row]);
  const perm = Array.from({ length: d }, (_, i) => i);
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let r = k + 1; r < d; r++) if (Math.abs(a[r]![k]!) > Math.abs(a[p]![k]!)) p = r;
    [a[k], a[p]] = [a[p]!, a[k]!];
    [perm[k], perm[p]] = [perm[p]!, perm[k]!];
    for (let r = k + 1; r < d; r++) {
      const f = a[r]![k]! / a[k]![k]!;
      a[r]![k] = f;
      for (let c = k + 1; c < d; c++) a[r]![c]! -= f * a[k]![c]!;
    }
  }
  const lower = a.map((row, i) => row.map((v, j) => (j < i ? v : 0)));
  const upper = a.map((row, i) => row.map((v, j) => (j >= i ? v : 0)));
  return { lower, upper, perm };
}
