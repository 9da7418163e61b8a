import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { Categorical } from './categorical.js';
import type { Distribution } from './distribution.js';
import { Exponential } from './exponential.js';
import { Gamma } from './gamma.js';
import { Independent } from './independent.js';
import { klDivergence, registerKL } from './kl-divergence.js';
import { Laplace } from './laplace.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';
import { Logistic } from './logistic.js';
import { Bernoulli } from './bernoulli.js';
import { Beta } from './beta.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';

/**
 * Checks the closed form against the Monte Carlo mean of log p(x) - log q(x), x ~ p, using
 * the (reference-tested) logProbs: within 4 standard errors per batch member.
 */
async function expectMatchesMonteCarlo(p: Distribution, q: Distribution, n = 20000): Promise<void> {
  const kl = klDivergence(p, q);
  const x = p.sample(n, { seed: 77 });
  const diff = tf.sub(p.logProb(x), q.logProb(x));
  const values = await diff.data();
  const exact = await kl.data();
  const m = exact.length;
  for (let j = 0; j < m; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i * m + j]!;
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const se = Math.sqrt(Math.max(s2 / n - mean * mean, 0) / n);
    expect(Math.abs(mean - exact[j]!)).toBeLessThanOrEqual(4 * se + 1e-5);
  }
  tf.dispose([kl, x, diff]);
}

describeEachBackend('klDivergence', () => {
  it('Normal || Normal matches the closed form in float64 and Monte Carlo', async () => {
    const p = new Normal({ loc: [0, 1, 3], scale: [1, 0.5, 1e-2] });
    const q = new Normal({ loc: [0.5, -1, 3], scale: [2, 1, 1e2] });
    const kl = klDivergence(p, q);
    const ref = [0, 1, 2].map((i) => {
      const [m1, s1, m2, s2] = [[0, 1, 3][i]!, [1, 0.5, 1e-2][i]!, [0.5, -1, 3][i]!, [2, 1, 1e2][i]!];
      return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
    });
    await expectAllClose(kl, ref);
    kl.dispose();
    await expectMatchesMonteCarlo(p, q);
  });

  it('MultivariateNormalDiag and Independent(Normal) agree with each other and with Monte Carlo', async () => {
    const p = new MultivariateNormalDiag({ loc: [[0, 1], [2, -1]], scaleDiag: [[1, 0.5], [2, 1]] });
    const q = new MultivariateNormalDiag({ loc: [[1, 1], [0, 0]], scaleDiag: [[2, 1], [1, 3]] });
    await expectMatchesMonteCarlo(p, q);
    const pi = new Independent({ distribution: new Normal({ loc: p.loc, scale: p.scaleDiag }), reinterpretedBatchNdims: 1 });
    const qi = new Independent({ distribution: new Normal({ loc: q.loc, scale: q.scaleDiag }), reinterpretedBatchNdims: 1 });
    const a = klDivergence(p, q);
    const b = klDivergence(pi, qi);
    expect(b.shape).toEqual([2]);
    await expectAllClose(a, b);
    tf.dispose([a, b]);
  });

  it('Categorical, Uniform, Exponential and Gamma closed forms match Monte Carlo', async () => {
    await expectMatchesMonteCarlo(new Categorical({ logits: [[0, 1, 2], [-1, 0, 5]] }), new Categorical({ probs: [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]] }));
    await expectMatchesMonteCarlo(new Uniform({ low: [0, -1], high: [1, 0.5] }), new Uniform({ low: [-1, -2], high: [2, 3] }));
    await expectMatchesMonteCarlo(new Exponential({ rate: [1, 0.1] }), new Exponential({ rate: [2, 5] }));
    await expectMatchesMonteCarlo(new Gamma({ concentration: [0.7, 3], rate: [1, 2] }), new Gamma({ concentration: [2, 1.5], rate: [0.5, 3] }));
  });

  it('Bernoulli, Beta and MultivariateNormalTriL closed forms match Monte Carlo', async () => {
    await expectMatchesMonteCarlo(new Bernoulli({ logits: [-1, 0.5, 3] }), new Bernoulli({ probs: [0.5, 0.1, 0.9] }));
    await expectMatchesMonteCarlo(new Beta({ concentration1: [0.7, 3], concentration0: [2, 1.5] }), new Beta({ concentration1: [1.5, 2], concentration0: [1, 4] }));
    const p = new MultivariateNormalTriL({ loc: [[0, 1, -1], [2, 0, 0]], scaleTril: [[[1, 0, 0], [0.5, 2, 0], [-1, 0.3, 0.7]], [[2, 0, 0], [0, 1, 0], [1, 1, 1]]] });
    const q = new MultivariateNormalTriL({ loc: [1, 0, 0], scaleTril: [[1.5, 0, 0], [-0.5, 1, 0], [0.2, 0.4, 2]] });
    await expectMatchesMonteCarlo(p, q);
    // Diagonal scales reduce to the MultivariateNormalDiag closed form.
    const pd = new MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[2, 0], [0, 0.5]] });
    const qd = new MultivariateNormalTriL({ loc: [1, -1], scaleTril: [[1, 0], [0, 3]] });
    const a = klDivergence(pd, qd);
    const b = klDivergence(new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [2, 0.5] }), new MultivariateNormalDiag({ loc: [1, -1], scaleDiag: [1, 3] }));
    await expectAllClose(a, b);
    tf.dispose([a, b]);
  });

  it('Uniform whose support leaves q gives +Infinity', async () => {
    const kl = klDivergence(new Uniform({ low: 0, high: 2 }), new Uniform({ low: 0.5, high: 3 }));
    expect((await kl.data())[0]).toBe(Infinity);
    kl.dispose();
  });

  it('falls back to Monte Carlo with {samples, seed}, and says so without them', async () => {
    const p = new Normal({ loc: 0.3, scale: 1.2 });
    const q = new Laplace({ loc: 0, scale: 1 });
    expect(() => klDivergence(p, q)).toThrow(
      /klDivergence: opts.samples must be a sample count for a Monte Carlo estimate \(no closed form is registered for Normal \|\| Laplace\)/,
    );
    // Float64 quadrature of ∫ p (log p - log q).
    let ref = 0;
    const h = 1e-3;
    for (let x = -15; x <= 15; x += h) {
      const lp = -0.5 * ((x - 0.3) / 1.2) ** 2 - Math.log(1.2) - 0.5 * Math.log(2 * Math.PI);
      const lq = -Math.abs(x) - Math.log(2);
      ref += Math.exp(lp) * (lp - lq) * h;
    }
    const kl = klDivergence(p, q, { samples: 50000, seed: 3 });
    const again = klDivergence(p, q, { samples: 50000, seed: 3 });
    await expectAllClose(kl, ref, { atol: 0.01, rtol: 0 });
    await expectAllClose(again, kl, { atol: 0, rtol: 0 });
    tf.dispose([kl, again]);
  });

  it('uses a user-registered closed form, and leaks nothing', async () => {
    registerKL(Logistic, Logistic, (p, q) => tf.sub(p.loc, q.loc));
    const p = new Logistic({ loc: 3, scale: 1 });
    const q = new Logistic({ loc: 1, scale: 1 });
    await expectNoLeaks(async () => {
      const kl = klDivergence(p, q);
      expect((await kl.data())[0]).toBe(2);
      kl.dispose();
    });
  });
}, { webgpu: false });
