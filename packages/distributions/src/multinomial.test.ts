import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Multinomial } from './multinomial.js';
import { lgamma } from './test-reference.js';

const vec = (v: Nested | undefined) => v as number[];
const logPmf = (x: number[], n: number, p: number[]) =>
  lgamma(n + 1) - x.reduce((s, v) => s + lgamma(v + 1), 0) + x.reduce((s, v, k) => s + (v === 0 ? 0 : v * Math.log(p[k]!)), 0);

const totalCount = [10, 1000];
const probs = [[0.2, 0.3, 0.5], [0.7, 0.29, 0.01]];
describeDistribution({
  name: 'Multinomial',
  params: { totalCount, probs },
  paramEventRanks: { probs: 1 },
  // validateArgs off: the finite-difference check moves one probability at a time, off the
  // simplex; the argument checks have their own test below.
  make: (p) => new Multinomial({ totalCount: p.totalCount!, probs: p.probs!, validateArgs: false }),
  batchShape: [2],
  eventShape: [3],
  points: [
    [[0, 0, 10], [700, 290, 10]],
    [[2, 3, 5], [1000, 0, 0]],
    [[10, 0, 0], [650, 330, 20]],
  ],
  outside: [[[1, 1, 1], [700, 290, 11]], [[-1, 1, 10], [700.5, 289.5, 10]]],
  reference: {
    logProb: (x, p) => logPmf(x as number[], p.totalCount as number, vec(p.probs)),
    mean: (p) => vec(p.probs).map((q) => (p.totalCount as number) * q),
    variance: (p) => vec(p.probs).map((q) => (p.totalCount as number) * q * (1 - q)),
  },
  tolerance: { logProb: { rtol: 2e-6, atol: 2e-4 }, prob: { rtol: 1e-3, atol: 1e-7 } },
  noGradient: ['totalCount'],
  sampling: { n: 10000 },
  discrete: true,
});

describe('Multinomial arguments', () => {
  it('rejects probs off the simplex and a non-integer totalCount, naming them', () => {
    expect(() => new Multinomial({ totalCount: 3, probs: [0.5, 0.6] })).toThrow(/Multinomial: probs must be/);
    expect(() => new Multinomial({ totalCount: 1.5, probs: [0.5, 0.5] })).toThrow(/Multinomial: totalCount must be a non-negative integer/);
    expect(() => new Multinomial({ totalCount: 3, logits: 1 })).toThrow(/Multinomial: logits must be a tensor of rank >= 1/);
  });
});
