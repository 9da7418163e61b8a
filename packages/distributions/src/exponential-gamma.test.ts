import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Exponential } from './exponential.js';
import { Beta } from './beta.js';
import { Gamma } from './gamma.js';
import { digamma, igamma, lgamma, pointGrid } from './test-reference.js';

const num = (v: Nested | undefined) => v as number;

// Rates tiny, unit, large; points at t/rate.
const rate = [1e-4, 1, 1e4];
describeDistribution({
  name: 'Exponential',
  params: { rate },
  make: (p) => new Exponential({ rate: p.rate! }),
  reparameterized: ['rate'],
  batchShape: [3],
  eventShape: [],
  points: pointGrid([0, 1e-4, 0.3, 1, 5, 30], [3], (t, [i]) => t / rate[i!]!) as Nested,
  outside: pointGrid([-1, -1e-3], [3], (t, [i]) => t / rate[i!]!) as Nested,
  // Points inside the support, clear of its edge at 0, at rates float32 resolves.
  gradientCheck: { params: { rate: [0.5, 1, 4] }, points: pointGrid([0.3, 1, 5], [3], (t, [i]) => t / [0.5, 1, 4][i!]!) as Nested },
  reference: {
    logProb: (x, p) => Math.log(num(p.rate)) - num(p.rate) * num(x),
    cdf: (x, p) => -Math.expm1(-num(p.rate) * x),
    logCdf: (x, p) => Math.log(-Math.expm1(-num(p.rate) * x)),
    mean: (p) => 1 / num(p.rate),
    mode: () => 0,
    variance: (p) => 1 / num(p.rate) ** 2,
    entropy: (p) => 1 - Math.log(num(p.rate)),
  },
  tolerance: { cdf: { rtol: 2e-5, atol: 1e-6 } },
});

// Batch [3, 4]: concentration along the last axis (below 1, exactly 1, moderate, large),
// rate (tiny, unit, large) along the first.
const concentration = [0.5, 1, 3.5, 20];
const gammaRate = [[1e-4], [1], [1e4]];
describeDistribution({
  name: 'Gamma',
  params: { concentration, rate: gammaRate },
  make: (p) => new Gamma({ concentration: p.concentration!, rate: p.rate! }),
  reparameterized: ['concentration', 'rate'],
  batchShape: [3, 4],
  eventShape: [],
  points: pointGrid([1e-3, 0.1, 1, 4, 30], [3, 4], (t, [i]) => t / gammaRate[i!]![0]!) as Nested,
  outside: pointGrid([-1, -1e-3], [3, 4], (t, [i]) => t / gammaRate[i!]![0]!) as Nested,
  reference: {
    logProb: (x, p) => {
      const a = num(p.concentration);
      const b = num(p.rate);
      return a * Math.log(b) + (a - 1) * Math.log(num(x)) - b * num(x) - lgamma(a);
    },
    cdf: (x, p) => igamma(num(p.concentration), num(p.rate) * x),
    logCdf: (x, p) => Math.log(igamma(num(p.concentration), num(p.rate) * x)),
    mean: (p) => num(p.concentration) / num(p.rate),
    variance: (p) => num(p.concentration) / num(p.rate) ** 2,
    mode: (p) => (num(p.concentration) >= 1 ? (num(p.concentration) - 1) / num(p.rate) : NaN),
    entropy: (p) => {
      const a = num(p.concentration);
      return a - Math.log(num(p.rate)) + lgamma(a) + (1 - a) * digamma(a);
    },
  },
  sampling: { params: { concentration: [0.3, 1, 20], rate: [1, 1e4, 2] }, batchShape: [3] },
  gradientCheck: {
    params: { concentration: [0.7, 1.5, 3.5, 8], rate: [[0.5], [1], [4]] },
    points: pointGrid([0.2, 1, 3], [3, 4], (t, [i]) => t / [0.5, 1, 4][i!]!) as Nested,
  },
});

describe('Exponential and Gamma', () => {
  it('reject a non-positive rate or concentration, naming it', () => {
    expect(() => new Exponential({ rate: [1, 0] })).toThrow(/Exponential: rate must be > 0, received 0 \(at flat index 1\)/);
    expect(() => new Gamma({ concentration: -1, rate: 1 })).toThrow(/Gamma: concentration must be > 0, received -1/);
    expect(() => new Gamma({ concentration: 1, rate: 0 })).toThrow(/Gamma: rate must be > 0, received 0/);
  });
});

describe('implicit reparameterization of Gamma and Beta samples', () => {
  // The pathwise gradient of the sample mean estimates d E[x]/dθ; n = 20000 keeps the Monte
  // Carlo error well under 2% for these parameters (observed < 0.5%).
  it('d mean(samples)/dα matches dE[x]/dα = 1/β for Gamma', async () => {
    for (const [a, b] of [[0.4, 2], [1, 1], [3.5, 0.5], [20, 3]] as const) {
      const g = tf.grad((al: tf.Tensor) => tf.mean(new Gamma({ concentration: al, rate: b }).sample(20000, { seed: 5 })))(tf.scalar(a));
      expect(Math.abs((await g.data())[0]! * b - 1)).toBeLessThan(0.02);
      g.dispose();
    }
  });
  it('d mean(samples)/dα, dβ match dE[x] = β/(α+β)², -α/(α+β)² for Beta', async () => {
    for (const [a, b] of [[0.5, 2], [3, 4]] as const) {
      const [ga, gb] = tf.grads((al: tf.Tensor, be: tf.Tensor) =>
        tf.mean(new Beta({ concentration1: al, concentration0: be }).sample(20000, { seed: 5 })),
      )([tf.scalar(a), tf.scalar(b)]);
      expect(Math.abs((await ga!.data())[0]! / (b / (a + b) ** 2) - 1)).toBeLessThan(0.02);
      expect(Math.abs((await gb!.data())[0]! / (-a / (a + b) ** 2) - 1)).toBeLessThan(0.02);
      tf.dispose([ga!, gb!]);
    }
  });
});
