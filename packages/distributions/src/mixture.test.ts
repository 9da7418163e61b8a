import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, expectAllClose, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Categorical } from './categorical.js';
import { Exponential } from './exponential.js';
import { Gamma } from './gamma.js';
import { Laplace } from './laplace.js';
import { Mixture } from './mixture.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';
import { igamma, lgamma, logSumExp, ndtr } from './test-reference.js';

const num = (v: Nested | undefined) => v as number;
const vec = (v: Nested | undefined) => v as number[];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Float64 log-densities, cdfs, means and variances of the three components of one member. */
function parts(p: Record<string, Nested>) {
  const [loc, scale, lloc, lscale, a, b] = ['loc', 'scale', 'lloc', 'lscale', 'concentration', 'rate'].map((k) => num(p[k]));
  const logits = vec(p.logits);
  const lse = logSumExp(logits);
  const logW = logits.map((l) => l - lse);
  return {
    logW,
    logProbs: (x: number) => [
      -0.5 * ((x - loc!) / scale!) ** 2 - Math.log(scale!) - LOG_SQRT_2PI,
      -Math.abs(x - lloc!) / lscale! - Math.log(2 * lscale!),
      x < 0 ? -Infinity : a! * Math.log(b!) + (a! - 1) * Math.log(x) - b! * x - lgamma(a!),
    ],
    cdfs: (x: number) => [
      ndtr((x - loc!) / scale!),
      x < lloc! ? 0.5 * Math.exp((x - lloc!) / lscale!) : 1 - 0.5 * Math.exp(-(x - lloc!) / lscale!),
      x <= 0 ? 0 : igamma(a!, b! * x),
    ],
    means: [loc!, lloc!, a! / b!],
    vars: [scale! ** 2, 2 * lscale! ** 2, a! / b! ** 2],
  };
}

const params = {
  logits: [[0, -1, 0.5], [2, 0, -3]],
  loc: [-2, 0],
  scale: [0.5, 2],
  lloc: [1, -4],
  lscale: [1, 0.3],
  concentration: [2, 9],
  rate: [1, 3],
};
const make = (p: Record<string, tf.Tensor>) =>
  new Mixture({
    cat: new Categorical({ logits: p.logits! }),
    components: [new Normal({ loc: p.loc!, scale: p.scale! }), new Laplace({ loc: p.lloc!, scale: p.lscale! }), new Gamma({ concentration: p.concentration!, rate: p.rate! })],
  });

describeDistribution({
  name: 'Mixture (Normal, Laplace, Gamma)',
  params,
  paramEventRanks: { logits: 1 },
  make: (p) => {
    const m = make(p);
    // The mixture owns nothing; free the parts with it.
    return Object.assign(m, { dispose: () => [m.cat, ...m.components].forEach((c) => c.dispose?.()) });
  },
  batchShape: [2],
  eventShape: [],
  // Not x = 0: there Gamma(concentration > 1) has log-density -Infinity and its concentration
  // gradient -Infinity, which reaches the mixture as 0 · -Infinity = NaN.
  points: [[-6, -6], [-2, -4], [0.1, -1], [0.5, 1], [2, 3], [8, 12]],
  reference: {
    logProb: (x, p) => {
      const q = parts(p);
      return logSumExp(q.logProbs(num(x)).map((l, k) => l + q.logW[k]!));
    },
    cdf: (x, p) => {
      const q = parts(p);
      return q.cdfs(x).reduce((s, c, k) => s + c * Math.exp(q.logW[k]!), 0);
    },
    logCdf: (x, p) => {
      const q = parts(p);
      return Math.log(q.cdfs(x).reduce((s, c, k) => s + c * Math.exp(q.logW[k]!), 0));
    },
    mean: (p) => {
      const q = parts(p);
      return q.means.reduce((s, m, k) => s + m * Math.exp(q.logW[k]!), 0);
    },
    variance: (p) => {
      const q = parts(p);
      const mean = q.means.reduce((s, m, k) => s + m * Math.exp(q.logW[k]!), 0);
      return q.means.reduce((s, m, k) => s + (q.vars[k]! + m * m) * Math.exp(q.logW[k]!), 0) - mean * mean;
    },
  },
  tolerance: { cdf: { rtol: 1e-4, atol: 1e-6 }, logCdf: { rtol: 1e-4, atol: 1e-5 }, moments: { rtol: 1e-5, atol: 1e-5 } },
  gradientCheck: { points: [[-1.5, -3.5], [0.7, 0.5], [2, 3]], rtol: 1e-2 },
});

