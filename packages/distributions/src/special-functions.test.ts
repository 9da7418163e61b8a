// The special functions @densityjs/core adds for these distributions, against the float64
// references (tested here because the references live in this package).
import * as tf from '@tensorflow/tfjs-core';
import { betainc, digamma, erfc, igamma, igammaGradA, lbeta, lgamma, logIgamma, logNdtr, ndtr, triangularSolveLower } from '@densityjs/core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { it } from 'vitest';
import * as ref from './test-reference.js';

const f = Math.fround;
const positives = [1e-4, 3e-3, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 7.9, 8, 8.1, 15, 50, 333, 1e4].map(f);
const reals = [-40, -30, -10, -3, -1, -0.2, 0, 0.3, 1, 2.5, 6, 10, 30].map(f);

describeEachBackend('special functions', () => {
  it('lgamma matches float64 over 1e-4..1e4 (relative 1e-6 or absolute 3e-6), and its gradient is digamma', async () => {
    const x = tf.tensor1d(positives);
    await expectAllClose(lgamma(x), positives.map(ref.lgamma), { rtol: 1e-6, atol: 3e-6 });
    const g = tf.grad((t: tf.Tensor) => tf.sum(lgamma(t)))(x);
    await expectAllClose(g, positives.map(ref.digamma), { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, g]);
  });

  it('digamma matches float64 over 1e-4..1e4', async () => {
    const x = tf.tensor1d(positives);
    await expectAllClose(digamma(x), positives.map(ref.digamma), { rtol: 1e-5, atol: 1e-5 });
    x.dispose();
  });

  it('erfc, ndtr and logNdtr match float64 in both tails', async () => {
    const x = tf.tensor1d(reals);
    // erfc underflows float32 for x > ~9.2: compare it where representable. Relative error grows
    // with x² (the float32 rounding of the exponent -x²), 2e-6 at x = 6.
    const small = reals.filter((v) => v < 9);
    const xs = tf.tensor1d(small);
    await expectAllClose(erfc(xs), small.map(ref.erfc), { rtol: 1e-5, atol: 1e-30 });
    await expectAllClose(logNdtr(x), reals.map(ref.logNdtr), { rtol: 1e-6, atol: 1e-6 });
    await expectAllClose(ndtr(x), reals.map(ref.ndtr), { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([x, xs]);
  });

  it('lbeta matches float64 to 2e-6 absolute (relative where larger), large arguments included, and its gradient is ψ(a) - ψ(a + b)', async () => {
    // Pairs on both sides of the series switch (8), down to tiny and up to huge arguments.
    const grid = [1e-4, 0.3, 1, 2.5, 7.99, 8, 12, 50, 300, 1e4].map(f);
    const as = grid.flatMap((a) => grid.map(() => a));
    const bs = grid.flatMap(() => grid);
    const [ta, tb] = [tf.tensor1d(as), tf.tensor1d(bs)];
    await expectAllClose(lbeta(ta, tb), as.map((a, i) => ref.lbeta(a, bs[i]!)), { rtol: 2e-6, atol: 2e-6 });
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(lbeta(x, y)))([ta, tb]);
    const psi = (a: number, b: number) => ref.digamma(a) - ref.digamma(a + b);
    await expectAllClose(ga!, as.map((a, i) => psi(a, bs[i]!)), { rtol: 1e-4, atol: 1e-5 }, 'd/da');
    await expectAllClose(gb!, as.map((a, i) => psi(bs[i]!, a)), { rtol: 1e-4, atol: 1e-5 }, 'd/db');
    // Broadcasting: a scalar against a vector.
    const one = tf.scalar(f(50));
    await expectAllClose(lbeta(one, tf.slice(tb, 0, 10)), grid.map((b) => ref.lbeta(f(50), b)), { rtol: 2e-6, atol: 2e-6 }, 'broadcast');
    tf.dispose([ta, tb, ga!, gb!, one]);
  });

  it('betainc matches float64 on a grid of a, b, x', async () => {
    const as: number[] = [];
    const bs: number[] = [];
    const xs: number[] = [];
    for (const a of [0.3, 1, 2.5, 15, 100]) {
      for (const b of [0.5, 1, 4, 30]) {
        for (const x of [0, 1e-3, 0.2, 0.5, 0.77, 0.999, 1]) {
          as.push(f(a));
          bs.push(f(b));
          xs.push(f(x));
        }
      }
    }
    const expected = as.map((a, i) => ref.betainc(a, bs[i]!, xs[i]!));
    const [ta, tb, tx] = [tf.tensor1d(as), tf.tensor1d(bs), tf.tensor1d(xs)];
    await expectAllClose(betainc(ta, tb, tx), expected, { rtol: 2e-5, atol: 1e-6 });
    tf.dispose([ta, tb, tx]);
  });

  it('igamma, logIgamma and igammaGradA match float64 (the last against central differences)', async () => {
    const as: number[] = [];
    const xs: number[] = [];
    for (const a of [0.3, 1, 3.5, 20, 60]) {
      for (const x of [1e-3, 0.5, 2, 8, 30, 80]) {
        as.push(f(a));
        xs.push(f(x));
      }
    }
    const [ta, tx] = [tf.tensor1d(as), tf.tensor1d(xs)];
    await expectAllClose(igamma(ta, tx), as.map((a, i) => ref.igamma(a, xs[i]!)), { rtol: 2e-5, atol: 1e-6 });
    await expectAllClose(logIgamma(ta, tx), as.map((a, i) => Math.log(ref.igamma(a, xs[i]!))), { rtol: 2e-5, atol: 2e-5 });
    const numeric = as.map((a, i) => {
      const h = 1e-5 * a;
      return (ref.igamma(a + h, xs[i]!) - ref.igamma(a - h, xs[i]!)) / (2 * h);
    });
    await expectAllClose(igammaGradA(ta, tx), numeric, { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([ta, tx]);
  });

  it('triangularSolveLower solves batched systems and differentiates', async () => {
    const L = [[[2, 0, 0], [0.5, -1, 0], [1, 0.3, 0.25]], [[1, 0, 0], [3, 4, 0], [-2, 1, 0.5]]];
    const rhs = [[[1, 2, 3], [0, -1, 4]], [[5, 5, 5], [-1, 0, 1]]]; // [sample 2, batch 2, 3]
    const expected = rhs.map((row) =>
      row.map((r, b) => {
        const z: number[] = [];
        for (let i = 0; i < 3; i++) {
          let s = r[i]!;
          for (let j = 0; j < i; j++) s -= L[b]![i]![j]! * z[j]!;
          z.push(s / L[b]![i]![i]!);
        }
        return z;
      }),
    );
    const tL = tf.tensor3d(L);
    const tr = tf.tensor3d(rhs);
    await expectNoLeaks(async () => {
      const x = triangularSolveLower(tL, tr);
      await expectAllClose(x, expected);
      // d/d rhs of Σ x: Lᵀ⁻¹ 1, checked by central differences in float64 on the reference.
      const g = tf.grad((r: tf.Tensor) => tf.sum(triangularSolveLower(tL, r)))(tr);
      const gv = await g.data();
      tf.dispose([x, g]);
      const sumSolve = (r: number[], b: number) => {
        const z: number[] = [];
        for (let i = 0; i < 3; i++) {
          let s = r[i]!;
          for (let j = 0; j < i; j++) s -= L[b]![i]![j]! * z[j]!;
          z.push(s / L[b]![i]![i]!);
        }
        return z.reduce((a, v) => a + v, 0);
      };
      const numeric: number[] = [];
      for (const row of rhs) {
        row.forEach((r, b) => {
          for (let k = 0; k < 3; k++) {
            const up = r.slice();
            const dn = r.slice();
            up[k]! += 1e-6;
            dn[k]! -= 1e-6;
            numeric.push((sumSolve(up, b) - sumSolve(dn, b)) / 2e-6);
          }
        });
      }
      await expectAllClose(Array.from(gv), numeric, { rtol: 1e-4, atol: 1e-5 });
    });
    tf.dispose([tL, tr]);
  });
}, { webgpu: false });
