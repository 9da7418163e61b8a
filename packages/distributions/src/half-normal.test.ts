import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, expectAllClose, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { HalfNormal } from './half-normal.js';
import { erfc, logErfc, pointGrid } from './test-reference.js';
import { describeTails } from './test-tails.js';

const scale = [1e-3, 1, 50];
const num = (v: Nested | undefined) => v as number;
const t = (x: number, p: Record<string, Nested>) => x / (num(p.scale) * Math.SQRT2);
/** erf(t) = 1 - erfc(t) in float64, by the series near 0 where 1 - erfc cancels. */
const erf = (u: number) => {
  if (u > 0.5) return 1 - erfc(u);
  let term = u;
  let sum = u;
  for (let n = 1; n < 60; n++) {
    term *= (-u * u) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};

describeDistribution({
  name: 'HalfNormal',
  params: { scale },
  make: (p) => new HalfNormal({ scale: p.scale! }),
  reparameterized: ['scale'],
  batchShape: [3],
  eventShape: [],
  points: pointGrid([0, 1e-5, 0.3, 1, 4, 12], [3], (z, [i]) => z * scale[i!]!) as Nested,
  outside: pointGrid([-1, -1e-3], [3], (z, [i]) => z * scale[i!]!) as Nested,
  reference: {
    logProb: (x, p) => 0.5 * Math.log(2 / Math.PI) - Math.log(num(p.scale)) - 0.5 * (num(x) / num(p.scale)) ** 2,
    cdf: (x, p) => erf(t(x, p)),
    logCdf: (x, p) => Math.log(erf(t(x, p))),
    mean: (p) => num(p.scale) * Math.sqrt(2 / Math.PI),
    variance: (p) => num(p.scale) ** 2 * (1 - 2 / Math.PI),
    mode: () => 0,
    entropy: (p) => 0.5 * Math.log((Math.PI * num(p.scale) ** 2) / 2) + 0.5,
  },
  tolerance: { cdf: { rtol: 1e-5, atol: 1e-6 }, logCdf: { rtol: 1e-5, atol: 1e-5 } },
  gradientCheck: { params: { scale: [0.5, 1, 3] }, points: pointGrid([0.2, 1, 2], [3], (z, [i]) => z * [0.5, 1, 3][i!]!) as Nested },
});

describeTails([
  {
    name: 'HalfNormal(2)',
    make: () => new HalfNormal({ scale: 2 }),
    points: [0, 1e-6, 1e-3, 0.5, 2, 10, 25],
    cdf: (x) => erf(x / (2 * Math.SQRT2)),
    logSurvival: (x) => logErfc(x / (2 * Math.SQRT2)),
    bracket: [0, 100],
    quantilePoints: [1e-6, 1e-3, 0.02, 0.5, 2, 8],
  },
]);

describe('HalfNormal cdf near 0', () => {
  it('sums the erf series to float32 precision up to its switch at t = 1/2', async () => {
    // Each of the series' terms matters there: t^11/1320 is 7e-7 of erf(1/2).
    const d = new HalfNormal({ scale: 1 });
    const xs = [0.2, 0.35, 0.49].map((u) => Math.fround(u * Math.SQRT2));
    const x = tf.tensor1d(xs);
    const cdf = d.cdf(x);
    await expectAllClose(cdf, xs.map((v) => erf(v / Math.SQRT2)), { rtol: 3e-7, atol: 0 });
    tf.dispose([x, cdf]);
  });
});

describe('HalfNormal arguments', () => {
  it('rejects a non-positive scale, naming it', () => {
    expect(() => new HalfNormal({ scale: [1, -2] })).toThrow(/HalfNormal: scale must be > 0, received -2/);
  });
});
