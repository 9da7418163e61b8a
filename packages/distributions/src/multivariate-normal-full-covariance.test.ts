import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, expectAllClose, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalFullCovariance } from './multivariate-normal-full-covariance.js';
import { ndtr } from './test-reference.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Float64 Gaussian elimination with partial pivoting: Σ⁻¹ b and log det Σ (no Cholesky). */
function solveAndLogDet(a: number[][], b: number[]): { x: number[]; logDet: number } {
  const d = a.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  let logDet = 0;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    logDet += Math.log(Math.abs(m[c]![c]!));
    for (let r = c + 1; r < d; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= d; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = m[r]![d]!;
    for (let k = r + 1; k < d; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return { x, logDet };
}

// Batch [2], d = 3: a correlated covariance and one with scales from 1e-2 to 40.
const loc = [[0, 1, -2], [100, 0, 3]];
const cov = [
  [[4, 1, -2], [1, 1.25, -0.2], [-2, -0.2, 1.34]],
  [[1e-4, 0.03, 1e-3], [0.03, 10, -1.7], [1e-3, -1.7, 1604.01]],
];
// Points loc + t v along fixed directions.
const dirs = [[1, -0.5, 0.2], [0.01, 2, -30]];
const ts = [-20, -3, -1, 0, 0.5, 3, 20];

describeDistribution({
  name: 'MultivariateNormalFullCovariance',
  params: { loc, covarianceMatrix: cov },
  paramEventRanks: { loc: 1, covarianceMatrix: 2 },
  // validateArgs off: the finite-difference check perturbs one entry of Σ at a time (so Σ is
  // not symmetric then); the argument checks have their own tests below.
  make: (p) => new MultivariateNormalFullCovariance({ loc: p.loc!, covarianceMatrix: p.covarianceMatrix!, validateArgs: false }),
  reparameterized: ['loc', 'covarianceMatrix'],
  batchShape: [2],
  eventShape: [3],
  points: ts.map((t) => loc.map((l, b) => l.map((v, k) => v + t * dirs[b]![k]!))),
  reference: {
    logProb: (x, p) => {
      const S = p.covarianceMatrix as number[][];
      const m = p.loc as number[];
      const r = (x as number[]).map((v, k) => v - m[k]!);
      const { x: y, logDet } = solveAndLogDet(S, r);
      return -0.5 * r.reduce((s, v, k) => s + v * y[k]!, 0) - 0.5 * logDet - 1.5 * LOG_2PI;
    },
    mean: (p) => p.loc as number[],
    mode: (p) => p.loc as number[],
    variance: (p) => (p.covarianceMatrix as number[][]).map((row, i) => row[i]!),
    entropy: (p) => 0.5 * solveAndLogDet(p.covarianceMatrix as number[][], [0, 0, 0]).logDet + 1.5 * (1 + LOG_2PI),
    // u·X ~ N(u·loc, uᵀ Σ u).
    projectionCdf: (u, p) => {
      const S = p.covarianceMatrix as number[][];
      const m = p.loc as number[];
      const mean = u.reduce((a, v, k) => a + v * m[k]!, 0);
      const sd = Math.sqrt(u.reduce((a, ui, i) => a + ui * u.reduce((b, uj, j) => b + S[i]![j]! * uj, 0), 0));
      return (t) => ndtr((t - mean) / sd);
    },
  },
  tolerance: { logProb: { rtol: 1e-4, atol: 1e-3 }, prob: { rtol: 1e-3, atol: 1e-7 }, entropy: { rtol: 1e-5, atol: 1e-4 } },
  // Only the lower triangle of Σ is read (as TFP's cholesky), so the upper one has no gradient.
  gradientCheck: { params: { loc: [[0, 1, -2], [5, 0, 3]], covarianceMatrix: [[[4, 1, -2], [1, 1.25, -0.2], [-2, -0.2, 1.34]], [[2, 0.3, 0.1], [0.3, 1, -0.4], [0.1, -0.4, 3]]] }, rtol: 1e-2 },
  zeroGradient: (param, i, shape) => param === 'covarianceMatrix' && i % shape[2]! > Math.floor(i / shape[2]!) % shape[1]!,
});

describe('MultivariateNormalFullCovariance arguments', () => {
  it('rejects a covariance that is not symmetric, not positive definite or not square, naming it', () => {
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [[1, 0.5], [0.4, 1]] })).toThrow(
      /MultivariateNormalFullCovariance: covarianceMatrix must be symmetric, received 0.4\d* at \[1, 0\] but 0.5 at \[0, 1\]/,
    );
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [[1, 2], [2, 1]] })).toThrow(/covarianceMatrix must be positive definite/);
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [1, 1] })).toThrow(/covarianceMatrix must be a tensor of shape batch \+ \[d, d\]/);
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0, 0], covarianceMatrix: [[1, 0], [0, 1]] })).toThrow(/loc must be a tensor of shape batch \+ \[2\]/);
  });
  it('rejected constructors leak nothing; covariance() returns Σ', async () => {
    const before = tf.memory().numTensors;
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [[1, 2], [2, 1]] })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    const d = new MultivariateNormalFullCovariance({ loc: [1, -1], covarianceMatrix: [[4, 3], [3, 2.5]] });
    const c = d.covariance();
    await expectAllClose(c, [[4, 3], [3, 2.5]]);
    c.dispose();
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
