// quantile of Poisson, Binomial and Categorical against float64 sums of their probabilities:
// the smallest k with cdf(k) >= p, from p = 0 through the far tails to p = 1, and just below and
// just above each cdf(k) (quantile(cdf(k)) = k); Poisson's and Binomial's cdf and survival
// functions in both tails.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { Binomial } from './binomial.js';
import { Categorical } from './categorical.js';
import { Poisson } from './poisson.js';
import { lgamma, logSumExp } from './test-reference.js';

const f = Math.fround;

/** Float64 log pmfs of a discrete family on {0, ..., last}. */
type LogPmf = (k: number) => number;
const poissonLogPmf = (lam: number): LogPmf => (k) => (k === 0 ? -lam : k * Math.log(lam) - lam - lgamma(k + 1));
const binomialLogPmf = (n: number, p: number): LogPmf => (k) =>
  lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + (k === 0 ? 0 : k * Math.log(p)) + (k === n ? 0 : (n - k) * Math.log1p(-p));

/** log F(k) and log S(k) in float64, each as a sum of its own terms (no 1 - cdf). */
function logTails(logPmf: LogPmf, last: number): { logCdf: number[]; logSurvival: number[] } {
  const terms = Array.from({ length: last + 1 }, (_, k) => logPmf(k));
  const logCdf = terms.map((_, k) => logSumExp(terms.slice(0, k + 1)));
  const logSurvival = terms.map((_, k) => (k === last ? -Infinity : logSumExp(terms.slice(k + 1))));
  return { logCdf, logSurvival };
}

/** The smallest k with F(k) >= p (S(k) <= 1 - p above 1/2), float64. */
function smallestK(t: { logCdf: number[]; logSurvival: number[] }, p: number, unbounded: boolean): number {
  if (p === 1 && unbounded) return Infinity;
  for (let k = 0; k < t.logCdf.length; k++) {
    if (p <= 0.5 ? Math.exp(t.logCdf[k]!) >= p : Math.exp(t.logSurvival[k]!) <= 1 - p) return k;
  }
  return t.logCdf.length - 1;
}

const PS = [0, 1e-30, 1e-6, 0.01, 0.3, 0.5, 0.9, 0.999, 1 - 2 ** -24, 1].map(f);

/**
 * p just below and just above F(k) for every k whose cdf float32 resolves by a margin of 1e-4
 * relative to the smaller tail: expected k and k + 1.
 */
function straddle(t: { logCdf: number[]; logSurvival: number[] }): { ps: number[]; ks: number[] } {
  const ps: number[] = [];
  const ks: number[] = [];
  for (let k = 0; k < t.logCdf.length - 1; k++) {
    const F = Math.exp(t.logCdf[k]!);
    const S = Math.exp(t.logSurvival[k]!);
    const margin = 1e-4 * Math.min(F, S);
    const below = f(F - margin);
    const above = f(F + margin);
    if (!(below < F && above > F && margin > 1e-6 * Math.max(F, 1e-30) && Math.min(F, S) > 1e-30)) continue;
    ps.push(below, above);
    ks.push(k, k + 1);
  }
  return { ps, ks };
}

