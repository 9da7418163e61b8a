import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { fusedAffineTransform } from './fused-affine.js';
import { setDirectKernelsEnabled } from './kernels/direct-backend.js';

/** The transformer written with plain tfjs ops (autodiff gives the reference gradients). */
function composed(v: tf.Tensor, params: tf.Tensor, clamp: number, inverse: boolean, pairs: boolean): [tf.Tensor, tf.Tensor] {
  const n = v.shape[v.rank - 1]!;
  const [t, raw] = pairs ? tf.unstack(params, -1) : tf.split(params, [n, n], -1);
  const s = Number.isFinite(clamp) ? tf.mul(tf.tanh(tf.div(raw!, clamp)), clamp) : raw!;
  const y = inverse ? tf.mul(tf.sub(v, t!), tf.exp(tf.neg(s))) : tf.add(tf.mul(v, tf.exp(s)), t!);
  return [y, inverse ? tf.neg(tf.sum(s, -1)) : tf.sum(s, -1)];
}

/** float64 reference of value and log-det, in plain JS. */
function reference(v: number[][], p: number[][], clamp: number, inverse: boolean, pairs: boolean): [number[][], number[]] {
  const n = v[0]!.length;
  const ys: number[][] = [];
  const lds: number[] = [];
  v.forEach((row, r) => {
    let ld = 0;
    ys.push(
      row.map((vi, i) => {
        const t = pairs ? p[r]![2 * i]! : p[r]![i]!;
        const raw = pairs ? p[r]![2 * i + 1]! : p[r]![n + i]!;
        const s = Number.isFinite(clamp) ? clamp * Math.tanh(raw / clamp) : raw;
        ld += inverse ? -s : s;
        return inverse ? (vi - t) * Math.exp(-s) : vi * Math.exp(s) + t;
      }),
    );
    lds.push(ld);
  });
  return [ys, lds];
}

describeEachBackend(
  'fusedAffineTransform',
  () => {
    const cases = [
      { clamp: 5, inverse: false, pairs: true },
      { clamp: 5, inverse: true, pairs: true },
      { clamp: 2, inverse: true, pairs: false },
      { clamp: Infinity, inverse: false, pairs: false },
    ];
    for (const { clamp, inverse, pairs } of cases) {
      it(`clamp ${clamp}, ${inverse ? 'inverse' : 'forward'}, ${pairs ? '[n, 2]' : '[2n]'} params: value, log-det and gradients`, async () => {
        const v = tf.randomNormal([7, 3], 0, 2, 'float32', 1);
        const p2 = tf.randomNormal([7, 6], 0, 3, 'float32', 2);
        const p = pairs ? tf.reshape(p2, [7, 3, 2]) : p2;
        const wy = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
        const wl = tf.randomNormal([7], 0, 1, 'float32', 4);
        const [yRef, ldRef] = reference(v.arraySync() as number[][], p2.arraySync() as number[][], clamp, inverse, pairs);
        await expectNoLeaks(async () => {
          const out = fusedAffineTransform(v, p, { logScaleClamp: clamp, inverse });
          expect(out).toBeDefined();
          await expectAllClose(out![0], yRef, { atol: 1e-5, rtol: 1e-5 });
          await expectAllClose(out![1], ldRef, { atol: 1e-5, rtol: 1e-5 });
          tf.dispose(out!);
          const loss = (f: (a: tf.Tensor, b: tf.Tensor) => [tf.Tensor, tf.Tensor]) => (a: tf.Tensor, b: tf.Tensor) => {
            const [y, ld] = f(a, b);
            return tf.add(tf.sum(tf.mul(y, wy)), tf.sum(tf.mul(ld, wl)));
          };
          const gFused = tf.grads(loss((a, b) => fusedAffineTransform(a, b, { logScaleClamp: clamp, inverse })!))([v, p]);
          const gRef = tf.grads(loss((a, b) => composed(a, b, clamp, inverse, pairs)))([v, p]);
          await expectAllClose(gFused[0]!, gRef[0]!, { atol: 1e-4, rtol: 1e-4 });
          await expectAllClose(gFused[1]!, gRef[1]!, { atol: 1e-4, rtol: 1e-4 });
          expect(gFused[1]!.shape).toEqual(p.shape);
          tf.dispose([...gFused, ...gRef]);
        });
        tf.dispose([v, p2, p, wy, wl]);
      });
    }

    it('returns undefined when the direct kernels are off, and checks the params shape', () => {
      const [v, p6, p5] = [tf.zeros([2, 3]), tf.zeros([2, 6]), tf.zeros([2, 5])];
      const previous = setDirectKernelsEnabled(false);
      try {
        expect(fusedAffineTransform(v, p6)).toBeUndefined();
      } finally {
        setDirectKernelsEnabled(previous);
      }
      expect(() => fusedAffineTransform(v, p5)).toThrow(/params must have shape \[2,3,2\] or \[2,6\], received \[2,5\]/);
      // Each part of the shape: rank, units, the pair axis, the batch (every axis of it).
      const v3 = tf.zeros([2, 2, 3]);
      for (const [value, shape] of [[v, [2, 9, 3, 2]], [v, [2, 9, 6]], [v, [2, 4, 2]], [v, [2, 3, 3]], [v, [4, 6]], [v3, [2, 5, 6]], [v3, [5, 2, 3, 2]]] as const) {
        const bad = tf.zeros([...shape]);
        expect(() => fusedAffineTransform(value, bad), `[${shape}]`).toThrow(/^fusedAffineTransform: params must have shape /);
        bad.dispose();
      }
      tf.dispose([v, p6, p5, v3]);
    });

    it('takes two batch axes and int32 inputs (cast to float32)', async () => {
      const rows = [[0.5, -1, 2], [0.1, 0.3, -0.7], [1, 2, 3], [-2, 0, 1]];
      const params = [[0.2, -0.4, 1, 0.5, 0.3, -0.2], [0, 1, -1, 0.25, -0.5, 2], [1, 1, 1, 0, 0, 0], [-1, 0.5, 2, 1, -1, 0.3]];
      const [ys, lds] = reference(rows, params, 3, false, false);
      const v = tf.tensor3d([rows.slice(0, 2), rows.slice(2)]);
      const p = tf.tensor3d([params.slice(0, 2), params.slice(2)]);
      const [y, ld] = fusedAffineTransform(v, p, { logScaleClamp: 3 })!;
      expect([y.shape, ld.shape]).toEqual([[2, 2, 3], [2, 2]]);
      await expectAllClose(y, [ys.slice(0, 2), ys.slice(2)], { atol: 1e-5, rtol: 1e-5 });
      await expectAllClose(ld, [lds.slice(0, 2), lds.slice(2)], { atol: 1e-5, rtol: 1e-5 });
      const vi = tf.tensor2d([[1, -2, 3]], [1, 3], 'int32');
      const pi = tf.tensor2d([[1, 0, -1, 2, 0, -3]], [1, 6], 'int32');
      const [yi, ldi] = fusedAffineTransform(vi, pi)!;
      const [yr, ldr] = reference([[1, -2, 3]], [[1, 0, -1, 2, 0, -3]], Infinity, false, false);
      await expectAllClose(yi, yr, { atol: 1e-5, rtol: 1e-5 });
      await expectAllClose(ldi, ldr, { atol: 1e-6 });
      tf.dispose([v, p, y, ld, vi, pi, yi, ldi]);
    });
  },
  { webgpu: false },
);
