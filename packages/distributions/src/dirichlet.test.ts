import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, expectAllClose, type DistributionReference, type MemberParams, type Nested, type Numeric } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Dirichlet } from './dirichlet.js';
import { digamma, lgamma } from './test-reference.js';

const vec = (v: Nested | undefined) => v as number[];
const logBeta = (a: number[]) => a.reduce((s, v) => s + lgamma(v), 0) - lgamma(a.reduce((s, v) => s + v, 0));

// Batch [3], K = 3: small (0.05), unit and large concentrations.
const concentration = [
  [0.05, 0.3, 0.5],
  [1, 1, 1],
  [2, 20, 300],
];
// Points on the simplex, with entries down to 1e-6.
const points = [
  [[0.2, 0.3, 0.5], [0.2, 0.3, 0.5], [0.2, 0.3, 0.5]],
  [[1e-6, 0.5, 0.499999], [0.6, 0.3, 0.1], [0.01, 0.06, 0.93]],
  [[0.9, 1e-4, 0.0999], [1 / 3, 1 / 3, 1 / 3], [0.005, 0.065, 0.93]],
];

/** Float64 references for one member (concentration and x of shape [K]). */
const reference: Required<Pick<DistributionReference, 'logProb' | 'mean' | 'variance' | 'mode' | 'entropy'>> = {
  logProb: (x, p) => {
    const a = vec(p.concentration);
    return vec(x).reduce((s, v, k) => s + (a[k]! - 1) * Math.log(v), 0) - logBeta(a);
  },
  mean: (p) => {
    const a = vec(p.concentration);
    const a0 = a.reduce((s, v) => s + v, 0);
    return a.map((v) => v / a0);
  },
  variance: (p) => {
    const a = vec(p.concentration);
    const a0 = a.reduce((s, v) => s + v, 0);
    return a.map((v) => (v * (a0 - v)) / (a0 * a0 * (a0 + 1)));
  },
  mode: (p) => {
    const a = vec(p.concentration);
    const a0 = a.reduce((s, v) => s + v, 0);
    return a.every((v) => v > 1) ? a.map((v) => (v - 1) / (a0 - a.length)) : a.map(() => NaN);
  },
  entropy: (p) => {
    const a = vec(p.concentration);
    const a0 = a.reduce((s, v) => s + v, 0);
    return logBeta(a) + (a0 - a.length) * digamma(a0) - a.reduce((s, v) => s + (v - 1) * digamma(v), 0);
  },
};

describeDistribution({
  name: 'Dirichlet',
  params: { concentration },
  paramEventRanks: { concentration: 1 },
  make: (p) => new Dirichlet({ concentration: p.concentration! }),
  reparameterized: ['concentration'],
  batchShape: [3],
  eventShape: [3],
  points,
  outside: [[[-0.1, 0.6, 0.5], [0.5, -1e-3, 0.5], [1.5, -0.5, 0]]],
  reference,
  tolerance: { logProb: { rtol: 2e-5, atol: 1e-4 }, prob: { rtol: 1e-4, atol: 1e-6 }, entropy: { rtol: 1e-4, atol: 1e-4 } },
  // Moments at concentrations whose gamma draws stay well inside float32.
  sampling: { params: { concentration: [[0.5, 1, 3], [4, 5, 6]] }, batchShape: [2] },
  // Sample gradients are checked for reaching concentration (finite, nonzero), not by finite
  // differences: a step in α can flip the gamma sampler's accept/reject decisions.
  gradientCheck: { params: { concentration: [[0.7, 1.5, 3], [2, 4, 8], [1.2, 1.3, 5]] }, samples: [], x: false },
});

describe('Dirichlet of other batch ranks', () => {
  it('no batch and a batch of [2, 1]: logProb, moments, mode and entropy per member against float64', async () => {
    const members = [[0.5, 2, 3], [4, 5, 6]];
    const x = [0.2, 0.3, 0.5];
    for (const [shape, concentration] of [[[], members[1]!], [[2, 1], members.map((m) => [m])]] as const) {
      const d = new Dirichlet({ concentration: concentration as number[] });
      expect([d.batchShape, d.eventShape]).toEqual([shape, [3]]);
      const at = tf.tensor1d(x);
      const results = [d.logProb(at), d.mean(), d.variance(), d.mode(), d.entropy()];
      const perMember = (f: (m: MemberParams) => Nested) =>
        (shape.length === 0 ? f({ concentration: members[1]! }) : members.map((m) => [f({ concentration: m })])) as Numeric;
      await expectAllClose(results[0]!, perMember((p) => reference.logProb(x, p)), { rtol: 2e-5, atol: 1e-4 }, 'logProb');
      await expectAllClose(results[1]!, perMember(reference.mean), { rtol: 1e-6, atol: 1e-6 }, 'mean');
      await expectAllClose(results[2]!, perMember(reference.variance), { rtol: 1e-5, atol: 1e-7 }, 'variance');
      await expectAllClose(results[3]!, perMember(reference.mode), { rtol: 1e-5, atol: 1e-6 }, 'mode');
      await expectAllClose(results[4]!, perMember(reference.entropy), { rtol: 1e-4, atol: 1e-4 }, 'entropy');
      tf.dispose([at, ...results]);
      d.dispose();
    }
  });
});

describe('Dirichlet arguments', () => {
  it('rejects non-positive concentrations and scalars, naming concentration', () => {
    expect(() => new Dirichlet({ concentration: [1, 0] })).toThrow(/Dirichlet: concentration must be > 0, received 0/);
    expect(() => new Dirichlet({ concentration: 1 })).toThrow(/Dirichlet: concentration must be a tensor of rank >= 1/);
  });
});

describe('Dirichlet with tiny concentrations', () => {
  it('draws finite points of the simplex with finite log-densities (concentration 1e-3)', async () => {
    const d = new Dirichlet({ concentration: [1e-3, 1e-3, 1e-3, 1e-3] });
    const s = d.sample(500, { seed: 0 });
    const lp = d.logProb(s);
    const v = await s.data();
    const l = await lp.data();
    let worst = 0;
    for (let i = 0; i < 500; i++) worst = Math.max(worst, Math.abs(v[4 * i]! + v[4 * i + 1]! + v[4 * i + 2]! + v[4 * i + 3]! - 1));
    expect(worst).toBeLessThan(1e-5);
    expect(Array.from(v).every((e) => e > 0 && e <= 1)).toBe(true);
    expect(Array.from(l).every(Number.isFinite)).toBe(true);
    tf.dispose([s, lp]);
    d.dispose();
  });
});
