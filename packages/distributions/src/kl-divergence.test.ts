import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
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
import { lbeta, lgamma } from './test-reference.js';

// ---------------------------------------------------------------- float64 references

/** Composite Simpson rule of f on [lo, hi] with n (even) intervals. */
function simpson(f: (t: number) => number, lo: number, hi: number, n = 40000): number {
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

const softplus64 = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

/**
 * KL(p || q) = ∫ p (log p - log q) by quadrature over t with x = e^t (positive support): the
 * integrand p(e^t) e^t (log p - log q) is smooth and decays at both ends, also where p has an
 * integrable singularity at 0.
 */
function klPositive(logP: (x: number, logX: number) => number, logQ: (x: number, logX: number) => number): number {
  return simpson((t) => {
    const x = Math.exp(t);
    const lp = logP(x, t);
    const w = Math.exp(lp + t);
    return w === 0 ? 0 : w * (lp - logQ(x, t));
  }, -60, 8);
}

/** The same on (0, 1) with x = sigmoid(t): dx = x (1 - x) dt, log x = -softplus(-t), log(1 - x) = -softplus(t). */
function klUnit(logP: (logX: number, log1mX: number) => number, logQ: (logX: number, log1mX: number) => number): number {
  return simpson((t) => {
    const lx = -softplus64(-t);
    const l1mx = -softplus64(t);
    const lp = logP(lx, l1mx);
    const w = Math.exp(lp + lx + l1mx);
    return w === 0 ? 0 : w * (lp - logQ(lx, l1mx));
  }, -60, 60);
}

const gammaLogPdf = (a: number, b: number) => (x: number, lx: number) => a * Math.log(b) + (a - 1) * lx - b * x - lgamma(a);
const betaLogPdf = (a: number, b: number) => (lx: number, l1mx: number) => (a - 1) * lx + (b - 1) * l1mx - lbeta(a, b);

/** Dense float64 helpers for the Gaussian references (Gauss-Jordan, no triangular structure used). */
const matMul = (a: number[][], b: number[][]): number[][] => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const transpose = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((row) => row[j]!));
function inverseAndLogDet(m: number[][]): [number[][], number] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  let logDet = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(a[r]![k]!) > Math.abs(a[p]![k]!)) p = r;
    [a[k], a[p]] = [a[p]!, a[k]!];
    const pivot = a[k]![k]!;
    logDet += Math.log(Math.abs(pivot));
    for (let c = 0; c < 2 * n; c++) a[k]![c]! /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === k) continue;
      const f = a[r]![k]!;
      for (let c = 0; c < 2 * n; c++) a[r]![c]! -= f * a[k]![c]!;
    }
  }
  return [a.map((row) => row.slice(n)), logDet];
}
/** KL(N(mp, Sp) || N(mq, Sq)) = (tr(Sq⁻¹ Sp) + d' Sq⁻¹ d - k + log det Sq - log det Sp) / 2, d = mq - mp. */
function gaussianKl(mp: number[], sp: number[][], mq: number[], sq: number[][]): number {
  const [sqInv, ldq] = inverseAndLogDet(sq);
  const [, ldp] = inverseAndLogDet(sp);
  const prod = matMul(sqInv, sp);
  const trace = prod.reduce((s, row, i) => s + row[i]!, 0);
  const d = mq.map((v, i) => v - mp[i]!);
  const quad = d.reduce((s, di, i) => s + di * sqInv[i]!.reduce((t, v, j) => t + v * d[j]!, 0), 0);
  return 0.5 * (trace + quad - mp.length + ldq - ldp);
}
const covariance = (l: number[][]): number[][] => matMul(l, transpose(l));
const logSoftmax64 = (l: number[]): number[] => {
  const m = Math.max(...l);
  const z = Math.log(l.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
  return l.map((v) => v - z);
};
const discreteKl = (lp: number[], lq: number[]): number => lp.reduce((s, v, i) => s + Math.exp(v) * (v - lq[i]!), 0);

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

  it('every registered closed form equals a float64 reference (quadrature, exact sums, dense algebra)', async () => {
    const tol = { atol: 1e-5, rtol: 1e-4 };
    const check = async (label: string, p: Distribution, q: Distribution, ref: number[]) => {
      const kl = klDivergence(p, q);
      await expectAllClose(kl, ref, tol, label);
      kl.dispose();
    };
    // Categorical and Bernoulli: exact sums over the outcomes.
    const cl = [[0, 1, 2], [-1, 0, 5]];
    const cq = [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]];
    await check('Categorical', new Categorical({ logits: cl }), new Categorical({ probs: cq }), cl.map((l, b) => discreteKl(logSoftmax64(l), cq[b]!.map(Math.log))));
    const bl = [-1, 0.5, 3];
    const bq = [0.5, 0.1, 0.9];
    await check(
      'Bernoulli',
      new Bernoulli({ logits: bl }),
      new Bernoulli({ probs: bq }),
      bl.map((l, b) => discreteKl([-softplus64(l), -softplus64(-l)], [Math.log(1 - bq[b]!), Math.log(bq[b]!)])),
    );
    // Uniform: quadrature over p's support.
    const ul = [0, -1];
    const uh = [1, 0.5];
    const vl = [-1, -2];
    const vh = [2, 3];
    await check(
      'Uniform',
      new Uniform({ low: ul, high: uh }),
      new Uniform({ low: vl, high: vh }),
      ul.map((_, b) => simpson(() => (1 / (uh[b]! - ul[b]!)) * (-Math.log(uh[b]! - ul[b]!) + Math.log(vh[b]! - vl[b]!)), ul[b]!, uh[b]!, 100)),
    );
    // Exponential and Gamma: quadrature in log x.
    const er = [1, 0.1];
    const eq = [2, 5];
    await check('Exponential', new Exponential({ rate: er }), new Exponential({ rate: eq }), er.map((r, b) => klPositive(gammaLogPdf(1, r), gammaLogPdf(1, eq[b]!))));
    const ga = [0.7, 3];
    const gb = [1, 2];
    const ha = [2, 1.5];
    const hb = [0.5, 3];
    await check(
      'Gamma',
      new Gamma({ concentration: ga, rate: gb }),
      new Gamma({ concentration: ha, rate: hb }),
      ga.map((a, b) => klPositive(gammaLogPdf(a, gb[b]!), gammaLogPdf(ha[b]!, hb[b]!))),
    );
    // Beta: quadrature in logit x.
    const b1 = [0.7, 3];
    const b0 = [2, 1.5];
    const c1 = [1.5, 2];
    const c0 = [1, 4];
    await check(
      'Beta',
      new Beta({ concentration1: b1, concentration0: b0 }),
      new Beta({ concentration1: c1, concentration0: c0 }),
      b1.map((a, b) => klUnit(betaLogPdf(a, b0[b]!), betaLogPdf(c1[b]!, c0[b]!))),
    );
    // Normal and Independent(Normal): one-dimensional quadrature.
    const nm = [0, 1, 3];
    const ns = [1, 0.5, 0.2];
    const om = [0.5, -1, 3];
    const os = [2, 1, 5];
    const normalLogPdf = (m: number, sd: number) => (x: number) => -0.5 * ((x - m) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    const normalRef = nm.map((m, b) =>
      simpson((x) => {
        const lp = normalLogPdf(m, ns[b]!)(x);
        return Math.exp(lp) * (lp - normalLogPdf(om[b]!, os[b]!)(x));
      }, m - 40 * ns[b]!, m + 40 * ns[b]!),
    );
    await check('Normal', new Normal({ loc: nm, scale: ns }), new Normal({ loc: om, scale: os }), normalRef);
    await check(
      'Independent(Normal)',
      new Independent({ distribution: new Normal({ loc: nm, scale: ns }), reinterpretedBatchNdims: 1 }),
      new Independent({ distribution: new Normal({ loc: om, scale: os }), reinterpretedBatchNdims: 1 }),
      [normalRef.reduce((a, v) => a + v, 0)],
    );
    // Gaussians: dense float64 covariance algebra (L Lᵀ, Gauss-Jordan), no triangular solves.
    const diag = (v: number[]) => v.map((x, i) => v.map((_, j) => (i === j ? x * x : 0)));
    await check(
      'MultivariateNormalDiag',
      new MultivariateNormalDiag({ loc: [[0, 1], [2, -1]], scaleDiag: [[1, 0.5], [2, 1]] }),
      new MultivariateNormalDiag({ loc: [[1, 1], [0, 0]], scaleDiag: [[2, 1], [1, 3]] }),
      [gaussianKl([0, 1], diag([1, 0.5]), [1, 1], diag([2, 1])), gaussianKl([2, -1], diag([2, 1]), [0, 0], diag([1, 3]))],
    );
    const lp = [[[1, 0, 0], [0.5, 2, 0], [-1, 0.3, 0.7]], [[2, 0, 0], [0, 1, 0], [1, 1, 1]]];
    const mp = [[0, 1, -1], [2, 0, 0]];
    const lq = [[1.5, 0, 0], [-0.5, 1, 0], [0.2, 0.4, 2]];
    const mq = [1, 0, 0];
    await check(
      'MultivariateNormalTriL',
      new MultivariateNormalTriL({ loc: mp, scaleTril: lp }),
      new MultivariateNormalTriL({ loc: mq, scaleTril: lq }),
      lp.map((l, b) => gaussianKl(mp[b]!, covariance(l), mq, covariance(lq))),
    );
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

  it('refuses what is not a distribution pair it can compare, naming the argument', () => {
    const p = new Normal({ loc: [0, 1], scale: 1 });
    const wide = new Normal({ loc: [0, 1, 2], scale: 1 });
    const mvn = new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [1, 1] });
    const q = new Laplace({ loc: 0, scale: 1 });
    const says = (argument: string, message: string) => ({ argument, message: `klDivergence: ${message}` });
    argumentErrorOf(() => klDivergence({} as never, p), says('p', 'p must be a distribution (logProb, sampleAndLogProb, batchShape, eventShape), received an empty object'));
    argumentErrorOf(() => klDivergence(p, null as never), says('q', 'q must be a distribution (logProb, sampleAndLogProb, batchShape, eventShape), received null'));
    argumentErrorOf(
      () => klDivergence(p, wide),
      says('q', "q must be a distribution with p's event shape [] and a batch shape that broadcasts with p's [2], received batch shape [3], event shape []"),
    );
    argumentErrorOf(
      () => klDivergence(p, mvn, { samples: 10 }),
      says('q', "q must be a distribution with p's event shape [] and a batch shape that broadcasts with p's [2], received batch shape [], event shape [2]"),
    );
    argumentErrorOf(() => klDivergence(p, q, { sample: 10 } as never), says('sample', 'unknown option "sample" in opts (did you mean "samples"?); valid options: samples, seed'));
    argumentErrorOf(() => klDivergence(p, q, { samples: 0 }), says('opts.samples', 'opts.samples must be a positive integer, received 0'));
    const single = klDivergence(p, q, { samples: 1, seed: 2 });
    expect(single.shape).toEqual([2]);
    single.dispose();
    const partial = { logProb: p.logProb.bind(p), batchShape: [2], eventShape: [] };
    argumentErrorOf(() => klDivergence(partial as never, q), says('p', 'p must be a distribution (logProb, sampleAndLogProb, batchShape, eventShape), received an object with keys {logProb, batchShape, eventShape}'));
    argumentErrorOf(() => klDivergence(p, { ...partial, sampleAndLogProb: () => 0, eventShape: 'scalar' } as never), { argument: 'q' });
    argumentErrorOf(() => klDivergence({ sampleAndLogProb: () => 0, batchShape: [], eventShape: [] } as never, q), { argument: 'p' });
    argumentErrorOf(() => klDivergence(p, q, { samples: 2.5 }), says('opts.samples', 'opts.samples must be a positive integer, received 2.5'));
    argumentErrorOf(() => klDivergence(p, q, { samples: 10, seed: 0.5 }), says('opts.seed', 'opts.seed must be an integer (any safe integer, 0 included), received 0.5'));
    const reinterpretedOnce = new Independent({ distribution: new Normal({ loc: [[0, 1]], scale: 1 }), reinterpretedBatchNdims: 1 });
    const nested = new Independent({ distribution: new Independent({ distribution: new Normal({ loc: [0, 1], scale: 1 }), reinterpretedBatchNdims: 1 }), reinterpretedBatchNdims: 0 });
    argumentErrorOf(() => klDivergence(reinterpretedOnce, nested), says('q', 'q must be an Independent reinterpreting 1 batch dims, as p does, received one reinterpreting 0'));
    argumentErrorOf(() => registerKL(Normal, Normal, 'closed form' as never), { argument: 'fn', message: 'registerKL: fn must be a function (p, q) => KL tensor, received "closed form"' });
    argumentErrorOf(() => registerKL(undefined as never, Normal, () => tf.scalar(0)), { argument: 'P', message: "registerKL: P must be a distribution class (p's), received undefined" });
    argumentErrorOf(() => registerKL(Normal, {} as never, () => tf.scalar(0)), { argument: 'Q', message: "registerKL: Q must be a distribution class (q's), received an empty object" });
    for (const d of [p, wide, mvn, q, reinterpretedOnce, nested]) d.dispose();
  });

  it('sums the base KL over every reinterpreted axis of an Independent', async () => {
    const locP = [[[0, 1], [2, 3]]];
    const locQ = [[[1, 1], [0, -1]]];
    const p = new Independent({ distribution: new Normal({ loc: locP, scale: 1 }), reinterpretedBatchNdims: 2 });
    const q = new Independent({ distribution: new Normal({ loc: locQ, scale: 2 }), reinterpretedBatchNdims: 2 });
    const kl = klDivergence(p, q);
    expect(kl.shape).toEqual([1]);
    const perUnit = (m1: number, m2: number) => Math.log(2) + (1 + (m1 - m2) ** 2) / 8 - 0.5;
    const expected = locP[0]!.flat().reduce((s, m, i) => s + perUnit(m, locQ[0]!.flat()[i]!), 0);
    await expectAllClose(kl, [expected], { rtol: 1e-6, atol: 1e-6 });
    kl.dispose();
  });

  it("finds the closed form of the nearest registered classes up both prototype chains", async () => {
    class WideNormal extends Normal {}
    const p = new WideNormal({ loc: 0.5, scale: 2 });
    const q = new WideNormal({ loc: -1, scale: 1 });
    const mixed = new Normal({ loc: 0, scale: 1 });
    // No samples option: a Monte Carlo fallback would refuse to run.
    const kls = [klDivergence(p, q), klDivergence(mixed, q), klDivergence(p, mixed)];
    const normalKl = (m1: number, s1: number, m2: number, s2: number) => Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
    await expectAllClose(tf.stack(kls), [normalKl(0.5, 2, -1, 1), normalKl(0, 1, -1, 1), normalKl(0.5, 2, 0, 1)], { rtol: 1e-6, atol: 1e-6 });
    tf.dispose(kls);
    for (const d of [p, q, mixed]) d.dispose();
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

describeEachBackend('KL closed forms without a batch and with a batch of rank 2', () => {
  it('give the values of the same pairs in a batch of rank 1 (the reductions run over the event axis)', async () => {
    await import('./kl-dirichlet-poisson.js');
    await import('./kl-multivariate-normal.js');
    const { Dirichlet } = await import('./dirichlet.js');
    const { MultivariateNormalFullCovariance } = await import('./multivariate-normal-full-covariance.js');
    // Each maker builds p and q from parameters with a leading batch axis of the given shape.
    const pairs: [string, (lead: number[]) => [Distribution, Distribution]][] = [
      ['Categorical', (lead) => [new Categorical({ logits: nest(lead, [0, 1, -1]) }), new Categorical({ logits: nest(lead, [1, 1, 0.5]) })]],
      ['Dirichlet', (lead) => [new Dirichlet({ concentration: nest(lead, [1, 2, 3]) }), new Dirichlet({ concentration: nest(lead, [2, 2, 0.5]) })]],
      [
        'MultivariateNormalDiag',
        (lead) => [
          new MultivariateNormalDiag({ loc: nest(lead, [0, 1]), scaleDiag: nest(lead, [1, 2]) }),
          new MultivariateNormalDiag({ loc: nest(lead, [1, -1]), scaleDiag: nest(lead, [0.5, 1]) }),
        ],
      ],
      [
        'MultivariateNormalTriL',
        (lead) => [
          new MultivariateNormalTriL({ loc: nest(lead, [0, 1]), scaleTril: nest(lead, [[1, 0], [0.5, 2]]) }),
          new MultivariateNormalTriL({ loc: nest(lead, [1, -1]), scaleTril: nest(lead, [[2, 0], [-1, 1]]) }),
        ],
      ],
      [
        'MultivariateNormalDiag || MultivariateNormalFullCovariance',
        (lead) => [
          new MultivariateNormalDiag({ loc: nest(lead, [0, 1]), scaleDiag: nest(lead, [1, 2]) }),
          new MultivariateNormalFullCovariance({ loc: nest(lead, [1, -1]), covarianceMatrix: nest(lead, [[2, 0.3], [0.3, 1]]) }),
        ],
      ],
    ];
    for (const [name, make] of pairs) {
      const values: number[][] = [];
      for (const lead of [[], [1], [1, 1]]) {
        const [p, q] = make(lead);
        const kl = klDivergence(p, q);
        expect(kl.shape, name).toEqual(lead);
        values.push(Array.from(await kl.data()));
        kl.dispose();
        p.dispose?.();
        q.dispose?.();
      }
      expect(values[1], name).toEqual(values[0]);
      expect(values[2], name).toEqual(values[0]);
    }
  });
}, { webgpu: false });

/** `value` inside as many arrays as `lead` has entries (all of size 1). */
function nest(lead: number[], value: unknown): never {
  return lead.reduce<unknown>((v) => [v], value) as never;
}
