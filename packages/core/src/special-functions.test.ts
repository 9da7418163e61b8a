import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks, float64 } from '@densityjs/testing';
import {
  betainc,
  digamma,
  erfc,
  igamma,
  igammaGradA,
  igammac,
  lbeta,
  lgamma,
  logBetainc,
  logBetaincPair,
  logErfc,
  logIgamma,
  logIgammac,
  logIgammaPair,
  logNdtr,
  ndtr,
} from './special-functions.js';

// Every special function against its independent float64 reference (@densityjs/testing's
// float64 module: Lanczos, series and continued fractions run to convergence), on grids that
// cross each branch point of the float32 implementations. The references see the arguments
// rounded to float32, as tfjs does. Tolerances are |error| <= atol + rtol |reference|, about
// three times the largest error measured on cpu, wasm and webgpu.

const f32 = Math.fround;

/** The values of `f(tensor1d(args))`, freed. */
async function valuesOf(f: () => tf.Tensor): Promise<Float32Array> {
  const t = f();
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Every (a, b, x) of the three lists. */
function grid3(as: number[], bs: number[], xs: number[]): [number[], number[], number[]] {
  const out: [number[], number[], number[]] = [[], [], []];
  for (const a of as) for (const b of bs) for (const x of xs) [a, b, x].forEach((v, k) => out[k]!.push(v));
  return out;
}

/** Every (a, x) of the two lists. */
function grid2(as: number[], xs: number[]): [number[], number[]] {
  const out: [number[], number[]] = [[], []];
  for (const a of as) for (const x of xs) [a, x].forEach((v, k) => out[k]!.push(v));
  return out;
}

// Across the recurrence shifts (x < 6 for digamma, x < 8 for lgamma) and far beyond.
const POSITIVE = [1e-3, 0.01, 0.1, 0.3, 0.5, 0.9, 1, 1.5, 2, 2.5, 3, 4.7, 5.99, 6, 6.01, 7.99, 8, 8.01, 10, 15, 30, 100, 1e3, 1e4];
// Both signs, and the tails as far as float32 holds erfc (erfc(9) = 4e-37).
const REAL = [-9, -8, -5, -3, -1.5, -0.5, -1e-3, 0, 1e-3, 0.5, 1.5, 3, 5, 8, 9];
// Shapes of the incomplete functions: below and above each branch point (8 for lbeta, the
// flip at x = (a + 1) / (a + b + 2), x = a + 1 for the incomplete gamma).
const BETA_SHAPES = [0.1, 0.5, 1, 2.5, 7, 30, 200];
const UNIT = [1e-4, 0.01, 0.2, 0.5, 0.8, 0.99, 0.9999];
const GAMMA_SHAPES = [0.05, 0.3, 1, 2.5, 10, 40, 90];
const GAMMA_POINTS = [1e-3, 0.1, 0.5, 1, 2, 5, 12, 30, 60, 120];

describeEachBackend('special functions against float64', () => {
  it('lgamma and digamma on (1e-3, 1e4), from float32 and int32 arguments', async () => {
    const x = tf.tensor1d(POSITIVE);
    await expectAllClose(await valuesOf(() => lgamma(x)), POSITIVE.map((v) => float64.lgamma(f32(v))), { atol: 8e-6, rtol: 8e-6 });
    await expectAllClose(await valuesOf(() => digamma(x)), POSITIVE.map((v) => float64.digamma(f32(v))), { atol: 1e-6, rtol: 1e-6 });
    const n = tf.tensor1d([1, 2, 5, 7, 8, 9, 20], 'int32');
    await expectAllClose(await valuesOf(() => lgamma(n)), [1, 2, 5, 7, 8, 9, 20].map(float64.lgamma), { atol: 8e-6, rtol: 8e-6 });
    await expectAllClose(await valuesOf(() => digamma(n)), [1, 2, 5, 7, 8, 9, 20].map(float64.digamma), { atol: 1e-6, rtol: 1e-6 });
    expect(Array.from(await valuesOf(() => lgamma(tf.scalar(0))))).toEqual([Infinity]);
    // In Stirling's range (x >= 8) the series alone: within a few float32 ulps (measured 1.8e-7).
    const stirling = [8, 8.01, 8.5, 9, 10, 12, 15, 20, 30, 50];
    const ts = tf.tensor1d(stirling);
    await expectAllClose(await valuesOf(() => lgamma(ts)), stirling.map((v) => float64.lgamma(f32(v))), { atol: 0, rtol: 5e-7 });
    ts.dispose();
    tf.dispose([x, n]);
  });

  it('lbeta on a grid across the Stirling branches (arguments >= 8), broadcasting, from int32 too', async () => {
    const [a, b] = grid2(BETA_SHAPES.concat([8, 50, 1e4]), BETA_SHAPES.concat([8, 50, 1e4]));
    const [ta, tb] = [tf.tensor1d(a), tf.tensor1d(b)];
    await expectAllClose(await valuesOf(() => lbeta(ta, tb)), a.map((v, i) => float64.lbeta(f32(v), f32(b[i]!))), { atol: 1e-5, rtol: 1e-5 });
    // [2, 1] with [3]: [2, 3].
    const col = tf.tensor2d([[0.5], [12]]);
    const row = tf.tensor1d([1, 3, 9], 'int32');
    const both = lbeta(col, row);
    expect(both.shape).toEqual([2, 3]);
    await expectAllClose(both, [0.5, 12].map((p) => [1, 3, 9].map((q) => float64.lbeta(p, q))), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([ta, tb, col, row, both]);
  });

  it('erfc, logErfc, ndtr and logNdtr on the real line, relative in the tails', async () => {
    const z = tf.tensor1d(REAL);
    await expectAllClose(await valuesOf(() => erfc(z)), REAL.map((v) => float64.erfc(f32(v))), { atol: 0, rtol: 1e-5 });
    await expectAllClose(await valuesOf(() => logErfc(z)), REAL.map((v) => float64.logErfc(f32(v))), { atol: 1e-6, rtol: 1e-6 });
    await expectAllClose(await valuesOf(() => ndtr(z)), REAL.map((v) => float64.ndtr(f32(v))), { atol: 0, rtol: 1.5e-5 });
    await expectAllClose(await valuesOf(() => logNdtr(z)), REAL.map((v) => float64.logNdtr(f32(v))), { atol: 5e-7, rtol: 5e-7 });
    // Far out, where erfc and Φ underflow float32, their logs stay finite and right.
    const far = [15, 30, 60];
    const tFar = tf.tensor1d(far);
    const tNear = tf.tensor1d(far.map((v) => -v));
    await expectAllClose(await valuesOf(() => logErfc(tFar)), far.map(float64.logErfc), { atol: 1e-6, rtol: 1e-6 });
    await expectAllClose(await valuesOf(() => logNdtr(tNear)), far.map((v) => float64.logNdtr(-v)), { atol: 1e-6, rtol: 1e-6 });
    tf.dispose([z, tFar, tNear]);
  });

  it('betainc and logBetainc on a grid on both sides of the flip, with the endpoints and outside [0, 1]', async () => {
    const [a, b, x] = grid3(BETA_SHAPES, BETA_SHAPES, UNIT);
    const [ta, tb, tx] = [tf.tensor1d(a), tf.tensor1d(b), tf.tensor1d(x)];
    const at = (i: number): [number, number, number] => [f32(a[i]!), f32(b[i]!), f32(x[i]!)];
    await expectAllClose(await valuesOf(() => betainc(ta, tb, tx)), a.map((_, i) => float64.betainc(...at(i))), { atol: 3e-5, rtol: 0 });
    // In log space the lower tail stays finite where I_x underflows (down to e^-1900 here).
    await expectAllClose(await valuesOf(() => logBetainc(ta, tb, tx)), a.map((_, i) => float64.logBetainc(...at(i))), { atol: 4e-5, rtol: 4e-5 });
    const edges = [-1, 0, 1, 2];
    const e = tf.tensor1d(edges);
    expect(Array.from(await valuesOf(() => betainc(tf.scalar(2), tf.scalar(3), e)))).toEqual([0, 0, 1, 1]);
    // Broadcasting: a [2, 1], b [3], x scalar.
    const grid = betainc(tf.tensor2d([[0.5], [4]]), tf.tensor1d([1, 2, 30]), tf.scalar(0.3));
    expect(grid.shape).toEqual([2, 3]);
    await expectAllClose(grid, [0.5, 4].map((p) => [1, 2, 30].map((q) => float64.betainc(p, q, f32(0.3)))), { atol: 3e-5, rtol: 0 });
    tf.dispose([ta, tb, tx, e, grid]);
  });

  it('logBetaincPair takes the point as x and as 1 - x, so points next to 1 keep their digits', async () => {
    // x = 1 - 1e-9 rounds to 1 in float32; y = 1e-9 does not.
    const a = [2, 0.5, 30, 3];
    const b = [3, 0.5, 2, 40];
    const y = [1e-9, 1e-6, 1e-3, 0.7];
    const x = y.map((v) => 1 - v);
    const [ta, tb, tx, ty] = [a, b, x, y].map((v) => tf.tensor1d(v));
    const { logCdf, logSurvival } = logBetaincPair(ta!, tb!, tx!, ty!);
    // log(1 - I_x(a, b)) = log I_y(b, a).
    await expectAllClose(logSurvival, a.map((p, i) => float64.logBetainc(f32(b[i]!), f32(p), f32(y[i]!))), { atol: 4e-5, rtol: 4e-5 });
    await expectAllClose(logCdf, a.map((p, i) => Math.log1p(-Math.exp(float64.logBetainc(f32(b[i]!), f32(p), f32(y[i]!))))), { atol: 1e-6, rtol: 4e-5 });
    // The endpoints: x = 0 is (-Infinity, 0), y = 0 is (0, -Infinity).
    const ends = logBetaincPair(tf.scalar(2), tf.scalar(3), tf.tensor1d([0, 1]), tf.tensor1d([1, 0]));
    expect(Array.from(await ends.logCdf.data())).toEqual([-Infinity, 0]);
    expect(Array.from(await ends.logSurvival.data())).toEqual([0, -Infinity]);
    tf.dispose([ta!, tb!, tx!, ty!, logCdf, logSurvival, ends.logCdf, ends.logSurvival]);
  });

  it('igamma, igammac and their logs on a grid across x = a + 1, the logs finite in both tails', async () => {
    const [a, x] = grid2(GAMMA_SHAPES, GAMMA_POINTS);
    const [ta, tx] = [tf.tensor1d(a), tf.tensor1d(x)];
    const at = (i: number): [number, number] => [f32(a[i]!), f32(x[i]!)];
    await expectAllClose(await valuesOf(() => igamma(ta, tx)), a.map((_, i) => float64.igamma(...at(i))), { atol: 3e-6, rtol: 0 });
    await expectAllClose(await valuesOf(() => igammac(ta, tx)), a.map((_, i) => 1 - float64.igamma(...at(i))), { atol: 3e-6, rtol: 0 });
    await expectAllClose(await valuesOf(() => logIgamma(ta, tx)), a.map((_, i) => float64.logIgamma(...at(i))), { atol: 2e-5, rtol: 2e-5 });
    await expectAllClose(await valuesOf(() => logIgammac(ta, tx)), a.map((_, i) => float64.logIgammac(...at(i))), { atol: 2e-5, rtol: 2e-5 });
    const { logCdf, logSurvival } = logIgammaPair(ta, tx);
    await expectAllClose(logCdf, a.map((_, i) => float64.logIgamma(...at(i))), { atol: 2e-5, rtol: 2e-5 });
    await expectAllClose(logSurvival, a.map((_, i) => float64.logIgammac(...at(i))), { atol: 2e-5, rtol: 2e-5 });
    tf.dispose([ta, tx, logCdf, logSurvival]);
  });

  it('the incomplete gamma functions at x = 0 and below: P = 0, Q = 1', async () => {
    const x = tf.tensor1d([0, -1]);
    const a = tf.scalar(2.5);
    expect(Array.from(await valuesOf(() => igamma(a, x)))).toEqual([0, 0]);
    expect(Array.from(await valuesOf(() => igammac(a, x)))).toEqual([1, 1]);
    expect(Array.from(await valuesOf(() => logIgamma(a, x)))).toEqual([-Infinity, -Infinity]);
    expect(Array.from(await valuesOf(() => logIgammac(a, x)))).toEqual([0, 0]);
    const pair = logIgammaPair(a, x);
    expect(Array.from(await pair.logCdf.data())).toEqual([-Infinity, -Infinity]);
    expect(Array.from(await pair.logSurvival.data())).toEqual([0, 0]);
    tf.dispose([x, a, pair.logCdf, pair.logSurvival]);
  });

  it('igammaGradA is dP(a, x)/da (central differences of the float64 P, h = 1e-6)', async () => {
    const [a, x] = grid2(GAMMA_SHAPES, GAMMA_POINTS);
    const [ta, tx] = [tf.tensor1d(a), tf.tensor1d(x)];
    const h = 1e-6;
    const reference = a.map((p, i) => {
      const [ap, xp] = [f32(p), f32(x[i]!)];
      return (float64.igamma(ap + h, xp) - float64.igamma(ap - h, xp)) / (2 * h);
    });
    await expectAllClose(await valuesOf(() => igammaGradA(ta, tx)), reference, { atol: 1e-5, rtol: 0 });
    tf.dispose([ta, tx]);
  });
});

describeEachBackend('special functions: gradients against float64', () => {
  /** d f / d (each argument) at the given points, by autodiff. */
  async function gradientsOf(f: (...args: tf.Tensor[]) => tf.Tensor, args: number[][]): Promise<Float32Array[]> {
    const ts = args.map((v) => tf.tensor1d(v));
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(f(...xs)))(ts);
    const out = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
    tf.dispose([...ts, ...grads]);
    return out;
  }

  it('lgamma\' = digamma; lbeta\'s are psi(a) - psi(a + b) and psi(b) - psi(a + b), a = b included', async () => {
    const x = [0.05, 0.5, 1, 3, 7.9, 8.1, 25, 400];
    const [dx] = await gradientsOf((v) => lgamma(v), [x]);
    await expectAllClose(dx!, x.map((v) => float64.digamma(f32(v))), { atol: 3e-5, rtol: 3e-5 });
    const a = [0.5, 2, 9, 30, 0.3, 12, 5];
    const b = [0.5, 2, 9, 30, 40, 3, 6];
    const [da, db] = await gradientsOf((p, q) => lbeta(p!, q!), [a, b]);
    await expectAllClose(da!, a.map((p, i) => float64.digamma(p) - float64.digamma(p + b[i]!)), { atol: 1e-4, rtol: 1e-4 });
    await expectAllClose(db!, b.map((q, i) => float64.digamma(q) - float64.digamma(q + a[i]!)), { atol: 1e-4, rtol: 1e-4 });
  });

  it('the error function family: d logErfc, d ndtr and d logNdtr in closed form', async () => {
    const z = [-6, -2, -0.5, 0, 0.5, 2, 6];
    const normalPdf = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
    const [dLogErfc] = await gradientsOf((v) => logErfc(v), [z]);
    await expectAllClose(dLogErfc!, z.map((v) => (-2 / Math.sqrt(Math.PI)) * Math.exp(-v * v - float64.logErfc(v))), { atol: 1e-5, rtol: 1e-4 });
    const [dNdtr] = await gradientsOf((v) => ndtr(v), [z]);
    await expectAllClose(dNdtr!, z.map(normalPdf), { atol: 1e-6, rtol: 1e-4 });
    const [dLogNdtr] = await gradientsOf((v) => logNdtr(v), [z]);
    await expectAllClose(dLogNdtr!, z.map((v) => normalPdf(v) / float64.ndtr(v)), { atol: 1e-5, rtol: 1e-4 });
    const [dErfc] = await gradientsOf((v) => erfc(v), [z]);
    await expectAllClose(dErfc!, z.map((v) => (-2 / Math.sqrt(Math.PI)) * Math.exp(-v * v)), { atol: 1e-6, rtol: 1e-4 });
  });

  it('betainc: d/dx is the Beta density, d/da and d/db match central differences of the float64 I_x', async () => {
    const a = [0.5, 2, 5, 3, 20];
    const b = [0.5, 3, 2, 30, 4];
    const x = [0.3, 0.2, 0.9, 0.05, 0.85];
    const [da, db, dx] = await gradientsOf((p, q, v) => betainc(p!, q!, v!), [a, b, x]);
    await expectAllClose(dx!, a.map((p, i) => Math.exp((p - 1) * Math.log(x[i]!) + (b[i]! - 1) * Math.log1p(-x[i]!) - float64.lbeta(p, b[i]!))), { atol: 1e-4, rtol: 1e-3 });
    const h = 1e-6;
    const dRef = (k: 0 | 1) =>
      a.map((_, i) => {
        const args = (s: number): [number, number, number] => [f32(a[i]!) + (k === 0 ? s : 0), f32(b[i]!) + (k === 1 ? s : 0), f32(x[i]!)];
        return (float64.betainc(...args(h)) - float64.betainc(...args(-h))) / (2 * h);
      });
    await expectAllClose(da!, dRef(0), { atol: 2e-4, rtol: 2e-3 });
    await expectAllClose(db!, dRef(1), { atol: 2e-4, rtol: 2e-3 });
  });

  it('igamma: d/dx is the Gamma(a, 1) density on both sides of x = a + 1', async () => {
    const a = [0.5, 2, 10, 3, 40];
    const x = [0.2, 1, 5, 8, 60];
    const [, dx] = await gradientsOf((p, v) => igamma(p!, v!), [a, x]);
    await expectAllClose(dx!, a.map((p, i) => Math.exp((p - 1) * Math.log(x[i]!) - x[i]! - float64.lgamma(p))), { atol: 1e-6, rtol: 1e-4 });
  });

  it('leaks nothing', async () => {
    await expectNoLeaks(async () => {
      const a = tf.tensor1d([0.5, 3]);
      const x = tf.tensor1d([0.2, 0.7]);
      const y = tf.tensor1d([0.8, 0.3]);
      const outs = [lgamma(a), digamma(a), lbeta(a, x), erfc(x), logErfc(x), ndtr(x), logNdtr(x), betainc(a, a, x), logBetainc(a, a, x), igamma(a, x), igammac(a, x), logIgamma(a, x), logIgammac(a, x), igammaGradA(a, x)];
      const pairs = [logBetaincPair(a, a, x, y), logIgammaPair(a, x)];
      tf.dispose([a, x, y, ...outs, ...pairs.flatMap((p) => [p.logCdf, p.logSurvival])]);
    }, { expectedNew: 0 });
  });
});
