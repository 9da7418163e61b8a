import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Binomial } from './binomial.js';
import { lgamma } from './test-reference.js';

const num = (v: Nested | undefined) => v as number;
/** Float64 log pmf: log n! - log k! - log (n-k)! + k log p + (n - k) log1p(-p). */
const logPmf = (k: number, n: number, p: number) => {
  const a = k === 0 ? 0 : k * Math.log(p);
  const b = k === n ? 0 : (n - k) * Math.log1p(-p);
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + a + b;
};
const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));

// Small and large counts, probabilities near 0, 1/2 and 1.
const totalCount = [5, 30, 1e6, 200];
const probs = [0.3, 0.9, 0.5, 1e-3];
describeDistribution({
  name: 'Binomial (probs)',
  params: { totalCount, probs },
  make: (p) => new Binomial({ totalCount: p.totalCount!, probs: p.probs! }),
  batchShape: [4],
  eventShape: [],
  points: [
    [0, 0, 0, 0],
    [1, 27, 499000, 1],
    [2, 29, 500000, 3],
    [5, 30, 501500, 15],
  ],
  outside: [[-1, 31, 1e6 + 1, 0.5], [6, 2.5, -3, 201]],
  reference: {
    logProb: (x, p) => logPmf(num(x), num(p.totalCount), num(p.probs)),
    mean: (p) => num(p.totalCount) * num(p.probs),
    variance: (p) => num(p.totalCount) * num(p.probs) * (1 - num(p.probs)),
    mode: (p) => Math.min(Math.floor((num(p.totalCount) + 1) * num(p.probs)), num(p.totalCount)),
  },
  tolerance: { logProb: { rtol: 2e-6, atol: 5e-5 }, prob: { rtol: 1e-4, atol: 1e-7 }, moments: { rtol: 1e-5, atol: 1e-5 } },
  noGradient: ['totalCount'],
  // Every sampler branch: inversion (np < 10, also mirrored from p = 0.9), BTRS (np >= 10).
  sampling: { params: { totalCount: [5, 30, 200, 1000, 5000], probs: [0.3, 0.9, 0.5, 0.02, 0.7] }, batchShape: [5], n: 10000 },
  gradientCheck: { params: { totalCount, probs: [0.3, 0.7, 0.5, 0.05] }, points: [[1, 20, 500100, 8], [3, 25, 499000, 12]] },
  discrete: true,
});

describeDistribution({
  name: 'Binomial (logits)',
  params: { totalCount: [10, 40], logits: [-2, 3] },
  make: (p) => new Binomial({ totalCount: p.totalCount!, logits: p.logits! }),
  batchShape: [2],
  eventShape: [],
  points: [[0, 0], [1, 35], [10, 40]],
  reference: {
    logProb: (x, p) => logPmf(num(x), num(p.totalCount), sigmoid(num(p.logits))),
    mean: (p) => num(p.totalCount) * sigmoid(num(p.logits)),
    variance: (p) => num(p.totalCount) * sigmoid(num(p.logits)) * (1 - sigmoid(num(p.logits))),
  },
  tolerance: { logProb: { rtol: 2e-6, atol: 5e-5 } },
  noGradient: ['totalCount'],
  sampling: false,
  discrete: true,
});

describe('Binomial arguments', () => {
  it('rejects a non-integer or negative totalCount and probs outside [0, 1], naming them', () => {
    expect(() => new Binomial({ totalCount: 2.5, probs: 0.5 })).toThrow(/Binomial: totalCount must be a non-negative integer, received 2.5/);
    expect(() => new Binomial({ totalCount: 3, probs: 1.5 })).toThrow(/Binomial: probs must be in \[0, 1\]/);
    expect(() => new Binomial({ totalCount: 3 })).toThrow(/logits\/probs/);
  });
});
