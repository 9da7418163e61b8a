import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { igammaInv, igammacInv } from './inverse-incomplete-gamma.js';

// Float64 references from closed forms at integer shapes, independent of the series and the
// continued fraction: Q(n, x) = e^{-x} Σ_{k<n} x^k/k!, so log Q(n, x) = -x + log Σ_{k<n} x^k/k!
// and P(n, x) = 1 - Q(n, x) (for P itself below 1/2, the series e^{-x} Σ_{k>=n} x^k/k!).
function logQ(n: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < n; k++) {
    term *= x / k;
    sum += term;
  }
  return -x + Math.log(sum);
}
function logP(n: number, x: number): number {
  if (x > n) return Math.log1p(-Math.exp(logQ(n, x)));
  // e^{-x} x^n/n! Σ_{j>=0} x^j n!/(n+j)!
  let logTerm = n * Math.log(x) - x;
  for (let k = 2; k <= n; k++) logTerm -= Math.log(k);
  let term = 1;
  let sum = 1;
  for (let j = 1; j < 500; j++) {
    term *= x / (n + j);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return logTerm + Math.log(sum);
}
/** The float64 x with log F(x) = log target for an increasing log F, by bisection in log x. */
function invert(logF: (x: number) => number, target: number, increasing = true): number {
  let lo = Math.log(1e-300);
  let hi = Math.log(1e4);
  for (let i = 0; i < 300; i++) {
    const mid = (lo + hi) / 2;
    const below = increasing ? logF(Math.exp(mid)) < target : logF(Math.exp(mid)) > target;
    if (below) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

const f = Math.fround;
const PS = [1e-30, 1e-10, 1e-4, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-4, 1 - 2 ** -24].map(f);
const QS = [1e-37, 1e-20, 1e-6, 0.01, 0.4].map(f);

describeEachBackend('igammaInv and igammacInv', () => {
  it('invert P(n, x) and Q(n, x) at n = 1, 2, 5, 20 to float32 precision, from p = 1e-30 to 1 - 2^-24 and q down to 1e-37', async () => {
    for (const n of [1, 2, 5, 20]) {
      const x = igammaInv(tf.fill([PS.length], n), tf.tensor1d(PS));
      await expectAllClose(x, PS.map((p) => invert((t) => logP(n, t), Math.log(p))), { rtol: 2e-6, atol: 0 }, `igammaInv(${n}, p)`);
      const y = igammacInv(tf.fill([QS.length], n), tf.tensor1d(QS));
      await expectAllClose(y, QS.map((q) => invert((t) => logQ(n, t), Math.log(q), false)), { rtol: 2e-6, atol: 0 }, `igammacInv(${n}, q)`);
      tf.dispose([x, y]);
    }
  });
  it('is 0 at p = 0, +Infinity at p = 1 and NaN outside [0, 1] or for a <= 0', async () => {
    const x = igammaInv(tf.tensor1d([2, 2, 2, 2, -1, 0]), tf.tensor1d([0, 1, -0.1, 1.5, 0.5, 0.5]));
    expect(Array.from(await x.data())).toEqual([0, Infinity, NaN, NaN, NaN, NaN]);
    const y = igammacInv(tf.tensor1d([2, 2]), tf.tensor1d([0, 1]));
    expect(Array.from(await y.data())).toEqual([Infinity, 0]);
    tf.dispose([x, y]);
  });
  it('has the gradient dx/dp = 1/density (float64 density at the float64 root)', async () => {
    // dx/da is checked against float64 finite differences where the distributions use it
    // (Gamma's quantile); here P(a, x) has a closed form only at integer a.
    const n = [2, 5];
    const ps = [0.1, 0.8];
    const gp = tf.grad((p: tf.Tensor) => tf.sum(igammaInv(tf.tensor1d(n), p)))(tf.tensor1d(ps));
    const logFactorial = (k: number): number => (k <= 1 ? 0 : Math.log(k) + logFactorial(k - 1));
    const expected = n.map((k, i) => {
      const x = invert((t) => logP(k, t), Math.log(f(ps[i]!)));
      return 1 / Math.exp((k - 1) * Math.log(x) - x - logFactorial(k - 1));
    });
    await expectAllClose(gp, expected, { rtol: 1e-4, atol: 0 }, 'dx/dp');
    gp.dispose();
  });
  it('leaks no tensor, also under a gradient tape', async () => {
    const a = tf.tensor1d([0.5, 3]);
    const p = tf.tensor1d([0.2, 0.9]);
    await expectNoLeaks(() => {
      tf.dispose([igammaInv(a, p), igammacInv(a, p)]);
      tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(igammaInv(v, p)))(a));
    });
    tf.dispose([a, p]);
  });
});
