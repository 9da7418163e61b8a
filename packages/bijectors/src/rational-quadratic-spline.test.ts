import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from '@densityjs/core';
import { describe, expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose } from '@densityjs/testing';
import { RationalQuadraticSpline, rationalQuadraticSpline } from './index.js';
import { rqSplineFormula } from './rational-quadratic-spline.js';

// The autodiff references below use plain ops: make sure their gradients are registered.
registerGradients();

describeBijector({
  name: 'RationalQuadraticSpline (random, tails)',
  make: () => new RationalQuadraticSpline({ numBins: 6, bound: 2.5, shape: [3], initScale: 1, seed: 7 }),
  eventShape: [3],
  input: { scale: 1.6 },
  // The log-det's derivative jumps at the knots: a step of 1e-3 rarely straddles one.
  gradientCheck: { step: 1e-3 },
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
  // Parameters shared by every x take the composed ops; one parameter row per x takes the fused
  // kernel on cpu and wasm.
  for (const perElement of [false, true]) {
    it(`matches a float64 reference and is monotone with identity tails (${perElement ? 'a parameter row per element' : 'shared parameters'})`, async () => {
      const K = 5;
      const B = 2;
      const params = Array.from({ length: 3 * K - 1 }, (_, i) => Math.sin(1.7 * i + 0.3) * 1.5);
      const xs = Array.from({ length: 41 }, (_, i) => -2.5 + (5 * i) / 40);
      const x = tf.tensor1d(xs);
      const p = perElement ? tf.tensor2d(xs.flatMap(() => params), [xs.length, params.length]) : tf.tensor1d(params);
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
  }
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

/** The bin formula with plain differentiable ops (autodiff reference for the fused op). */
function formulaReference(v: tf.Tensor, picked: tf.Tensor, inverse: boolean): tf.Tensor {
  const [xk, yk, w, h, d0, d1] = tf.unstack(picked, -1) as tf.Tensor[] as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const delta = tf.div(h, w);
  const c2 = tf.sub(tf.add(d0, d1), tf.mul(delta, 2));
  let theta: tf.Tensor;
  if (!inverse) theta = tf.div(tf.sub(v, xk), w);
  else {
    const dy = tf.sub(v, yk);
    const a = tf.add(tf.mul(h, tf.sub(delta, d0)), tf.mul(dy, c2));
    const b = tf.sub(tf.mul(h, d0), tf.mul(dy, c2));
    const c = tf.neg(tf.mul(delta, dy));
    theta = tf.div(tf.mul(c, 2), tf.sub(tf.neg(b), tf.sqrt(tf.sub(tf.square(b), tf.mul(tf.mul(a, c), 4)))));
  }
  const q = tf.mul(theta, tf.sub(1, theta));
  const den = tf.add(delta, tf.mul(c2, q));
  const value = inverse ? tf.add(tf.mul(theta, w), xk) : tf.add(yk, tf.div(tf.mul(h, tf.add(tf.mul(delta, tf.square(theta)), tf.mul(d0, q))), den));
  const n = tf.add(tf.add(tf.mul(d1, tf.square(theta)), tf.mul(tf.mul(delta, q), 2)), tf.mul(d0, tf.square(tf.sub(1, theta))));
  const ld = tf.sub(tf.log(tf.mul(tf.square(delta), n)), tf.mul(tf.log(den), 2));
  return tf.stack([value, inverse ? tf.neg(ld) : ld], -1);
}

describeEachBackend('rqSplineFormula (fused custom gradient)', () => {
  for (const inverse of [false, true]) {
    it(`values and gradients match autodiff (inverse ${inverse})`, async () => {
      const m = 7;
      const xk = Array.from({ length: m }, (_, i) => -1 + 0.3 * i);
      const w = Array.from({ length: m }, (_, i) => 0.2 + 0.15 * ((i * 3) % 5));
      const yk = Array.from({ length: m }, (_, i) => 0.5 - 0.2 * i);
      const h = Array.from({ length: m }, (_, i) => 0.1 + 0.3 * ((i * 2) % 5));
      const d0 = Array.from({ length: m }, (_, i) => 0.2 + 0.7 * ((i * 4) % 3));
      const d1 = Array.from({ length: m }, (_, i) => 2.5 - 0.3 * i);
      const frac = Array.from({ length: m }, (_, i) => 0.05 + (0.9 * i) / (m - 1));
      const v = tf.tensor1d(frac.map((f, i) => (inverse ? yk[i]! + f * h[i]! : xk[i]! + f * w[i]!)));
      const picked = tf.tensor2d(xk.map((_, i) => [xk[i]!, yk[i]!, w[i]!, h[i]!, d0[i]!, d1[i]!]));
      const up = tf.tensor2d(xk.map((_, i) => [Math.sin(i + 1), Math.cos(2 * i + 1)]));
      const fused = rqSplineFormula(v, picked, inverse);
      const ref = formulaReference(v, picked, inverse);
      await expectAllClose(fused, ref, { atol: 1e-5, rtol: 1e-5 });
      const loss = (f: (a: tf.Tensor, b: tf.Tensor, inv: boolean) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b, inverse), up));
      const gf = tf.grads(loss(rqSplineFormula))([v, picked]);
      const gr = tf.grads(loss(formulaReference))([v, picked]);
      await expectAllClose(gf[0]!, gr[0]!, { atol: 1e-4, rtol: 1e-3 }, 'd/dv');
      await expectAllClose(gf[1]!, gr[1]!, { atol: 1e-4, rtol: 1e-3 }, 'd/dpicked');
      tf.dispose([v, picked, up, fused, ref, ...gf, ...gr]);
    });
  }
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

describeEachBackend('RationalQuadraticSpline initialization and ownership', () => {
  it('starts as the identity (uniform bins, unit derivatives) inside and outside [-B, B]', async () => {
    const b = new RationalQuadraticSpline({ numBins: 5, bound: 2, minDerivative: 0.05, shape: [2] });
    const x = tf.tensor2d([[-3, -1.9], [-0.7, 0.3], [1.2, 1.99], [2.5, 40]]);
    const [y, ld] = b.forwardAndLogDet(x);
    await expectAllClose(y, x, { atol: 1e-5 });
    await expectAllClose(ld, [[0, 0], [0, 0], [0, 0], [0, 0]], { atol: 1e-5 });
    expect(b.trainableVariables.map((v) => v.shape)).toEqual([[2, 14]]);
    expect(b.trainableVariables[0]!.name).toMatch(/^rq_spline_params_\d+$/);
    tf.dispose([x, y, ld]);
    const before = tf.memory().numTensors;
    b.dispose();
    expect(before - tf.memory().numTensors).toBe(1);
  });

  it('initScale > 0 perturbs the identity reproducibly per seed; a shape of [] is one shared spline', async () => {
    const make = (seed: number) => new RationalQuadraticSpline({ numBins: 4, initScale: 0.5, seed });
    const [a, a2, c] = [make(1), make(1), make(2)];
    const x = tf.linspace(-3, 3, 7);
    const [ya, ya2, yc] = [a.forward(x), a2.forward(x), c.forward(x)];
    const va = Array.from(await ya.data());
    expect(Array.from(await ya2.data())).toEqual(va);
    expect(Array.from(await yc.data())).not.toEqual(va);
    const gap = Math.max(...va.map((v, i) => Math.abs(v - (-3 + i))));
    expect(gap).toBeGreaterThan(1e-2);
    expect(a.trainableVariables[0]!.shape).toEqual([11]);
    tf.dispose([x, ya, ya2, yc]);
    for (const b of [a, a2, c]) b.dispose();
  });

  it('given params are used as they are, borrowed, with their batch shape', async () => {
    const params = tf.randomNormal([3, 11], 0, 1, 'float32', 4);
    const b = new RationalQuadraticSpline({ numBins: 4, bound: 3, params });
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 6);
    const [y, ld] = b.forwardAndLogDet(x);
    const [ry, rld] = rationalQuadraticSpline(x, params, { numBins: 4, bound: 3 });
    await expectAllClose(y, ry, { atol: 0 });
    await expectAllClose(ld, rld, { atol: 0 });
    expect(b.trainableVariables).toEqual([]);
    const wide = tf.zeros([5, 4]);
    expect(() => b.forward(wide)).toThrow(/RationalQuadraticSpline: x must be a tensor whose trailing dims match params's shape \[3\]/);
    b.dispose();
    expect(params.isDisposed).toBe(false);
    tf.dispose([params, x, y, ld, ry, rld, wide]);
  });
});
