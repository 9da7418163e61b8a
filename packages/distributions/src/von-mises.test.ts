import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, expectAllClose, ksCriticalValue, ksStatistic, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { VonMises } from './von-mises.js';

const num = (v: Nested | undefined) => v as number;

/** Float64 log I0 by its series in log space (memoized: the cdf integrals call it often). */
const logI0Cache = new Map<number, number>();
function logI0(x: number): number {
  if (!logI0Cache.has(x)) logI0Cache.set(x, logI0Series(x));
  return logI0Cache.get(x)!;
}
function logI0Series(x: number): number {
  if (x === 0) return 0;
  const terms: number[] = [];
  let logFact = 0;
  for (let k = 0; k < 4 * x + 200; k++) {
    if (k > 0) logFact += Math.log(k);
    terms.push(2 * k * Math.log(x / 2) - 2 * logFact);
  }
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
}
const logPdf = (x: number, loc: number, k: number) => k * Math.cos(x - loc) - Math.log(2 * Math.PI) - logI0(k);

/** Float64 log I1 by its series in log space. */
function logI1(x: number): number {
  if (x === 0) return -Infinity;
  const terms: number[] = [];
  let logFact = 0;
  for (let k = 0; k < 4 * x + 200; k++) {
    if (k > 0) logFact += Math.log(k);
    terms.push((2 * k + 1) * Math.log(x / 2) - logFact - (logFact + Math.log(k + 1)));
  }
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
}
/** Entropy, float64: log(2π I0(κ)) - κ I1(κ)/I0(κ). */
const entropy = (k: number) => Math.log(2 * Math.PI) + logI0(k) - (k === 0 ? 0 : k * Math.exp(logI1(k) - logI0(k)));

const cdfCache = new Map<string, (x: number) => number>();
/** cdfOnCircle, memoized per parameter pair. */
function cachedCdf(loc: number, k: number): (x: number) => number {
  const key = `${loc},${k}`;
  if (!cdfCache.has(key)) cdfCache.set(key, cdfOnCircle(loc, k));
  return cdfCache.get(key)!;
}

/** Float64 cdf on [-π, π) of the density wrapped there (Simpson's rule, fine grid near the mode). */
function cdfOnCircle(loc: number, k: number): (x: number) => number {
  const n = 200000;
  const h = (2 * Math.PI) / n;
  const cumulative = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) {
    const a = -Math.PI + (i - 1) * h;
    const f = (t: number) => Math.exp(logPdf(t, loc, k));
    cumulative[i] = cumulative[i - 1]! + (h / 6) * (f(a) + 4 * f(a + h / 2) + f(a + h));
  }
  return (x: number) => {
    const t = Math.min(Math.max((x + Math.PI) / h, 0), n);
    const i = Math.floor(t);
    return i >= n ? cumulative[n]! : cumulative[i]! + (t - i) * (cumulative[i + 1]! - cumulative[i]!);
  };
}

const loc = [0, 1, -3];
const concentration = [[0], [0.3], [4], [1e4]];
describeDistribution({
  name: 'VonMises',
  params: { loc, concentration },
  make: (p) => new VonMises({ loc: p.loc!, concentration: p.concentration! }),
  reparameterized: ['loc'],
  batchShape: [4, 3],
  eventShape: [],
  points: [-3, -1, 0, 0.5, 1.01, 3].map((x) => concentration.map(() => loc.map((l) => x + (x === 1.01 ? l - 1 : 0)))),
  reference: {
    logProb: (x, p) => logPdf(num(x), num(p.loc), num(p.concentration)),
    cdf: (x, p) => cachedCdf(num(p.loc), num(p.concentration))(x),
    logCdf: (x, p) => Math.log(cachedCdf(num(p.loc), num(p.concentration))(x)),
    mean: (p) => num(p.loc),
    mode: (p) => num(p.loc),
    entropy: (p) => entropy(num(p.concentration)),
  },
  // κ = 1e4 makes log p of points far from loc about -2e4: float32 keeps 1e-3 of it. The cdf is a
  // difference of two values of Hill's centred cdf: absolute precision.
  tolerance: {
    logProb: { rtol: 2e-6, atol: 2e-5 },
    prob: { rtol: 1e-4, atol: 1e-6 },
    cdf: { rtol: 1e-5, atol: 2e-6 },
    // log of that cdf: an absolute error near 1e-7 is 4e-4 of log F where F is 2e-4.
    logCdf: { rtol: 1e-5, atol: 1e-3 },
    entropy: { rtol: 1e-5, atol: 2e-6 },
  },
  // Moments of angles are circular, not linear: the sampler has its own test below.
  sampling: false,
  gradientCheck: { params: { loc: [0, 1, -2], concentration: [[0.5], [2], [6], [30]] }, points: [[[0.2, 1.1, -2.1], [0.2, 1.1, -2.1], [0.2, 1.1, -2.1], [0.02, 1.01, -1.98]]], samples: [] },
});

