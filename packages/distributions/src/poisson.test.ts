import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Poisson } from './poisson.js';
import { igamma, lgamma } from './test-reference.js';

const num = (v: Nested | undefined) => v as number;
/** Float64 log pmf: k log λ - λ - log k! (float64 keeps the cancellation harmless up to λ ~ 1e10). */
const logPmf = (k: number, lam: number) => (k === 0 ? -lam : k * Math.log(lam) - lam - lgamma(k + 1));

// Extreme rates: log-densities in the tails and at the bulk of each, moments and mode.
const rates = [1e-6, 0.5, 3, 40, 1e6];
const extremePoints = [
  [0, 0, 0, 0, 0],
  [1, 1, 1, 20, 999000],
  [3, 2, 3, 40, 1000000],
  [10, 7, 12, 80, 1001500],
];
describeDistribution({
  name: 'Poisson (rates 1e-6 to 1e6)',
  params: { rate: rates },
  make: (p) => new Poisson({ rate: p.rate! }),
  batchShape: [5],
  eventShape: [],
  points: extremePoints,
  outside: [[-1, 0.5, 2.5, -3, 1e6 + 0.5]],
  reference: {
    logProb: (x, p) => logPmf(num(x), num(p.rate)),
    mean: (p) => num(p.rate),
    variance: (p) => num(p.rate),
    mode: (p) => Math.floor(num(p.rate)),
  },
  tolerance: { logProb: { rtol: 2e-6, atol: 2e-5 }, prob: { rtol: 5e-5, atol: 1e-7 } },
  // Every sampler branch: inversion below 10 (0.5, 3, 9.9), PTRS from 10 (10, 40, 1e4).
  sampling: { params: { rate: [0.5, 3, 9.9, 10, 40, 1e4] }, batchShape: [6], n: 10000 },
  gradientCheck: { params: { rate: [0.5, 3, 40, 200, 5000] }, points: [[0, 1, 30, 190, 5100], [2, 5, 45, 210, 4950]] },
  discrete: true,
});

// Moderate rates for the cdf (the incomplete gamma's 64 terms resolve these).
describeDistribution({
  name: 'Poisson (logRate, cdf)',
  params: { logRate: [Math.log(0.2), 0, Math.log(7)] },
  make: (p) => new Poisson({ logRate: p.logRate! }),
  batchShape: [3],
  eventShape: [],
  points: [[0, 0, 0], [1, 2, 5], [3, 4, 7], [6, 9, 15]],
  reference: {
    logProb: (x, p) => logPmf(num(x), Math.exp(num(p.logRate))),
    cdf: (x, p) => 1 - igamma(Math.floor(x) + 1, Math.exp(num(p.logRate))),
    logCdf: (x, p) => Math.log(1 - igamma(Math.floor(x) + 1, Math.exp(num(p.logRate)))),
    mean: (p) => Math.exp(num(p.logRate)),
    variance: (p) => Math.exp(num(p.logRate)),
  },
  tolerance: { logProb: { rtol: 2e-6, atol: 2e-5 }, cdf: { rtol: 1e-4, atol: 1e-6 }, logCdf: { rtol: 1e-4, atol: 1e-5 } },
  sampling: false,
  discrete: true,
});

describe('Poisson', () => {
  it('survival functions match the float64 upper incomplete gamma in the upper tail', async () => {
    const d = new Poisson({ rate: 2 });
    const x = tf.tensor1d([0, 3, 10, 25]);
    const ls = d.logSurvivalFunction(x);
    const expected = [0, 3, 10, 25].map((k) => Math.log(igamma(k + 1, 2)));
    const v = Array.from(await ls.data());
    v.forEach((e, i) => expect(Math.abs(e - expected[i]!)).toBeLessThan(1e-4 * Math.abs(expected[i]!) + 1e-5));
    tf.dispose([x, ls]);
    d.dispose();
  });
  it('takes exactly one of rate and logRate, and refuses a non-positive rate, naming it', () => {
    expect(() => new Poisson({})).toThrow(/Poisson: rate\/logRate must be exactly one of rate or logRate/);
    expect(() => new Poisson({ rate: 1, logRate: 0 })).toThrow(/rate\/logRate/);
    expect(() => new Poisson({ rate: [1, 0] })).toThrow(/Poisson: rate must be > 0, received 0/);
  });
  it('honors seed 0 (same draws twice, other draws at seed 1)', async () => {
    const d = new Poisson({ rate: [2, 50] });
    const a = await d.sample(20, { seed: 0 }).data();
    const b = await d.sample(20, { seed: 0 }).data();
    const c = await d.sample(20, { seed: 1 }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    d.dispose();
  });
});
