import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Chi2 } from './chi2.js';
import { digamma, igamma, lgamma, pointGrid } from './test-reference.js';

const df = [0.5, 2, 7, 100];
const num = (v: Nested | undefined) => v as number;

describeDistribution({
  name: 'Chi2',
  params: { df },
  make: (p) => new Chi2({ df: p.df! }),
  reparameterized: ['df'],
  batchShape: [4],
  eventShape: [],
  points: pointGrid([1e-3, 0.1, 1, 3], [4], (t, [i]) => t * df[i!]!) as Nested,
  outside: pointGrid([-1, -1e-3], [4], (t) => t) as Nested,
  reference: {
    logProb: (x, p) => {
      const k = num(p.df) / 2;
      return (k - 1) * Math.log(num(x)) - num(x) / 2 - k * Math.LN2 - lgamma(k);
    },
    cdf: (x, p) => igamma(num(p.df) / 2, x / 2),
    logCdf: (x, p) => Math.log(igamma(num(p.df) / 2, x / 2)),
    mean: (p) => num(p.df),
    variance: (p) => 2 * num(p.df),
    mode: (p) => (num(p.df) >= 2 ? num(p.df) - 2 : NaN),
    entropy: (p) => {
      const k = num(p.df) / 2;
      return k + Math.LN2 + lgamma(k) + (1 - k) * digamma(k);
    },
  },
  tolerance: { logProb: { rtol: 2e-5, atol: 2e-5 }, cdf: { rtol: 1e-4, atol: 1e-5 }, logCdf: { rtol: 1e-4, atol: 1e-4 }, entropy: { rtol: 1e-4, atol: 1e-5 } },
  gradientCheck: { params: { df: [1.5, 3, 8, 20] }, points: pointGrid([0.3, 1, 2], [4], (t, [i]) => t * [1.5, 3, 8, 20][i!]!) as Nested },
});

describe('Chi2 arguments', () => {
  it('rejects a non-positive df, naming it', () => {
    expect(() => new Chi2({ df: [1, 0] })).toThrow(/Chi2: df must be > 0, received 0/);
    expect(() => new Chi2({ dof: 1 } as never)).toThrow(/dof/);
  });
});
