import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { betaincInv, betaincInvLogit } from './inverse-incomplete-beta.js';

// Float64 references from closed forms: I_x(1, b) = 1 - (1-x)^b, I_x(a, 1) = x^a,
// I_x(1/2, 1/2) = (2/π) asin(√x), I_x(2, 2) = x²(3 - 2x) (inverted by bisection).
const f = Math.fround;
const PS = [1e-30, 1e-10, 1e-4, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-4, 1 - 2 ** -24].map(f);

function bisect(cdf: (x: number) => number, p: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const CASES: { a: number; b: number; inverse: (p: number) => number; ps?: number[] }[] = [
  { a: 1, b: 3, inverse: (p) => -Math.expm1(Math.log1p(-p) / 3) },
  { a: 1, b: 0.2, inverse: (p) => -Math.expm1(Math.log1p(-p) / 0.2) },
  { a: 4, b: 1, inverse: (p) => p ** (1 / 4) },
  { a: 0.5, b: 1, inverse: (p) => p ** 2 },
  { a: 0.5, b: 0.5, inverse: (p) => Math.sin((Math.PI * p) / 2) ** 2 },
  { a: 2, b: 2, inverse: (p) => bisect((x) => x * x * (3 - 2 * x), p) },
];

describeEachBackend('betaincInv and betaincInvLogit', (backend) => {
  it('invert I_x(a, b) at closed-form parameters to float32 precision, from p = 1e-30 to 1 - 2^-24', async () => {
    // Two cases on webgpu: each inversion is thousands of kernels, and Node's software adapter
    // gives out over many of them in one file.
    for (const c of backend === 'webgpu' ? [CASES[1]!, CASES[5]!] : CASES) {
      const x = betaincInv(tf.fill([PS.length], c.a), tf.fill([PS.length], c.b), tf.tensor1d(PS));
      await expectAllClose(x, PS.map(c.inverse), { rtol: 2e-5, atol: 1e-30 }, `betaincInv(${c.a}, ${c.b}, p)`);
      x.dispose();
    }
  });
  it('betaincInvLogit keeps 1 - x where x rounds to 1: logit of I_x(1, 3) = p next to p = 1', async () => {
    // x = 1 - (1-p)^{1/3}; logit x = log x - log((1-p)^{1/3}).
    const ps = [0.5, 1 - 1e-4, 1 - 2 ** -24].map(f);
    const u = betaincInvLogit(tf.scalar(1), tf.scalar(3), tf.tensor1d(ps));
    const ref = ps.map((p) => Math.log(-Math.expm1(Math.log1p(-p) / 3)) - Math.log1p(-p) / 3);
    await expectAllClose(u, ref, { rtol: 2e-5, atol: 1e-6 }, 'betaincInvLogit');
    u.dispose();
  });
  it('is 0 at p = 0, 1 at p = 1, NaN outside [0, 1] or for a non-positive parameter', async () => {
    const x = betaincInv(tf.tensor1d([2, 2, 2, 2, -1, 2]), tf.tensor1d([3, 3, 3, 3, 3, 0]), tf.tensor1d([0, 1, -0.1, 1.5, 0.5, 0.5]));
    expect(Array.from(await x.data())).toEqual([0, 1, NaN, NaN, NaN, NaN]);
    x.dispose();
  });
  it('has the implicit gradients dx/dp = 1/density and dx/da, dx/db equal to float64 central differences of the closed forms', async () => {
    // I_x(a, 1) = x^a: x = p^{1/a}, dx/da = -p^{1/a} log p / a²; I_x(1, b): x = 1 - (1-p)^{1/b},
    // dx/db = (1-p)^{1/b} log(1-p) / b².
    const [ga, gb, gp] = tf.grads((a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => tf.sum(betaincInv(a, b, p)))([
      tf.tensor1d([3, 1]),
      tf.tensor1d([1, 2]),
      tf.tensor1d([0.2, 0.7]),
    ]);
    const p = [f(0.2), f(0.7)];
    // Only the entries with a closed form: dx/da of I_x(3, 1) and dx/db of I_x(1, 2).
    const gaValues = await ga!.data();
    const gbValues = await gb!.data();
    const closedForm = tf.tensor1d([gaValues[0]!, gbValues[1]!]);
    await expectAllClose(closedForm, [(-(p[0]! ** (1 / 3)) * Math.log(p[0]!)) / 9, ((1 - p[1]!) ** 0.5 * Math.log1p(-p[1]!)) / 4], { rtol: 1e-3, atol: 1e-5 }, 'dx/da, dx/db');
    await expectAllClose(gp!, [p[0]! ** (1 / 3 - 1) / 3, (1 - p[1]!) ** (1 / 2 - 1) / 2], { rtol: 1e-4, atol: 0 }, 'dx/dp');
    tf.dispose([ga!, gb!, gp!, closedForm]);
  });
});

// Off webgpu (see above): leaks are the same bookkeeping on every backend.
describeEachBackend('betaincInv and betaincInvLogit: memory', () => {
  it('leaks no tensor, also under a gradient tape', async () => {
    const a = tf.tensor1d([0.5, 3]);
    const p = tf.tensor1d([0.2, 0.9]);
    await expectNoLeaks(() => {
      tf.dispose([betaincInv(a, a, p), betaincInvLogit(a, a, p)]);
      tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(betaincInv(v, a, p)))(a));
    });
    tf.dispose([a, p]);
  });
}, { webgpu: false });
