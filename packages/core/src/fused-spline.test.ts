import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { fusedRationalQuadraticSpline } from './fused-spline.js';
import { setDirectKernelsEnabled } from './kernels/direct-backend.js';
import { mulberry32 } from './mulberry32.js';

const K = 5;
const B = 3;
const settings = { numBins: K, bound: B, minBinWidth: 1e-3, minBinHeight: 1e-3, minDerivative: 1e-3 };

/**
 * float64 reference written from the definition: knots from cumulative sums of the floored
 * softmax fractions, the bin by linear search, the rational-quadratic formula, dy/dx by the
 * derivative formula; the inverse by bisection on the forward map (not the quadratic root).
 */
function forward64(x: number, p: number[]): [number, number] {
  if (x < -B || x > B) return [x, 0];
  const soft = (u: number[]) => {
    const m = Math.max(...u);
    const e = u.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const fw = soft(p.slice(0, K)).map((s) => 1e-3 + (1 - K * 1e-3) * s);
  const fh = soft(p.slice(K, 2 * K)).map((s) => 1e-3 + (1 - K * 1e-3) * s);
  const knotsX = [-B];
  const knotsY = [-B];
  for (let j = 0; j < K; j++) {
    knotsX.push(knotsX[j]! + 2 * B * fw[j]!);
    knotsY.push(knotsY[j]! + 2 * B * fh[j]!);
  }
  const deriv = [1, ...p.slice(2 * K).map((u) => 1e-3 + Math.log1p(Math.exp(u))), 1];
  let k = 0;
  while (k < K - 1 && knotsX[k + 1]! <= x) k++;
  const w = knotsX[k + 1]! - knotsX[k]!;
  const h = knotsY[k + 1]! - knotsY[k]!;
  const s = h / w;
  const t = (x - knotsX[k]!) / w;
  const d0 = deriv[k]!;
  const d1 = deriv[k + 1]!;
  const den = s + (d0 + d1 - 2 * s) * t * (1 - t);
  const y = knotsY[k]! + (h * (s * t * t + d0 * t * (1 - t))) / den;
  const dydx = (s * s * (d1 * t * t + 2 * s * t * (1 - t) + d0 * (1 - t) ** 2)) / (den * den);
  return [y, Math.log(dydx)];
}

function inverse64(y: number, p: number[]): [number, number] {
  if (y < -B || y > B) return [y, 0];
  let lo = -B;
  let hi = B;
  for (let i = 0; i < 80; i++) {
    const mid = 0.5 * (lo + hi);
    if (forward64(mid, p)[0] < y) lo = mid;
    else hi = mid;
  }
  const x = 0.5 * (lo + hi);
  return [x, -forward64(x, p)[1]];
}

describeEachBackend(
  'fusedRationalQuadraticSpline',
  () => {
    for (const inverse of [false, true]) {
      it(`${inverse ? 'inverse' : 'forward'}: value and log-det match a float64 reference, gradients match its finite differences`, async () => {
        const rand = mulberry32(inverse ? 11 : 5);
        const n = 24;
        const P = 3 * K - 1;
        const xs = Array.from({ length: n }, () => -4 + 8 * rand());
        const ps = Array.from({ length: n }, () => Array.from({ length: P }, () => 3 * (rand() - 0.5)));
        const wy = Array.from({ length: n }, () => rand() - 0.5);
        const wl = Array.from({ length: n }, () => rand() - 0.5);
        const ref = inverse ? inverse64 : forward64;
        // Central differences of the float64 reference (element i depends on x_i and p_i only).
        const term = (i: number, xi: number, pi: number[]) => {
          const [y, ld] = ref(xi, pi);
          return wy[i]! * y + wl[i]! * ld;
        };
        const eps = 1e-6;
        const gx = xs.map((xi, i) => (term(i, xi + eps, ps[i]!) - term(i, xi - eps, ps[i]!)) / (2 * eps));
        const gp = ps.map((row, i) =>
          row.map((_, j) => {
            const up = [...row];
            const dn = [...row];
            up[j]! += eps;
            dn[j]! -= eps;
            return (term(i, xs[i]!, up) - term(i, xs[i]!, dn)) / (2 * eps);
          }),
        );
        const x = tf.tensor2d(xs, [4, 6]);
        const p = tf.tensor3d(ps.flat(), [4, 6, P]);
        const wyT = tf.tensor2d(wy, [4, 6]);
        const wlT = tf.tensor2d(wl, [4, 6]);
        await expectNoLeaks(async () => {
          const out = fusedRationalQuadraticSpline(x, p, { ...settings, inverse });
          expect(out).toBeDefined();
          await expectAllClose(out![0], xs.map((xi, i) => ref(xi, ps[i]!)[0]), { atol: 2e-5, rtol: 1e-5 });
          await expectAllClose(out![1], xs.map((xi, i) => ref(xi, ps[i]!)[1]), { atol: 5e-5, rtol: 1e-4 });
          tf.dispose(out!);
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
            const [y, ld] = fusedRationalQuadraticSpline(a, b, { ...settings, inverse })!;
            return tf.add(tf.sum(tf.mul(y, wyT)), tf.sum(tf.mul(ld, wlT)));
          })([x, p]);
          const [g0, g1] = [tf.reshape(g[0]!, [n]), tf.reshape(g[1]!, [n, P])];
          await expectAllClose(g0, gx, { atol: 1e-3, rtol: 1e-3 });
          await expectAllClose(g1, gp, { atol: 1e-3, rtol: 1e-3 });
          tf.dispose([...g, g0, g1]);
        });
        tf.dispose([x, p, wyT, wlT]);
      });
    }

    it('leaves broadcast or misshaped parameters, and disabled direct kernels, to the caller (undefined)', () => {
      const x = tf.zeros([2, 3]);
      for (const shape of [[3, 14], [2, 3, 13], [2, 4, 14], [4, 3, 14], [1, 3, 14], [2, 3, 14, 1]]) {
        const p = tf.zeros(shape);
        expect(fusedRationalQuadraticSpline(x, p, settings), `[${shape}]`).toBeUndefined();
        p.dispose();
      }
      const p = tf.zeros([2, 3, 14]);
      const previous = setDirectKernelsEnabled(false);
      try {
        expect(fusedRationalQuadraticSpline(x, p, settings)).toBeUndefined();
      } finally {
        setDirectKernelsEnabled(previous);
      }
      const out = fusedRationalQuadraticSpline(x, p, settings)!;
      expect(out.map((t) => t.shape)).toEqual([[2, 3], [2, 3]]);
      tf.dispose([x, p, ...out]);
    });
  },
  { webgpu: false },
);
