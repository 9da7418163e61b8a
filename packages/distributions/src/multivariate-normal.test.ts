import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, expectAllClose, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import { ndtr } from './test-reference.js';

const LOG_2PI = Math.log(2 * Math.PI);
const zs = [-30, -4, -1, 0, 0.5, 3, 30];
// A z vector per grid value: components at different standardized distances.
const zVec = (t: number) => [t, -0.5 * t, 0.3 * t + 0.2];

// Batch [2], d = 3; scaleDiag (tiny, unit, large) shared by both members.
const loc = [[0, 1, -2], [1000, 0, 3]];
const scaleDiag = [[1e-4, 1, 1e4]];
describeDistribution({
  name: 'MultivariateNormalDiag',
  params: { loc, scaleDiag },
  paramEventRanks: { loc: 1, scaleDiag: 1 },
  make: (p) => new MultivariateNormalDiag({ loc: p.loc!, scaleDiag: p.scaleDiag! }),
  reparameterized: ['loc', 'scaleDiag'],
  batchShape: [2],
  eventShape: [3],
  points: zs.map((t) => loc.map((l) => l.map((m, k) => m + zVec(t)[k]! * scaleDiag[0]![k]!))),
  reference: {
    logProb: (x, p) => {
      const xs = x as number[];
      const m = p.loc as number[];
      const s = p.scaleDiag as number[];
      return xs.reduce((acc, v, k) => acc - 0.5 * ((v - m[k]!) / s[k]!) ** 2 - Math.log(s[k]!), 0) - 1.5 * LOG_2PI;
    },
    mean: (p) => p.loc as number[],
    mode: (p) => p.loc as number[],
    variance: (p) => (p.scaleDiag as number[]).map((s) => s * s),
    entropy: (p) => (p.scaleDiag as number[]).reduce((a, s) => a + Math.log(s), 0) + 1.5 * (1 + LOG_2PI),
    // u·X ~ N(u·loc, Σ u_k² scale_k²).
    projectionCdf: (u, p) => {
      const m = p.loc as number[];
      const s = p.scaleDiag as number[];
      const mean = u.reduce((a, v, k) => a + v * m[k]!, 0);
      const sd = Math.hypot(...u.map((v, k) => v * s[k]!));
      return (t) => ndtr((t - mean) / sd);
    },
  },
  sampling: { params: { loc: [[0, 1, -2], [50, 0, 3]], scaleDiag } },
  gradientCheck: { params: { loc: [[0, 1, -2], [5, 0, 3]], scaleDiag: [[0.5, 1, 3]] } },
  webgpu: true,
});

/** Float64 forward substitution: solves L z = r. */
function solveLower(L: number[][], r: number[]): number[] {
  const z: number[] = [];
  for (let i = 0; i < r.length; i++) {
    let s = r[i]!;
    for (let j = 0; j < i; j++) s -= L[i]![j]! * z[j]!;
    z.push(s / L[i]![i]!);
  }
  return z;
}

