// quantile, survivalFunction and logSurvivalFunction of Gamma, Chi2, Beta and StudentT against
// float64 references in both tails (see test-tails.ts), closed forms at special parameters, and
// the quantile's gradients against float64 central differences of the reference inverse.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose } from '@densityjs/testing';
import { it } from 'vitest';
import { Beta } from './beta.js';
import { Chi2 } from './chi2.js';
import { Gamma } from './gamma.js';
import { StudentT } from './student-t.js';
import { betainc, igamma, logIgammac } from './test-reference.js';
import { describeTails, type TailCase } from './test-tails.js';

const f = Math.fround;

/** Student t cdf, float64: I_x(ν/2, 1/2)/2 in the tail of z, x = ν/(ν + z²). */
function tCdf(nu: number, z: number): number {
  const tail = 0.5 * betainc(nu / 2, 0.5, nu / (nu + z * z));
  return z < 0 ? tail : 1 - tail;
}
function tLogSurvival(nu: number, z: number): number {
  const tail = 0.5 * betainc(nu / 2, 0.5, nu / (nu + z * z));
  return z > 0 ? Math.log(tail) : Math.log1p(-tail);
}

const TAIL_CASES: TailCase[] = [
  {
    name: 'Gamma(2.5, 0.5)',
    make: () => new Gamma({ concentration: 2.5, rate: 0.5 }),
    points: [1e-6, 0.01, 1, 5, 20, 60, 200],
    cdf: (x) => igamma(2.5, 0.5 * x),
    logSurvival: (x) => logIgammac(2.5, 0.5 * x),
    quantilePoints: [1e-6, 0.01, 1, 5, 20, 30],
    bracket: [0, 1e3],
  },
  {
    name: 'Gamma(0.3, 2)',
    webgpu: false,
    make: () => new Gamma({ concentration: 0.3, rate: 2 }),
    points: [1e-20, 1e-5, 0.1, 1, 10, 40],
    cdf: (x) => igamma(0.3, 2 * x),
    logSurvival: (x) => logIgammac(0.3, 2 * x),
    quantilePoints: [1e-20, 1e-5, 0.1, 1, 5],
    bracket: [0, 100],
  },
  {
    name: 'Gamma(20, 1)',
    webgpu: false,
    make: () => new Gamma({ concentration: 20, rate: 1 }),
    points: [2, 5, 20, 40, 80],
    cdf: (x) => igamma(20, x),
    logSurvival: (x) => logIgammac(20, x),
    quantilePoints: [2, 5, 20, 35],
    bracket: [0, 200],
  },
  {
    name: 'Chi2(3)',
    webgpu: false,
    make: () => new Chi2({ df: 3 }),
    points: [1e-6, 0.1, 3, 20, 100, 300],
    cdf: (x) => igamma(1.5, x / 2),
    logSurvival: (x) => logIgammac(1.5, x / 2),
    quantilePoints: [1e-6, 0.1, 3, 20, 30],
    bracket: [0, 1e3],
  },
  {
    name: 'Beta(2, 5)',
    make: () => new Beta({ concentration1: 2, concentration0: 5 }),
    points: [1e-8, 1e-3, 0.2, 0.5, 0.9, 0.999, 1 - 1e-6],
    cdf: (x) => betainc(2, 5, x),
    logSurvival: (x) => Math.log(betainc(5, 2, 1 - x)),
    quantilePoints: [1e-8, 1e-3, 0.2, 0.5, 0.9, 0.95],
    bracket: [0, 1],
  },
  {
    name: 'Beta(0.5, 0.5)',
    webgpu: false,
    make: () => new Beta({ concentration1: 0.5, concentration0: 0.5 }),
    points: [1e-10, 1e-4, 0.3, 0.7, 0.9999, 1 - 1e-7],
    cdf: (x) => betainc(0.5, 0.5, x),
    logSurvival: (x) => Math.log(betainc(0.5, 0.5, 1 - x)),
    quantilePoints: [1e-10, 1e-4, 0.3, 0.7, 0.999],
    bracket: [0, 1],
  },
  {
    // Mass near 0: F(x) rounds to 1 in float32 well below x = 1/2, where log S must come from
    // the upper incomplete beta, not from log(1 - F).
    name: 'Beta(0.5, 50)',
    webgpu: false,
    make: () => new Beta({ concentration1: 0.5, concentration0: 50 }),
    points: [1e-6, 0.01, 0.1, 0.3],
    cdf: (x) => betainc(0.5, 50, x),
    logSurvival: (x) => Math.log(betainc(50, 0.5, 1 - x)),
    // F(0.1) and F(0.3) round to 1 in float32, so quantile cannot give them back.
    quantilePoints: [1e-6, 0.01],
  },
  {
    name: 'StudentT(3, 1, 2)',
    make: () => new StudentT({ df: 3, loc: 1, scale: 2 }),
    points: [-1e4, -100, -5, 0, 1, 3, 50, 1e4],
    cdf: (x) => tCdf(3, (x - 1) / 2),
    logSurvival: (x) => tLogSurvival(3, (x - 1) / 2),
    quantilePoints: [-1e4, -100, -5, 0, 1, 3, 50],
    bracket: [-1e6, 1e6],
  },
  {
    name: 'StudentT(0.7, 0, 1)',
    webgpu: false,
    make: () => new StudentT({ df: 0.7, loc: 0, scale: 1 }),
    points: [-1e6, -10, 0, 10, 1e6],
    cdf: (x) => tCdf(0.7, x),
    logSurvival: (x) => tLogSurvival(0.7, x),
    quantilePoints: [-1e6, -10, 0.3, 10, 1e3],
    bracket: [-1e9, 1e9],
  },
  {
    name: 'StudentT(30, 0, 1)',
    webgpu: false,
    make: () => new StudentT({ df: 30, loc: 0, scale: 1 }),
    points: [-40, -5, 0, 2, 8, 40],
    cdf: (x) => tCdf(30, x),
    logSurvival: (x) => tLogSurvival(30, x),
    quantilePoints: [-40, -5, 0.1, 2, 4],
    bracket: [-100, 100],
  },
];

