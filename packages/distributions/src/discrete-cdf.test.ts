// cdf, logCdf and the survival functions of Bernoulli and Categorical against float64 sums of
// their probabilities, tails included; Bernoulli's quantile.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';

const f = Math.fround;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** Float64 log σ(v) and log(1 - σ(v)) without cancellation. */
const logSigmoid = (v: number) => (v > 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v)));

describeEachBackend('Bernoulli and Categorical cdf', () => {
  it('Bernoulli: logCdf, cdf, logSurvivalFunction at points below, inside and above {0, 1}', async () => {
    const logits = [-40, -1, 0, 2, 40];
    const d = new Bernoulli({ logits });
    const xs = [-0.5, 0, 0.5, 1, 3];
    const x = tf.tensor2d(xs.map((v) => logits.map(() => v)));
    const lc = d.logCdf(x);
    const c = d.cdf(x);
    const ls = d.logSurvivalFunction(x);
    const refLc = xs.flatMap((v) => logits.map((l) => (v < 0 ? -Infinity : v < 1 ? logSigmoid(-f(l)) : 0)));
    const refLs = xs.flatMap((v) => logits.map((l) => (v < 0 ? 0 : v < 1 ? logSigmoid(f(l)) : -Infinity)));
    await expectAllClose(lc, refLc, { rtol: 1e-5, atol: 1e-6 }, 'logCdf');
    await expectAllClose(c, refLc.map(Math.exp), { rtol: 1e-5, atol: 1e-7 }, 'cdf');
    await expectAllClose(ls, refLs, { rtol: 1e-5, atol: 1e-6 }, 'logSurvivalFunction');
    tf.dispose([x, lc, c, ls]);
    d.dispose();
  });
  it('Bernoulli: quantile is 1 exactly where p exceeds 1 - probs', async () => {
    const d = new Bernoulli({ probs: [0.25, 0.25, 0.25, 0.9] });
    const q = d.quantile(tf.tensor1d([0, 0.75, 0.76, 0.05]));
    expect(Array.from(await q.data())).toEqual([0, 0, 1, 0]);
    q.dispose();
    d.dispose();
  });
  it('Categorical: logCdf and logSurvivalFunction equal float64 partial sums, also for a category of probability 0', async () => {
    const probs = [
      [0.1, 0.2, 0.3, 0.4],
      [1e-30, 0.5, 0, 0.5],
    ];
    const d = new Categorical({ probs });
    const xs = [-1, 0, 1.5, 2, 3, 7];
    const x = tf.tensor2d(xs.map((v) => [v, v]));
    const lc = d.logCdf(x);
    const ls = d.logSurvivalFunction(x);
    const partial = (row: number[], v: number, below: boolean) => {
      const s = row.map(f).reduce((a, p, k) => a + ((below ? k <= Math.floor(v) : k > Math.floor(v)) ? p : 0), 0);
      return Math.log(s / row.map(f).reduce((a, p) => a + p, 0));
    };
    await expectAllClose(lc, xs.flatMap((v) => probs.map((r) => partial(r, v, true))), { rtol: 1e-5, atol: 1e-6 }, 'logCdf');
    await expectAllClose(ls, xs.flatMap((v) => probs.map((r) => partial(r, v, false))), { rtol: 1e-5, atol: 1e-6 }, 'logSurvivalFunction');
    const c = d.cdf(x);
    await expectAllClose(c, xs.flatMap((v) => probs.map((r) => Math.exp(partial(r, v, true)))), { rtol: 1e-5, atol: 1e-7 }, 'cdf');
    await expectNoLeaks(() => tf.dispose([d.cdf(x), d.logCdf(x), d.survivalFunction(x)]));
    tf.dispose([x, lc, ls, c]);
    d.dispose();
  });
  it('Categorical: gradients of logCdf to the logits are finite', async () => {
    const g = tf.grad((l: tf.Tensor) => {
      const d = new Categorical({ logits: l });
      return tf.sum(d.logCdf(tf.tensor1d([-1, 0, 1, 2])));
    })(tf.tensor1d([0.5, -1, 2]));
    expect(Array.from(await g.data()).every(Number.isFinite)).toBe(true);
    g.dispose();
  });
});