describe('Mixture', () => {
  it('a vector-event mixture samples with the event shape, and logProb is -Infinity (not NaN) where no component has support', async () => {
    const cat = new Categorical({ logits: [0, 0] });
    const m = new Mixture({ cat, components: [new Exponential({ rate: 1 }), new Gamma({ concentration: 2, rate: 1 })] });
    const lp = m.logProb(tf.tensor1d([-1, 1]));
    const v = await lp.data();
    expect(v[0]).toBe(-Infinity);
    expect(Number.isFinite(v[1]!)).toBe(true);
    lp.dispose();
    const cat2 = new Categorical({ logits: [[0, 1]] });
    const mv = new Mixture({ cat: cat2, components: [new MultivariateNormalDiag({ loc: [[0, 0]], scaleDiag: [[1, 1]] }), new MultivariateNormalDiag({ loc: [[5, 5]], scaleDiag: [[1, 2]] })] });
    const s = mv.sample(3, { seed: 0 });
    expect(s.shape).toEqual([3, 1, 2]);
    s.dispose();
  });
  it('mean and variance of vector events: Σ π_k μ_k and Σ π_k (σ_k² + μ_k²) - mean², per coordinate', async () => {
    const cat = new Categorical({ logits: [[0, Math.log(3)]] });
    const a = new MultivariateNormalDiag({ loc: [[0, 1]], scaleDiag: [[1, 2]] });
    const b = new MultivariateNormalDiag({ loc: [[4, -1]], scaleDiag: [[0.5, 1]] });
    const components = [a, b];
    const m = new Mixture({ cat, components });
    // The mixture keeps its own list: the caller's array may change afterwards.
    components.pop();
    const [w0, w1] = [0.25, 0.75];
    const mean = [w0 * 0 + w1 * 4, w0 * 1 + w1 * -1];
    const second = [w0 * (1 + 0) + w1 * (0.25 + 16), w0 * (4 + 1) + w1 * (1 + 1)];
    const [mu, v] = [m.mean(), m.variance()];
    expect(mu.shape).toEqual([1, 2]);
    await expectAllClose(mu, [mean], { rtol: 1e-6, atol: 1e-6 });
    await expectAllClose(v, [second.map((s2, i) => s2 - mean[i]! ** 2)], { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([mu, v]);
    for (const d of [cat, a, b]) d.dispose();
  });

  it('refuses a cat that is not a Categorical, a wrong number of components and mismatched shapes, naming them', () => {
    const cat = new Categorical({ logits: [0, 0] });
    expect(() => new Mixture({ cat: new Normal({ loc: 0, scale: 1 }) as never, components: [] })).toThrow(/Mixture: cat must be a Categorical/);
    expect(() => new Mixture({ cat, components: [new Normal({ loc: 0, scale: 1 })] })).toThrow(/Mixture: components must be 2 distributions/);
    expect(() => new Mixture({ cat, components: [new Normal({ loc: 0, scale: 1 }), new Normal({ loc: [0, 1], scale: 1 })] })).toThrow(/Mixture: components\[1\] must be a distribution of batch shape \[\]/);
    expect(() => new Mixture({ cat, components: [new Normal({ loc: 0, scale: 1 }), new MultivariateNormalDiag({ loc: [0], scaleDiag: [1] })] })).toThrow(/components\[1\] must be a distribution of event shape \[\]/);
  });
});