describeTails(TAIL_CASES);

/** p from float32 tails to 1 - 2^-24 (rounded to float32, as the tensors hold them). */
const PS = [1e-30, 1e-8, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 2 ** -20, 1 - 2 ** -24].map(f);

// Off webgpu: each quantile there runs thousands of kernels; the tail cases above keep one case
// per family on it.
describeEachBackend('quantile at closed forms', () => {
  it('Chi2(2): -2 log(1 - p)', async () => {
    const d = new Chi2({ df: 2 });
    const q = d.quantile(tf.tensor1d(PS));
    await expectAllClose(q, PS.map((p) => -2 * Math.log1p(-p)), { rtol: 1e-5, atol: 0 }, 'Chi2(2) quantile');
    tf.dispose(q);
    d.dispose();
  });
  it('Beta(1, 4): 1 - (1 - p)^{1/4}; Beta(3, 1): p^{1/3}', async () => {
    const d = new Beta({ concentration1: [1, 3], concentration0: [4, 1] });
    const p = tf.tensor2d(PS.map((v) => [v, v]));
    const q = d.quantile(p);
    await expectAllClose(q, PS.flatMap((v) => [-Math.expm1(Math.log1p(-v) / 4), v ** (1 / 3)]), { rtol: 2e-5, atol: 1e-37 }, 'Beta quantile');
    tf.dispose([p, q]);
    d.dispose();
  });
  it('StudentT(1) is Cauchy: loc + scale tan(π(p - 1/2)); StudentT(2): (2p - 1)/√(2p(1 - p))', async () => {
    const d = new StudentT({ df: [1, 2], loc: [0.5, -1], scale: [2, 3] });
    const ps = PS.slice(1); // Cauchy's quantile at 1e-30 is -6e29: past the float32 range of the search.
    const p = tf.tensor2d(ps.map((v) => [v, v]));
    const q = d.quantile(p);
    const expected = ps.flatMap((v) => [0.5 - 2 / Math.tan(Math.PI * v), -1 + (3 * (2 * v - 1)) / Math.sqrt(2 * v * (1 - v))]);
    await expectAllClose(q, expected, { rtol: 2e-5, atol: 1e-5 }, 'StudentT quantile');
    tf.dispose([p, q]);
    d.dispose();
  });
}, { webgpu: false });