describeEachBackend('discrete quantiles', () => {
  it('Poisson: the smallest k with cdf(k) >= p at rates 1e-3 to 50, from p = 0 to 1 (+Infinity)', async () => {
    const rates = [1e-3, 0.7, 4, 50];
    const d = new Poisson({ rate: rates });
    const p = tf.tensor2d(PS.map((v) => rates.map(() => v)));
    const q = d.quantile(p);
    const tails = rates.map((r) => logTails(poissonLogPmf(f(r)), 200));
    expect(Array.from(await q.data())).toEqual(PS.flatMap((v) => tails.map((t) => smallestK(t, v, true))));
    tf.dispose([p, q]);
    d.dispose();
  });
  it('Poisson: quantile just below and just above cdf(k) gives k and k + 1, tails included', async () => {
    for (const rate of [0.3, 6, 30]) {
      const t = logTails(poissonLogPmf(f(rate)), 200);
      const { ps, ks } = straddle(t);
      const d = new Poisson({ rate });
      const q = d.quantile(tf.tensor1d(ps));
      expect(Array.from(await q.data())).toEqual(ks);
      q.dispose();
      d.dispose();
    }
  });
  it('Poisson: logCdf in the far lower tail and logSurvivalFunction in the far upper tail', async () => {
    const d = new Poisson({ rate: 30 });
    const t = logTails(poissonLogPmf(30), 300);
    const ks = [0, 3, 10, 30, 60, 100];
    const x = tf.tensor1d(ks);
    const lc = d.logCdf(x);
    const ls = d.logSurvivalFunction(x);
    await expectAllClose(lc, ks.map((k) => t.logCdf[k]!), { rtol: 2e-5, atol: 1e-5 }, 'logCdf');
    await expectAllClose(ls, ks.map((k) => t.logSurvival[k]!), { rtol: 2e-5, atol: 1e-5 }, 'logSurvivalFunction');
    // Below the support S = 1; above, S keeps its digits where 1 - F would not.
    const xs = tf.tensor1d([-2, ...ks]);
    const sf = d.survivalFunction(xs);
    await expectAllClose(sf, [1, ...ks.map((k) => Math.exp(t.logSurvival[k]!))], { rtol: 2e-5, atol: 1e-30 }, 'survivalFunction');
    const below = d.logCdf(xs);
    expect((await below.data())[0]).toBe(-Infinity);
    tf.dispose([x, lc, ls, xs, sf, below]);
    d.dispose();
  });
  it('Binomial: the smallest k with cdf(k) >= p, probs and logits, p = 0 to 1', async () => {
    const n = [10, 100, 40, 300];
    const probs = [0.3, 0.02, 0.97, 0.5];
    const d = new Binomial({ totalCount: n, probs });
    const dl = new Binomial({ totalCount: n, logits: probs.map((v) => Math.log(v / (1 - v))) });
    const p = tf.tensor2d(PS.map((v) => n.map(() => v)));
    const tails = n.map((m, i) => logTails(binomialLogPmf(m, f(probs[i]!)), m));
    const expected = PS.flatMap((v) => tails.map((t) => smallestK(t, v, false)));
    for (const dist of [d, dl]) {
      const q = dist.quantile(p);
      expect(Array.from(await q.data())).toEqual(expected);
      q.dispose();
    }
    tf.dispose(p);
    d.dispose();
    dl.dispose();
  });
  it('Binomial: quantile just below and just above cdf(k) gives k and k + 1; cdf and survival in both tails', async () => {
    // n = 1, 2, 3: the fewest bisection steps, where one step too few gives a wrong k.
    for (const [n, pr] of [[12, 0.4], [80, 0.1], [1, 0.3], [2, 0.5], [3, 0.7]] as const) {
      const t = logTails(binomialLogPmf(n, f(pr)), n);
      const { ps, ks } = straddle(t);
      const d = new Binomial({ totalCount: n, probs: pr });
      const q = d.quantile(tf.tensor1d(ps));
      expect(Array.from(await q.data())).toEqual(ks);
      const k = Array.from({ length: n + 3 }, (_, i) => i - 1);
      const x = tf.tensor1d(k);
      const lc = d.logCdf(x);
      const ls = d.logSurvivalFunction(x);
      await expectAllClose(lc, k.map((i) => (i < 0 ? -Infinity : i >= n ? 0 : t.logCdf[i]!)), { rtol: 2e-5, atol: 2e-5 }, 'logCdf');
      await expectAllClose(ls, k.map((i) => (i < 0 ? 0 : i >= n ? -Infinity : t.logSurvival[i]!)), { rtol: 2e-5, atol: 2e-5 }, 'logSurvivalFunction');
      tf.dispose([q, x, lc, ls]);
      d.dispose();
    }
  });
  it('leak nothing and refuse p outside [0, 1]', async () => {
    const ds = [new Poisson({ rate: 3 }), new Binomial({ totalCount: 7, probs: 0.4 }), new Categorical({ logits: [0, 1, 2] })];
    const p = tf.tensor1d([0.2, 0.9]);
    await expectNoLeaks(() => {
      for (const d of ds) tf.dispose(d.quantile(p));
    });
    tf.dispose(p);
    ds.forEach((d) => d.dispose());
  });
}, { webgpu: false });

// The webgpu subset: one call per family, with parameters given as numbers (the search then
// knows its length on the host: 9 and 7 steps here; with tensor parameters on webgpu it takes 25,
// each an incomplete gamma or beta evaluation, and the software adapter in Node gives out after a
// few such calls).
describeEachBackend('discrete quantiles (few calls)', () => {
  it('Poisson and Binomial: the smallest k with cdf(k) >= p in both tails and at p = 1', async () => {
    const ps = [1e-6, 0.3, 0.999, 1].map(f);
    const rates = [0.7, 50];
    const d = new Poisson({ rate: rates });
    const p = tf.tensor2d(ps.map((v) => rates.map(() => v)));
    const q = d.quantile(p);
    const tails = rates.map((r) => logTails(poissonLogPmf(f(r)), 200));
    expect(Array.from(await q.data())).toEqual(ps.flatMap((v) => tails.map((t) => smallestK(t, v, true))));
    const b = new Binomial({ totalCount: 40, probs: 0.97 });
    const pb = tf.tensor1d(ps);
    const qb = b.quantile(pb);
    const tb = logTails(binomialLogPmf(40, f(0.97)), 40);
    expect(Array.from(await qb.data())).toEqual(ps.map((v) => smallestK(tb, v, false)));
    tf.dispose([p, q, pb, qb]);
    d.dispose();
    b.dispose();
  });
  it('Categorical: the smallest k whose cumulative probability reaches p', async () => {
    const probs = [
      [0.1, 0.2, 0.3, 0.4],
      [0, 0.5, 0, 0.5],
    ];
    const d = new Categorical({ probs });
    const ps = [0, 0.05, 0.15, 0.29, 0.31, 0.7, 0.99, 1];
    const q = d.quantile(tf.tensor2d(ps.map((v) => [v, v])));
    const expected = ps.flatMap((v) =>
      probs.map((row) => {
        let c = 0;
        for (let k = 0; k < row.length; k++) {
          c += f(row[k]!);
          if (c >= v) return k;
        }
        return row.length - 1;
      }),
    );
    expect(Array.from(await q.data())).toEqual(expected);
    q.dispose();
    d.dispose();
  });
  it('Categorical: at most K - 1 where the float32 cumulative sum ends below 1, without a batch too', async () => {
    // Twelve equal categories: the float32 cumulative sum of the softmax ends at 0.99999988.
    const d = new Categorical({ logits: new Array(12).fill(0) });
    const q = d.quantile(tf.tensor1d([0, 0.5, 0.9999999, 1]));
    expect(Array.from(await q.data())).toEqual([0, 5, 11, 11]);
    q.dispose();
    d.dispose();
  });
});
