import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { ndtri } from './ndtri.js';

// Float64 reference, independent of the rational approximation: log Φ(z) from the series of erf
// (|z|/√2 < 2) or the continued fraction of erfc (beyond), inverted by bisection in float64.
function logErfcPositive(x: number): number {
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 300; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return Math.log1p(-(2 / Math.sqrt(Math.PI)) * sum);
  }
  let f = 0;
  for (let n = 400; n >= 1; n--) f = n / 2 / (x + f);
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(x + f);
}
/** Φ(z) in float64 (lower tail exactly; upper as 1 - Φ(-z)). */
function phi(z: number): number {
  const lower = 0.5 * Math.exp(logErfcPositive(Math.abs(z) / Math.SQRT2));
  return z <= 0 ? lower : 1 - lower;
}
function ndtriRef(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (phi(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describeEachBackend('ndtri', () => {
  it('matches a float64 inverse of Φ from the far lower tail to near 1', async () => {
    const ps = [1e-37, 1e-30, 1e-20, 1e-10, 1e-5, 0.001, 0.02, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 0.99999].map(Math.fround);
    const z = ndtri(tf.tensor1d(ps));
    await expectAllClose(z, ps.map(ndtriRef), { rtol: 2e-6, atol: 2e-6 }, 'ndtri');
    z.dispose();
  });
  it('is -Infinity at 0, +Infinity at 1, NaN outside [0, 1]', async () => {
    const z = ndtri(tf.tensor1d([0, 1, -0.5, 1.5, NaN]));
    expect(Array.from(await z.data())).toEqual([-Infinity, Infinity, NaN, NaN, NaN]);
    z.dispose();
  });
  it('has the gradient 1 / φ(z), equal to a float64 central difference of the reference', async () => {
    const ps = [1e-8, 0.01, 0.3, 0.5, 0.8, 0.99];
    const g = tf.grad((p: tf.Tensor) => tf.sum(ndtri(p)))(tf.tensor1d(ps));
    const expected = ps.map((p) => {
      const h = 1e-6 * Math.min(p, 1 - p);
      return (ndtriRef(p + h) - ndtriRef(p - h)) / (2 * h);
    });
    await expectAllClose(g, expected, { rtol: 1e-4, atol: 0 }, 'dndtri/dp');
    g.dispose();
  });
  it('leaks no tensor', async () => {
    const p = tf.tensor1d([0.1, 0.5]);
    await expectNoLeaks(() => {
      tf.dispose([ndtri(p), tf.grad((q: tf.Tensor) => tf.sum(ndtri(q)))(p)]);
    });
    p.dispose();
  });
});
