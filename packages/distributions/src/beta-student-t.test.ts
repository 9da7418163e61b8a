import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Beta } from './beta.js';
import { StudentT } from './student-t.js';
import { betainc, digamma, lbeta, lgamma, pointGrid } from './test-reference.js';

const num = (v: Nested | undefined) => v as number;

// Batch [3, 4]: concentration1 along the last axis, concentration0 along the first.
const c1 = [0.5, 1, 2.5, 30];
const c0 = [[0.7], [1], [8]];
describeDistribution({
  name: 'Beta',
  params: { concentration1: c1, concentration0: c0 },
  make: (p) => new Beta({ concentration1: p.concentration1!, concentration0: p.concentration0! }),
  reparameterized: ['concentration1', 'concentration0'],
  batchShape: [3, 4],
  eventShape: [],
  points: pointGrid([1e-4, 0.01, 0.3, 0.5, 0.9, 0.999], [3, 4], (x) => x) as Nested,
  outside: pointGrid([-0.5, -1e-3, 1.001, 2], [3, 4], (x) => x) as Nested,
  reference: {
    logProb: (x, p) => {
      const a = num(p.concentration1);
      const b = num(p.concentration0);
      return (a - 1) * Math.log(num(x)) + (b - 1) * Math.log1p(-num(x)) - lbeta(a, b);
    },
    cdf: (x, p) => betainc(num(p.concentration1), num(p.concentration0), x),
    mean: (p) => num(p.concentration1) / (num(p.concentration1) + num(p.concentration0)),
    variance: (p) => {
      const a = num(p.concentration1);
      const b = num(p.concentration0);
      return (a * b) / ((a + b) ** 2 * (a + b + 1));
    },
    mode: (p) => {
      const a = num(p.concentration1);
      const b = num(p.concentration0);
      return a > 1 && b > 1 ? (a - 1) / (a + b - 2) : NaN;
    },
    entropy: (p) => {
      const a = num(p.concentration1);
      const b = num(p.concentration0);
      return lbeta(a, b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (a + b - 2) * digamma(a + b);
    },
  },
  sampling: { params: { concentration1: [0.5, 30], concentration0: [8, 0.7] }, batchShape: [2] },
  // Points stay clear of 0 and 1 for the 1% steps.
  gradientCheck: {
    params: { concentration1: [0.8, 2.5, 4, 1.5], concentration0: [[0.9], [2], [6]] },
    points: pointGrid([0.2, 0.45, 0.7], [3, 4], (x) => x) as Nested,
    // A draw G1 / (G1 + G2) has its own per-draw derivative (each Gamma's CDF held fixed), not
    // that of Beta's CDF; Gamma's implicit gradient is checked draw by draw in the Gamma case.
    samples: [],
  },
});

// Batch [3, 4]: df along the last axis (Cauchy, infinite variance, moderate, large), scale
// (tiny, unit, large) along the first.
const df = [1, 2.5, 7, 30];
const scale = [[1e-4], [1], [1e4]];
const loc = 2;
const zs = [-30, -5, -1, 0, 0.5, 3, 30];
const tz = (x: number, p: Record<string, Nested>) => (x - num(p.loc)) / num(p.scale);
const tcdf = (x: number, p: Record<string, Nested>) => {
  const nu = num(p.df);
  const t = tz(x, p);
  const tail = 0.5 * betainc(nu / 2, 0.5, nu / (nu + t * t));
  return t < 0 ? tail : 1 - tail;
};
describeDistribution({
  name: 'StudentT',
  params: { df, loc, scale },
  make: (p) => new StudentT({ df: p.df!, loc: p.loc!, scale: p.scale! }),
  reparameterized: ['df', 'loc', 'scale'],
  batchShape: [3, 4],
  eventShape: [],
  points: pointGrid(zs, [3, 4], (t, [i]) => loc + t * scale[i!]![0]!) as Nested,
  reference: {
    logProb: (x, p) => {
      const nu = num(p.df);
      const t = tz(num(x), p);
      return lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(num(p.scale)) - ((nu + 1) / 2) * Math.log1p((t * t) / nu);
    },
    cdf: tcdf,
    logCdf: (x, p) => Math.log(tcdf(x, p)),
    mean: (p) => (num(p.df) > 1 ? num(p.loc) : NaN),
    mode: (p) => num(p.loc),
    variance: (p) => {
      const nu = num(p.df);
      return nu > 2 ? (num(p.scale) ** 2 * nu) / (nu - 2) : nu > 1 ? Infinity : NaN;
    },
    entropy: (p) => {
      const nu = num(p.df);
      return ((nu + 1) / 2) * (digamma((nu + 1) / 2) - digamma(nu / 2)) + 0.5 * Math.log(nu) + lbeta(nu / 2, 0.5) + Math.log(num(p.scale));
    },
  },
  // Finite fourth moments (df > 4) so the variance's standard error exists.
  sampling: { params: { df: [5.5, 30], loc, scale: [1, 3] }, batchShape: [2] },
  // df enters through a Gamma draw, whose per-draw derivative is not that of StudentT's CDF
  // (Gamma's implicit gradient is checked in the Gamma case): loc and scale only.
  gradientCheck: { params: { df: [1.5, 2.5, 7, 30], loc, scale: [[0.5], [1], [3]] }, samples: ['loc', 'scale'] },
});

describe('Beta and StudentT arguments', () => {
  it('reject non-positive concentrations, df and scale, naming them', () => {
    expect(() => new Beta({ concentration1: 0, concentration0: 1 })).toThrow(/Beta: concentration1 must be > 0, received 0/);
    expect(() => new Beta({ concentration1: 1, concentration0: [1, -1] })).toThrow(/Beta: concentration0 must be > 0/);
    expect(() => new StudentT({ df: 0, loc: 0, scale: 1 })).toThrow(/StudentT: df must be > 0, received 0/);
    expect(() => new StudentT({ df: 3, loc: 0, scale: -1 })).toThrow(/StudentT: scale must be > 0, received -1/);
  });
});