/** The float64 x with cdf(x) = p, by bisection. */
function invert(cdf: (x: number) => number, p: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
/** Central difference of a float64 function. */
const diff = (g: (t: number) => number, t: number, h: number) => (g(t + h) - g(t - h)) / (2 * h);

describeEachBackend('quantile gradients', () => {
  it('Gamma: d/dp, d/dα, d/dβ equal float64 central differences of the float64 inverse', async () => {
    const a = [0.7, 4];
    const b = [2, 0.5];
    const ps = [0.2, 0.95];
    const [ga, gb, gp] = tf.grads((al: tf.Tensor, be: tf.Tensor, p: tf.Tensor) => tf.sum(new Gamma({ concentration: al, rate: be }).quantile(p)))([
      tf.tensor1d(a),
      tf.tensor1d(b),
      tf.tensor1d(ps),
    ]);
    const x = (al: number, be: number, p: number) => invert((t) => igamma(al, be * t), p, 0, 1e3);
    const i = [0, 1];
    await expectAllClose(ga!, i.map((k) => diff((t) => x(t, f(b[k]!), f(ps[k]!)), f(a[k]!), 1e-5)), { rtol: 1e-3, atol: 1e-5 }, 'dx/dα');
    await expectAllClose(gb!, i.map((k) => diff((t) => x(f(a[k]!), t, f(ps[k]!)), f(b[k]!), 1e-5)), { rtol: 1e-3, atol: 1e-5 }, 'dx/dβ');
    await expectAllClose(gp!, i.map((k) => diff((t) => x(f(a[k]!), f(b[k]!), t), f(ps[k]!), 1e-6)), { rtol: 1e-3, atol: 1e-5 }, 'dx/dp');
    tf.dispose([ga!, gb!, gp!]);
  });
  it('Beta: d/dp, d/dα, d/dβ equal float64 central differences of the float64 inverse', async () => {
    const a = [0.6, 3];
    const b = [2, 5];
    const ps = [0.1, 0.8];
    const [ga, gb, gp] = tf.grads((al: tf.Tensor, be: tf.Tensor, p: tf.Tensor) =>
      tf.sum(new Beta({ concentration1: al, concentration0: be }).quantile(p)),
    )([tf.tensor1d(a), tf.tensor1d(b), tf.tensor1d(ps)]);
    const x = (al: number, be: number, p: number) => invert((t) => betainc(al, be, t), p, 0, 1);
    const i = [0, 1];
    await expectAllClose(ga!, i.map((k) => diff((t) => x(t, f(b[k]!), f(ps[k]!)), f(a[k]!), 1e-5)), { rtol: 2e-3, atol: 1e-5 }, 'dx/dα');
    await expectAllClose(gb!, i.map((k) => diff((t) => x(f(a[k]!), t, f(ps[k]!)), f(b[k]!), 1e-5)), { rtol: 2e-3, atol: 1e-5 }, 'dx/dβ');
    await expectAllClose(gp!, i.map((k) => diff((t) => x(f(a[k]!), f(b[k]!), t), f(ps[k]!), 1e-6)), { rtol: 1e-3, atol: 1e-5 }, 'dx/dp');
    tf.dispose([ga!, gb!, gp!]);
  });
  it('StudentT: d/dp, d/dν, d/dloc, d/dscale equal float64 central differences of the float64 inverse', async () => {
    const nu = [1.5, 6];
    const ps = [0.05, 0.7];
    const [gn, gl, gs, gp] = tf.grads((n: tf.Tensor, l: tf.Tensor, s: tf.Tensor, p: tf.Tensor) =>
      tf.sum(new StudentT({ df: n, loc: l, scale: s }).quantile(p)),
    )([tf.tensor1d(nu), tf.tensor1d([0.5, -1]), tf.tensor1d([2, 0.5]), tf.tensor1d(ps)]);
    const z = (n: number, p: number) => invert((t) => tCdf(n, t), p, -1e4, 1e4);
    const i = [0, 1];
    const scale = [2, 0.5];
    await expectAllClose(gn!, i.map((k) => scale[k]! * diff((t) => z(t, f(ps[k]!)), f(nu[k]!), 1e-5)), { rtol: 2e-3, atol: 1e-5 }, 'dx/dν');
    await expectAllClose(gl!, [1, 1], { rtol: 1e-6, atol: 0 }, 'dx/dloc');
    await expectAllClose(gs!, i.map((k) => z(f(nu[k]!), f(ps[k]!))), { rtol: 1e-4, atol: 1e-6 }, 'dx/dscale');
    await expectAllClose(gp!, i.map((k) => scale[k]! * diff((t) => z(f(nu[k]!), t), f(ps[k]!), 1e-6)), { rtol: 1e-3, atol: 1e-5 }, 'dx/dp');
    tf.dispose([gn!, gl!, gs!, gp!]);
  });
}, { webgpu: false });
