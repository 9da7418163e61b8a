import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Laplace } from './laplace.js';
import { Logistic } from './logistic.js';
import { pointGrid } from './test-reference.js';

const loc = [0, -3, 1000];
const scale = [[1e-4], [1], [1e4]];
const zs = [-30, -8, -1.5, 0, 0.7, 4, 30];
const points = pointGrid(zs, [3, 3], (t, [i, j]) => loc[j!]! + t * scale[i!]![0]!) as Nested;
const z = (x: number, p: Record<string, Nested>) => (x - (p.loc as number)) / (p.scale as number);
const s = (p: Record<string, Nested>) => p.scale as number;
const sampling = { params: { loc: [0, -3, 50], scale } };
// Finite differences need parameters float32 resolves at a 1% step (not loc 1000 with scale 1e-4).
// Points stay 0.4 scales away from Laplace's kink at loc.
const gcLoc = [0, -3, 2];
const gcScale = [[0.5], [1], [3]];
const gradientCheck = {
  params: { loc: gcLoc, scale: gcScale },
  points: pointGrid([-2.5, -0.7, 0.4, 1.9], [3, 3], (t, [i, j]) => gcLoc[j!]! + t * gcScale[i!]![0]!) as Nested,
};

describeDistribution({
  name: 'Laplace',
  params: { loc, scale },
  make: (p) => new Laplace({ loc: p.loc!, scale: p.scale! }),
  reparameterized: ['loc', 'scale'],
  batchShape: [3, 3],
  eventShape: [],
  points,
  reference: {
    logProb: (x, p) => -Math.abs(z(x as number, p)) - Math.log(2 * s(p)),
    cdf: (x, p) => (z(x, p) < 0 ? 0.5 * Math.exp(z(x, p)) : 1 - 0.5 * Math.exp(-z(x, p))),
    logCdf: (x, p) => (z(x, p) < 0 ? z(x, p) - Math.LN2 : Math.log1p(-0.5 * Math.exp(-z(x, p)))),
    mean: (p) => p.loc as number,
    mode: (p) => p.loc as number,
    variance: (p) => 2 * s(p) ** 2,
    entropy: (p) => 1 + Math.log(2 * s(p)),
  },
  sampling,
  gradientCheck,
});

const softplus = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));

describeDistribution({
  name: 'Logistic',
  params: { loc, scale },
  make: (p) => new Logistic({ loc: p.loc!, scale: p.scale! }),
  reparameterized: ['loc', 'scale'],
  batchShape: [3, 3],
  eventShape: [],
  points,
  reference: {
    logProb: (x, p) => -z(x as number, p) - 2 * softplus(-z(x as number, p)) - Math.log(s(p)),
    cdf: (x, p) => 1 / (1 + Math.exp(-z(x, p))),
    logCdf: (x, p) => -softplus(-z(x, p)),
    mean: (p) => p.loc as number,
    mode: (p) => p.loc as number,
    variance: (p) => (s(p) ** 2 * Math.PI ** 2) / 3,
    entropy: (p) => Math.log(s(p)) + 2,
  },
  sampling,
  gradientCheck,
});

describe('Laplace and Logistic arguments', () => {
  it('reject a non-positive scale, naming it', () => {
    expect(() => new Laplace({ loc: 0, scale: 0 })).toThrow(/Laplace: scale must be > 0, received 0/);
    expect(() => new Logistic({ loc: 0, scale: [1, -2] })).toThrow(/Logistic: scale must be > 0, received -2 \(at flat index 1\)/);
  });
});
