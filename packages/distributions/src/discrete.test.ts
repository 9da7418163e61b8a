import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';
import { logSumExp } from './test-reference.js';

const num = (v: Nested | undefined) => v as number;
const softplus = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

const logits = [-30, -2, 0, 3, 30];
describeDistribution({
  name: 'Bernoulli(logits)',
  params: { logits },
  make: (p) => new Bernoulli({ logits: p.logits! }),
  batchShape: [5],
  eventShape: [],
  points: [[0, 0, 0, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0]],
  outside: [[0.5, -1, 2, 0.1, 3]],
  reference: {
    logProb: (x, p) => (num(x) === 1 ? -softplus(-num(p.logits)) : -softplus(num(p.logits))),
    mean: (p) => sigmoid(num(p.logits)),
    variance: (p) => sigmoid(num(p.logits)) * (1 - sigmoid(num(p.logits))),
    mode: (p) => (sigmoid(num(p.logits)) > 0.5 ? 1 : 0),
    entropy: (p) => {
      const q = sigmoid(num(p.logits));
      return q * softplus(-num(p.logits)) + (1 - q) * softplus(num(p.logits));
    },
  },
  tolerance: { moments: { rtol: 1e-5, atol: 1e-6 } },
  // Moments where the variance is not ~0 (a degenerate coin has no sampling spread to test).
  sampling: { params: { logits: [-2, 0, 3] }, batchShape: [3] },
  discrete: true,
});

const probs = [0.05, 0.5, 0.999];
describeDistribution({
  name: 'Bernoulli(probs)',
  params: { probs },
  // Probabilities 1% steps keep inside [0, 1].
  gradientCheck: { params: { probs: [0.05, 0.5, 0.9] } },
  make: (p) => new Bernoulli({ probs: p.probs! }),
  batchShape: [3],
  eventShape: [],
  points: [[0, 0, 0], [1, 1, 1]],
  reference: {
    logProb: (x, p) => (num(x) === 1 ? Math.log(num(p.probs)) : Math.log1p(-num(p.probs))),
    mean: (p) => num(p.probs),
    variance: (p) => num(p.probs) * (1 - num(p.probs)),
  },
  discrete: true,
});

// Batch [2] over K = 4, one row with extreme logits.
const catLogits = [[0, 1, -2, 3], [-30, 0, 30, 5]];
const catRef = {
  logProb: (x: Nested, p: Record<string, Nested>) => {
    const l = p.logits as number[];
    return l[num(x)]! - logSumExp(l);
  },
  probs(p: Record<string, Nested>) {
    const l = (p.logits ?? (p.probs as number[]).map(Math.log)) as number[];
    const z = logSumExp(l);
    return l.map((v) => Math.exp(v - z));
  },
};
describeDistribution({
  name: 'Categorical(logits)',
  params: { logits: catLogits },
  paramEventRanks: { logits: 1 },
  make: (p) => new Categorical({ logits: p.logits! }),
  batchShape: [2],
  eventShape: [],
  points: [[0, 0], [1, 1], [2, 2], [3, 3]],
  outside: [[-1, 4], [0.5, 7]],
  reference: {
    logProb: catRef.logProb,
    entropy: (p) => -catRef.probs(p).reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0),
    mode: (p) => (p.logits as number[]).indexOf(Math.max(...(p.logits as number[]))),
    // Index moments, only for the sample test (a Categorical has no mean()).
    mean: (p) => catRef.probs(p).reduce((s, q, k) => s + k * q, 0),
    variance: (p) => {
      const q = catRef.probs(p);
      const m = q.reduce((s, v, k) => s + k * v, 0);
      return q.reduce((s, v, k) => s + (k - m) ** 2 * v, 0);
    },
  },
  methods: ['entropy', 'mode'],
  // Moments away from a degenerate row (its index has ~0 variance and no spread to test).
  sampling: { params: { logits: [[0, 1, -2, 3], [-3, 0, 2, 1]] } },
  discrete: true,
  webgpu: true,
});

describeDistribution({
  name: 'Categorical(probs)',
  params: { probs: [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]] },
  // Any step off the simplex is refused by the constructor; Categorical(logits) checks the
  // same log-softmax path by finite differences.
  gradientCheck: false,
  paramEventRanks: { probs: 1 },
  make: (p) => new Categorical({ probs: p.probs! }),
  batchShape: [2],
  eventShape: [],
  points: [[0, 0], [1, 1], [2, 2]],
  reference: {
    logProb: (x, p) => Math.log((p.probs as number[])[num(x)]!),
    entropy: (p) => -(p.probs as number[]).reduce((s, q) => s + q * Math.log(q), 0),
    mean: (p) => (p.probs as number[]).reduce((s, q, k) => s + k * q, 0),
    variance: (p) => {
      const q = p.probs as number[];
      const m = q.reduce((s, v, k) => s + k * v, 0);
      return q.reduce((s, v, k) => s + (k - m) ** 2 * v, 0);
    },
  },
  methods: ['entropy'],
  discrete: true,
});

describe('Bernoulli and Categorical arguments', () => {
  it('need exactly one of logits and probs', () => {
    expect(() => new Categorical({})).toThrow(/Categorical: logits\/probs must be exactly one of logits or probs, received "neither"/);
    expect(() => new Bernoulli({ logits: 0, probs: 0.5 })).toThrow(/Bernoulli: logits\/probs must be exactly one/);
  });
  it('reject probs that are not a simplex, naming probs', () => {
    expect(() => new Categorical({ probs: [0.5, 0.6] })).toThrow(/Categorical: probs must be a simplex along the last axis \(entries summing to 1\), received a row summing to 1\.1/);
    expect(() => new Categorical({ probs: [[0.5, 0.5], [1.5, -0.5]] })).toThrow(/Categorical: probs must be a simplex/);
    expect(() => new Bernoulli({ probs: [0.5, 1.2] })).toThrow(/Bernoulli: probs must be in \[0, 1\], received 1\.2/);
  });
  it('Categorical samples int32 indices with the right frequencies', async () => {
    const c = new Categorical({ probs: [0.2, 0.3, 0.5] });
    const s = c.sample(30000, { seed: 5 });
    expect(s.dtype).toBe('int32');
    const v = await s.data();
    const counts = [0, 0, 0];
    for (const k of v) counts[k]! += 1;
    [0.2, 0.3, 0.5].forEach((p, k) => expect(Math.abs(counts[k]! / 30000 - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 30000)));
    tf.dispose(s);
    c.dispose();
  });
});
