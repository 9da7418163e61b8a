import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, ksCriticalValue, ksStatistic, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Cauchy } from './cauchy.js';
import { pointGrid } from './test-reference.js';
import { describeTails } from './test-tails.js';

const loc = [0, -3, 100];
const scale = [[1e-3], [1], [1e3]];
const num = (v: Nested | undefined) => v as number;
const z = (x: number, p: Record<string, Nested>) => (x - num(p.loc)) / num(p.scale);
/** Float64 cdf: 1/2 + atan(z)/π, with the lower tail as atan(-1/z)/π to keep its digits. */
const cdf = (u: number) => (u < -1 ? Math.atan(-1 / u) / Math.PI : 0.5 + Math.atan(u) / Math.PI);

describeDistribution({
  name: 'Cauchy',
  params: { loc, scale },
  make: (p) => new Cauchy({ loc: p.loc!, scale: p.scale! }),
  reparameterized: ['loc', 'scale'],
  batchShape: [3, 3],
  eventShape: [],
  points: pointGrid([-1e6, -30, -1, 0, 0.5, 4, 1e5], [3, 3], (t, [i, j]) => loc[j!]! + t * scale[i!]![0]!) as Nested,
  reference: {
    logProb: (x, p) => -Math.log(Math.PI) - Math.log(num(p.scale)) - Math.log1p(z(num(x), p) ** 2),
    cdf: (x, p) => cdf(z(x, p)),
    logCdf: (x, p) => Math.log(cdf(z(x, p))),
    mode: (p) => num(p.loc),
    entropy: (p) => Math.log(4 * Math.PI * num(p.scale)),
  },
  tolerance: { logProb: { rtol: 1e-5, atol: 1e-4 }, cdf: { rtol: 1e-4, atol: 1e-6 }, logCdf: { rtol: 1e-4, atol: 1e-4 } },
  // No mean or variance to compare: the sampler has its own Kolmogorov-Smirnov test below.
  sampling: false,
  gradientCheck: { params: { loc: [0, -3, 2], scale: [[0.5], [1], [3]] } },
});

describeTails([
  {
    name: 'Cauchy(1, 2)',
    make: () => new Cauchy({ loc: 1, scale: 2 }),
    points: [-1e7, -1e3, -5, 1, 4, 1e3, 1e7],
    cdf: (x) => cdf((x - 1) / 2),
    logSurvival: (x) => Math.log(cdf(-(x - 1) / 2)),
    quantilePoints: [-1e7, -1e3, -5, 1, 4, 1e3],
    tolerance: { quantile: { rtol: 1e-4, atol: 1e-4 } },
  },
]);

describe('Cauchy', () => {
  it('has NaN mean and variance (undefined) and rejects a non-positive scale', async () => {
    const c = new Cauchy({ loc: [0, 1], scale: 1 });
    const m = c.mean();
    const v = c.variance();
    expect(Array.from(await m.data())).toEqual([NaN, NaN]);
    expect(Array.from(await v.data())).toEqual([NaN, NaN]);
    tf.dispose([m, v]);
    c.dispose();
    expect(() => new Cauchy({ loc: 0, scale: 0 })).toThrow(/Cauchy: scale must be > 0/);
  });
});

describe('Cauchy sampler', () => {
  it('passes a Kolmogorov-Smirnov test against the float64 cdf per batch member (n = 20000, false-alarm rate 1e-6)', async () => {
    const locs = [0, -3, 5];
    const scales = [1e-3, 1, 1e3];
    const c = new Cauchy({ loc: locs, scale: scales });
    const s = c.sample(20000, { seed: 0 });
    const v = await s.data();
    s.dispose();
    c.dispose();
    const failures: string[] = [];
    for (let m = 0; m < 3; m++) {
      const column = Float64Array.from({ length: 20000 }, (_, i) => v[i * 3 + m]!);
      const d = ksStatistic(column, (x) => cdf((x - locs[m]!) / scales[m]!));
      if (!(d <= ksCriticalValue(20000, 1e-6))) failures.push(`member ${m}: KS ${d}`);
    }
    expect(failures).toEqual([]);
  });
});