// Batch [2], d = 3, with a tiny and a large diagonal entry.
const trilLoc = [[0, 1, -2], [100, 0, 3]];
const scaleTril = [
  [[2, 0, 0], [0.5, 1, 0], [-1, 0.3, 0.5]],
  [[1e-2, 0, 0], [3, 1, 0], [0.1, -2, 40]],
];
const matVec = (L: number[][], v: number[]) => L.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
describeDistribution({
  name: 'MultivariateNormalTriL',
  params: { loc: trilLoc, scaleTril },
  paramEventRanks: { loc: 1, scaleTril: 2 },
  make: (p) => new MultivariateNormalTriL({ loc: p.loc!, scaleTril: p.scaleTril! }),
  reparameterized: ['loc', 'scaleTril'],
  batchShape: [2],
  eventShape: [3],
  points: zs.map((t) => trilLoc.map((l, b) => matVec(scaleTril[b]!, zVec(t)).map((v, k) => v + l[k]!))),
  reference: {
    logProb: (x, p) => {
      const L = p.scaleTril as number[][];
      const m = p.loc as number[];
      const z = solveLower(L, (x as number[]).map((v, k) => v - m[k]!));
      return -0.5 * z.reduce((s, v) => s + v * v, 0) - L.reduce((s, row, i) => s + Math.log(row[i]!), 0) - 1.5 * LOG_2PI;
    },
    mean: (p) => p.loc as number[],
    mode: (p) => p.loc as number[],
    variance: (p) => (p.scaleTril as number[][]).map((row) => row.reduce((s, v) => s + v * v, 0)),
    entropy: (p) => (p.scaleTril as number[][]).reduce((s, row, i) => s + Math.log(row[i]!), 0) + 1.5 * (1 + LOG_2PI),
    // u·X ~ N(u·loc, |Lᵀ u|²).
    projectionCdf: (u, p) => {
      const L = p.scaleTril as number[][];
      const m = p.loc as number[];
      const mean = u.reduce((a, v, k) => a + v * m[k]!, 0);
      const sd = Math.hypot(...u.map((_, j) => u.reduce((a, v, i) => a + v * L[i]![j]!, 0)));
      return (t) => ndtr((t - mean) / sd);
    },
  },
  // The upper triangle is never read, so its gradient is exactly zero.
  gradientCheck: { params: { loc: [[0, 1, -2], [5, 0, 3]], scaleTril: [[[2, 0, 0], [0.5, 1, 0], [-1, 0.3, 0.5]], [[0.7, 0, 0], [3, 1, 0], [0.1, -2, 4]]] } },
  zeroGradient: (param, i, shape) => param === 'scaleTril' && i % shape[2]! > Math.floor(i / shape[2]!) % shape[1]!,
  // logProb at |z| = 30 sums ~1e3 in float32; the check keeps rtol 1e-5.
});

describe('multivariate normal arguments and extras', () => {
  it('MultivariateNormalDiag rejects a non-positive scaleDiag and scalar parameters', () => {
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 0] })).toThrow(/MultivariateNormalDiag: scaleDiag must be > 0, received 0 \(at flat index 1\)/);
    expect(() => new MultivariateNormalDiag({ loc: 0, scaleDiag: [1] })).toThrow(/MultivariateNormalDiag: loc must be a tensor of rank >= 1/);
    expect(() => new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1] })).toThrow(/does not broadcast/);
  });
  it('MultivariateNormalTriL rejects a scaleTril that is not lower triangular or has a non-positive diagonal', () => {
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0.5], [0, 1]] })).toThrow(
      /MultivariateNormalTriL: scaleTril must be lower triangular \(zeros above the diagonal\), received 0.5 at \[0, 1\]/,
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 0]] })).toThrow(
      /MultivariateNormalTriL: scaleTril must be a positive diagonal, received 0 at \[1, 1\]/,
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0], [0, 1]] })).toThrow(/MultivariateNormalTriL: loc must be a tensor of shape batch \+ \[2\]/);
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [1, 1] })).toThrow(/scaleTril must be a tensor of shape batch \+ \[d, d\]/);
  });
  it('MultivariateNormalTriL samples have covariance L Lᵀ and covariance() returns it', async () => {
    const L = [[2, 0], [1.5, 0.5]];
    const d = new MultivariateNormalTriL({ loc: [1, -1], scaleTril: L });
    const s = d.sample(100000, { seed: 3 });
    const v = await s.data();
    let c01 = 0;
    for (let i = 0; i < 100000; i++) c01 += (v[2 * i]! - 1) * (v[2 * i + 1]! + 1);
    c01 /= 100000;
    // cov01 = 2 * 1.5 = 3; var(x0 x1) = σ0²σ1² + cov² = 4 * 2.5 + 9 = 19.
    expect(Math.abs(c01 - 3)).toBeLessThan(4 * Math.sqrt(19 / 100000));
    const cov = d.covariance();
    await expectAllClose(cov, [[4, 3], [3, 2.5]]);
    tf.dispose([s, cov]);
    d.dispose();
  });
  it('MultivariateNormalDiag covariance() is diag(scaleDiag²) per batch member', async () => {
    const d = new MultivariateNormalDiag({ loc: [[0, 1, 2], [3, 4, 5]], scaleDiag: [[1, 2, 0.5], [3, 1, 1]] });
    const cov = d.covariance();
    await expectAllClose(cov, [[[1, 0, 0], [0, 4, 0], [0, 0, 0.25]], [[9, 0, 0], [0, 1, 0], [0, 0, 1]]], { rtol: 0, atol: 0 });
    cov.dispose();
    d.dispose();
  });
});
