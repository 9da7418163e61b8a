import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { LogNormal } from './log-normal.js';
import { logNdtr, ndtr, pointGrid } from './test-reference.js';
import { describeTails } from './test-tails.js';

// Batch [2, 3]: loc along the last axis, scale (small, unit) along the first; points at
// exp(loc + t scale), far into both tails.
const loc = [-2, 0, 3];
const scale = [[0.05], [1]];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const num = (v: Nested | undefined) => v as number;
const z = (x: number, p: Record<string, Nested>) => (Math.log(x) - num(p.loc)) / num(p.scale);

describeDistribution({
  name: 'LogNormal',
  params: { loc, scale },
  make: (p) => new LogNormal({ loc: p.loc!, scale: p.scale! }),
  reparameterized: ['loc', 'scale'],
  batchShape: [2, 3],
  eventShape: [],
  points: pointGrid([-12, -3, -0.5, 0, 1, 4, 12], [2, 3], (t, [i, j]) => Math.exp(loc[j!]! + t * scale[i!]![0]!)) as Nested,
  outside: pointGrid([-1, 0], [2, 3], (t) => t) as Nested,
  reference: {
    logProb: (x, p) => -0.5 * z(num(x), p) ** 2 - Math.log(num(p.scale)) - LOG_SQRT_2PI - Math.log(num(x)),
    cdf: (x, p) => ndtr(z(x, p)),
    logCdf: (x, p) => logNdtr(z(x, p)),
    mean: (p) => Math.exp(num(p.loc) + num(p.scale) ** 2 / 2),
    variance: (p) => Math.expm1(num(p.scale) ** 2) * Math.exp(2 * num(p.loc) + num(p.scale) ** 2),
    mode: (p) => Math.exp(num(p.loc) - num(p.scale) ** 2),
    entropy: (p) => num(p.loc) + Math.log(num(p.scale)) + 0.5 + LOG_SQRT_2PI,
  },
  tolerance: { cdf: { rtol: 1e-4, atol: 1e-6 }, logCdf: { rtol: 1e-4, atol: 1e-5 } },
  // Heavy tails: the sample variance needs finite fourth moments of a moderate size.
  sampling: { params: { loc: [-1, 0, 1], scale: [0.1, 0.5, 0.3] }, batchShape: [3] },
  gradientCheck: { params: { loc: [-1, 0, 1], scale: [[0.5], [1]] }, points: pointGrid([-1, 0.3, 1.5], [2, 3], (t, [i, j]) => Math.exp([-1, 0, 1][j!]! + t * [0.5, 1][i!]!)) as Nested },
});

describeTails([
  {
    name: 'LogNormal(0.5, 2)',
    make: () => new LogNormal({ loc: 0.5, scale: 2 }),
    points: [1e-30, 1e-6, 0.1, 1, 10, 1e6, 1e30],
    cdf: (x) => ndtr((Math.log(x) - 0.5) / 2),
    logSurvival: (x) => logNdtr(-(Math.log(x) - 0.5) / 2),
    bracket: [0, 1e31],
    quantilePoints: [1e-10, 1e-6, 0.1, 1, 10, 1e3],
    tolerance: { quantile: { rtol: 1e-4, atol: 0 } },
  },
]);

describe('LogNormal arguments', () => {
  it('rejects a non-positive scale and unknown keys, naming them', () => {
    expect(() => new LogNormal({ loc: 0, scale: [1, 0] })).toThrow(/LogNormal: scale must be > 0/);
    expect(() => new LogNormal({ loc: 0, scael: 1 } as never)).toThrow(/scael/);
  });
});
