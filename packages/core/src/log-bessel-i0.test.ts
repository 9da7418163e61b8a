import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { logBesselI0, logBesselI0e } from './log-bessel-i0.js';

/** Float64 log I0(x) = log Σ_k (x²/4)^k / (k!)², summed in log space (exact series). */
function logI0Ref(x: number): number {
  const ax = Math.abs(x);
  if (ax === 0) return 0;
  const terms: number[] = [];
  let logFact = 0;
  for (let k = 0; k < 4 * ax + 200; k++) {
    if (k > 0) logFact += Math.log(k);
    terms.push(2 * k * Math.log(ax / 2) - 2 * logFact);
  }
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
}

describeEachBackend('logBesselI0', () => {
  it('matches the float64 series from 0 to 1e4, both signs', async () => {
    const xs = [0, 1e-3, 0.5, 2, 3.75, 3.76, 10, 50, 700, 1e4, -3, -100];
    const out = logBesselI0(tf.tensor1d(xs));
    await expectAllClose(out, xs.map(logI0Ref), { rtol: 1e-6, atol: 3e-7 }, 'logBesselI0');
    const scaled = logBesselI0e(tf.tensor1d(xs));
    await expectAllClose(scaled, xs.map((x) => logI0Ref(x) - Math.abs(x)), { rtol: 1e-6, atol: 3e-7 }, 'logBesselI0e');
    tf.dispose([out, scaled]);
  });
  it('differentiates to I1/I0 (float64 central difference of the series) and leaks nothing', async () => {
    const xs = [0.5, 3, 5, 40];
    const g = tf.grad((x: tf.Tensor) => tf.sum(logBesselI0(x)))(tf.tensor1d(xs));
    const v = await g.data();
    xs.forEach((x, i) => expect(Math.abs(v[i]! - (logI0Ref(x + 1e-5) - logI0Ref(x - 1e-5)) / 2e-5)).toBeLessThan(2e-4));
    g.dispose();
    const x = tf.tensor1d(xs);
    await expectNoLeaks(() => tf.dispose([logBesselI0(x), tf.grad((t: tf.Tensor) => tf.sum(logBesselI0(t)))(x)]));
    x.dispose();
  });
});