describe('VonMises cdf and entropy', () => {
  it('cdf is 0 below -π and 1 from π on; its derivative in x is the density; entropy at κ = 0, 1e-3, 10.4, 10.6, 19, 21, 1e3, 1e4 matches float64', async () => {
    const d = new VonMises({ loc: 1, concentration: 2 });
    const c = d.cdf(tf.tensor1d([-4, -Math.PI, Math.PI, 5]));
    await expectAllClose(c, [0, 0, 1, 1], { rtol: 0, atol: 2e-6 }, 'cdf at the ends');
    const xs = [-3, -1, 0.5, 1, 2.5];
    const g = tf.grad((x: tf.Tensor) => tf.sum(d.cdf(x)))(tf.tensor1d(xs));
    await expectAllClose(g, xs.map((x) => Math.exp(logPdf(Math.fround(x), 1, 2))), { rtol: 1e-4, atol: 1e-6 }, 'd cdf/dx');
    const ks = [0, 1e-3, 10.4, 10.6, 19, 21, 1e3, 1e4];
    const e = new VonMises({ loc: 0, concentration: ks });
    const h = e.entropy();
    await expectAllClose(h, ks.map((k) => entropy(Math.fround(k))), { rtol: 1e-5, atol: 2e-6 }, 'entropy');
    tf.dispose([c, g, h]);
    d.dispose();
    e.dispose();
  });
  it("cdf from Hill's normal approximation (κ >= 10.5) matches float64 across the circle", async () => {
    const ks = [11, 30];
    // z = √(2/π) sin(x/2) / I0e(κ) between 1 and 2.5 (x near 0.3 to 0.7), where every term of
    // the correction shows, and both tails.
    const xs = [-2.5, -1, -0.4, -0.1, 0.2, 0.3, 0.46, 0.7, 1.5, 3];
    const d = new VonMises({ loc: 0, concentration: ks.map((k) => [k]) });
    const x = tf.tensor1d(xs.map(Math.fround));
    const c = d.cdf(x);
    await expectAllClose(c, ks.map((k) => xs.map((v) => cachedCdf(0, Math.fround(k))(Math.fround(v)))), { rtol: 0, atol: 2e-7 });
    tf.dispose([x, c]);
    d.dispose();
  });

  it('d entropy/dκ and d cdf/dκ equal float64 central differences', async () => {
    const ks = [0.5, 5, 15, 40];
    const g = tf.grad((k: tf.Tensor) => tf.sum(new VonMises({ loc: 0, concentration: k }).entropy()))(tf.tensor1d(ks));
    await expectAllClose(g, ks.map((k) => (entropy(k + 1e-5) - entropy(k - 1e-5)) / 2e-5), { rtol: 1e-3, atol: 1e-5 }, 'd entropy/dκ');
    const x = 0.3;
    const gc = tf.grad((k: tf.Tensor) => tf.sum(new VonMises({ loc: 0, concentration: k }).cdf(tf.scalar(x))))(tf.tensor1d([2, 15]));
    const ref = [2, 15].map((k) => (cdfOnCircle(0, k + 1e-4)(x) - cdfOnCircle(0, k - 1e-4)(x)) / 2e-4);
    await expectAllClose(gc, ref, { rtol: 2e-3, atol: 1e-5 }, 'd cdf/dκ');
    tf.dispose([g, gc]);
  });
});

describe('VonMises sampler', () => {
  it('passes Kolmogorov-Smirnov tests against the float64 cdf on the circle (n = 20000, false-alarm rate 1e-6), large concentrations included', async () => {
    const locs = [0.5, -2, 3, 0];
    const ks = [0.01, 1, 20, 1e4];
    const d = new VonMises({ loc: locs, concentration: ks });
    const n = 20000;
    const s = d.sample(n, { seed: 0 });
    const v = await s.data();
    s.dispose();
    d.dispose();
    const failures: string[] = [];
    for (let m = 0; m < 4; m++) {
      const column = Float64Array.from({ length: n }, (_, i) => v[i * 4 + m]!);
      if (!column.every((x) => x >= -Math.PI && x < Math.PI)) failures.push(`member ${m}: a draw outside [-π, π)`);
      const stat = ksStatistic(column, cdfOnCircle(locs[m]!, ks[m]!));
      if (!(stat <= ksCriticalValue(n, 1e-6))) failures.push(`member ${m}: KS ${stat}`);
    }
    expect(failures).toEqual([]);
  });
  it('rejects a negative concentration, naming it', () => {
    expect(() => new VonMises({ loc: 0, concentration: -1 })).toThrow(/VonMises: concentration must be >= 0, received -1/);
  });
  it('seed 0 gives the same draws twice', async () => {
    const d = new VonMises({ loc: 0, concentration: 2 });
    const a = d.sample(5, { seed: 0 });
    const b = d.sample(5, { seed: 0 });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([a, b]);
    d.dispose();
  });
});
