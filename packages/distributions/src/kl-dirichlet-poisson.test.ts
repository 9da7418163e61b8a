import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { Dirichlet } from './dirichlet.js';
import { klDivergence } from './kl-divergence.js';
import { klDirichlet, klPoisson } from './kl-dirichlet-poisson.js';
import { Poisson } from './poisson.js';
import { lgamma } from './test-reference.js';

const f = Math.fround;

describeEachBackend('KL of Dirichlet and Poisson pairs', () => {
  it('Poisson || Poisson matches the float64 sum Σ_k p(k) log(p(k)/q(k)) (rates 0.5 to 200, rate and logRate)', async () => {
    const l = [0.5, 3, 200];
    const m = [2, 3, 150];
    const p = new Poisson({ rate: l });
    const q = new Poisson({ logRate: m.map(Math.log) });
    const kl = klDivergence(p, q);
    const expected = l.map((lam, i) => {
      const mu = Math.exp(f(Math.log(m[i]!)));
      let s = 0;
      for (let k = 0; k < 2000; k++) {
        const lp = k * Math.log(f(lam)) - f(lam) - lgamma(k + 1);
        const lq = k * Math.log(mu) - mu - lgamma(k + 1);
        s += Math.exp(lp) * (lp - lq);
      }
      return s;
    });
    await expectAllClose(kl, expected, { rtol: 1e-4, atol: 1e-5 }, 'KL(Poisson || Poisson)');
    await expectNoLeaks(() => tf.dispose(klDivergence(p, q)));
    tf.dispose(kl);
    p.dispose();
    q.dispose();
  });
  it('Dirichlet || Dirichlet matches the float64 Beta formula at K = 2 and is 0 between equal distributions', async () => {
    const a = [[2, 3], [0.5, 0.5]];
    const b = [[1, 1], [4, 2]];
    const p = new Dirichlet({ concentration: a });
    const q = new Dirichlet({ concentration: b });
    const kl = klDivergence(p, q);
    // K = 2 is a Beta: KL = log B(b) - log B(a) + (a1 - b1) ψ(a1) + (a2 - b2) ψ(a2) + (b0 - a0) ψ(a0),
    // with ψ by a float64 central difference of the Lanczos lgamma.
    const psi = (x: number) => (lgamma(x + 1e-6) - lgamma(x - 1e-6)) / 2e-6;
    const lbeta = (x: number, y: number) => lgamma(x) + lgamma(y) - lgamma(x + y);
    const expected = a.map(([a1, a2], i) => {
      const [b1, b2] = b[i]!;
      return lbeta(b1!, b2!) - lbeta(a1!, a2!) + (a1! - b1!) * psi(a1!) + (a2! - b2!) * psi(a2!) + (b1! + b2! - a1! - a2!) * psi(a1! + a2!);
    });
    await expectAllClose(kl, expected, { rtol: 1e-4, atol: 1e-5 }, 'KL(Dirichlet || Dirichlet)');
    const same = klDivergence(p, p);
    expect(Math.max(...Array.from(await same.data()).map(Math.abs))).toBeLessThan(1e-5);
    tf.dispose([kl, same]);
    p.dispose();
    q.dispose();
  });
});

describeEachBackend('klDirichlet and klPoisson called directly', () => {
  it('equal klDivergence, leak nothing, and refuse other families or mismatched K', async () => {
    const p = new Dirichlet({ concentration: [[1, 2, 3], [0.5, 0.5, 4]] });
    const q = new Dirichlet({ concentration: [2, 2, 2] });
    const r = new Poisson({ rate: [1, 30] });
    const s = new Poisson({ logRate: [0.5, 3] });
    const viaRegistry = [klDivergence(p, q), klDivergence(r, s)];
    await expectNoLeaks(async () => {
      const direct = [klDirichlet(p, q), klPoisson(r, s)];
      await expectAllClose(direct[0]!, viaRegistry[0]!, { rtol: 0, atol: 0 });
      await expectAllClose(direct[1]!, viaRegistry[1]!, { rtol: 0, atol: 0 });
      tf.dispose(direct);
    });
    const three = new Dirichlet({ concentration: [1, 1] });
    argumentErrorOf(() => klDirichlet(p, three), { argument: 'q', message: 'klDirichlet: q must be a Dirichlet of event shape [3] like p, received [2]' });
    argumentErrorOf(() => klDirichlet(r as never, q), { argument: 'p', message: 'klDirichlet: p must be a Dirichlet, received a Poisson' });
    argumentErrorOf(() => klPoisson(r, q as never), { argument: 'q', message: 'klPoisson: q must be a Poisson, received a Dirichlet' });
    tf.dispose(viaRegistry);
    for (const d of [p, q, r, s, three]) d.dispose();
  });
});
