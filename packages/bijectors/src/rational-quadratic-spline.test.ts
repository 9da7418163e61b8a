import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose } from '@densityjs/testing';
import { RationalQuadraticSpline, rationalQuadraticSpline } from './index.js';

describeBijector({
  name: 'RationalQuadraticSpline (random, tails)',
  make: () => new RationalQuadraticSpline({ numBins: 6, bound: 2.5, shape: [3], initScale: 1, seed: 7 }),
  eventShape: [3],
  input: { scale: 1.6 },
});
describeBijector({
  name: 'RationalQuadraticSpline (fixed params, eventNdims 1)',
  make: () => new RationalQuadraticSpline({ numBins: 4, bound: 3, eventNdims: 1, params: tf.randomNormal([2, 11], 0, 1.5, 'float32', 3) }),
  eventShape: [2],
  input: { scale: 1.5 },
  webgpu: true,
});

/** Float64 reference spline from the paper's definitions, for one unit. */
function referenceSpline(x: number, params: number[], K: number, B: number): [number, number] {
  const softmax = (u: number[]): number[] => {
    const m = Math.max(...u);
    const e = u.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const mw = 1e-3;
  const w = softmax(params.slice(0, K)).map((p) => 2 * B * (mw + (1 - mw * K) * p));
  const h = softmax(params.slice(K, 2 * K)).map((p) => 2 * B * (mw + (1 - mw * K) * p));
  const d = [1, ...params.slice(2 * K).map((u) => 1e-3 + Math.log1p(Math.exp(u))), 1];
  if (x < -B || x > B) return [x, 0];
  let xk = -B;
  let yk = -B;
  let k = 0;
  while (k < K - 1 && x >= xk + w[k]!) {
    xk += w[k]!;
    yk += h[k]!;
    k++;
  }
  const s = h[k]! / w[k]!;
  const t = (x - xk) / w[k]!;
  const den = s + (d[k]! + d[k + 1]! - 2 * s) * t * (1 - t);
  const y = yk + (h[k]! * (s * t * t + d[k]! * t * (1 - t))) / den;
  const dydx = (s * s * (d[k + 1]! * t * t + 2 * s * t * (1 - t) + d[k]! * (1 - t) ** 2)) / den ** 2;
  return [y, Math.log(dydx)];
}

describeEachBackend('rationalQuadraticSpline', () => {
  it('matches a float64 reference and is monotone with identity tails', async () => {
    const K = 5;
    const B = 2;
    const params = Array.from({ length: 3 * K - 1 }, (_, i) => Math.sin(1.7 * i + 0.3) * 1.5);
    const xs = Array.from({ length: 41 }, (_, i) => -2.5 + (5 * i) / 40);
    const x = tf.tensor1d(xs);
    const p = tf.tensor1d(params);
    const [y, ld] = rationalQuadraticSpline(x, p, { numBins: K, bound: B });
    const ref = xs.map((v) => referenceSpline(v, params, K, B));
    await expectAllClose(y, ref.map((r) => r[0]), { atol: 2e-5, rtol: 1e-5 });
    await expectAllClose(ld, ref.map((r) => r[1]), { atol: 1e-4, rtol: 1e-4 });
    const yv = Array.from(await y.data());
    for (let i = 1; i < yv.length; i++) expect(yv[i]!).toBeGreaterThan(yv[i - 1]!);
    const [xi, ldi] = rationalQuadraticSpline(y, p, { numBins: K, bound: B, inverse: true });
    await expectAllClose(xi, xs, { atol: 1e-4, rtol: 1e-4 });
    await expectAllClose(ldi, ref.map((r) => -r[1]), { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([x, p, y, ld, xi, ldi]);
  });
});

describeEachBackend('rationalQuadraticSpline tails', () => {
  it('is the identity with a zero log-det far outside [-B, B], both ways', async () => {
    const x = tf.tensor1d([-1e4, -3.5, 3.5, 1e4]);
    const p = tf.randomNormal([11], 0, 2, 'float32', 5);
    for (const inverse of [false, true]) {
      const [y, ld] = rationalQuadraticSpline(x, p, { numBins: 4, bound: 3, inverse });
      await expectAllClose(y, [-1e4, -3.5, 3.5, 1e4], { atol: 1e-5, rtol: 1e-6 });
      await expectAllClose(ld, [0, 0, 0, 0], { atol: 1e-5 });
      tf.dispose([y, ld]);
    }
    tf.dispose([x, p]);
  });
});

describe('spline bad input', () => {
  it('names wrong parameter counts and settings', () => {
    const x = tf.zeros([2]);
    const p = tf.zeros([10]);
    expect(() => rationalQuadraticSpline(x, p, { numBins: 4 })).toThrow(/last dimension is 3 \* numBins - 1 = 11/);
    expect(() => new RationalQuadraticSpline({ numBins: 1 })).toThrow(/numBins must be an integer >= 2/);
    expect(() => new RationalQuadraticSpline({ bound: 0 })).toThrow(/bound must be a finite number > 0/);
    tf.dispose([x, p]);
  });
});
