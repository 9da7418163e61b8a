// quantile, survivalFunction and logSurvivalFunction of the scalar families against float64
// references, tails included: S(x) and log S(x) at points far in both tails, and quantile(p) at
// p = F(x) (float64, then rounded to float32) against the float64 inverse of F at that float32 p
// (bisection of the reference cdf): quantile(cdf(x)) gives x back wherever float32 resolves p,
// and the far upper tail is checked at the p float32 can hold.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks, type Tolerance } from '@densityjs/testing';
import { expect, it } from 'vitest';
import type { BaseDistribution } from './distribution.js';
import { Exponential } from './exponential.js';
import { Laplace } from './laplace.js';
import { Logistic } from './logistic.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';
import { logNdtr, ndtr } from './test-reference.js';

export interface TailCase {
  name: string;
  make(): BaseDistribution;
  /** Points in the support (scalar parameters, so a 1-D list). */
  points: number[];
  /** Float64 references. */
  cdf(x: number): number;
  logSurvival(x: number): number;
  /** Points whose p = F(x) float32 resolves (p is rounded to float32 before the call). */
  quantilePoints?: number[];
  tolerance?: { survival?: Tolerance; logSurvival?: Tolerance; quantile?: Tolerance };
}

const f = Math.fround;

/** Float64 log(1 - e^{a}) for a <= 0. */
const log1mexp = (a: number) => (a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a)));

export const TAIL_CASES: TailCase[] = [
  {
    name: 'Normal(2, 3)',
    make: () => new Normal({ loc: 2, scale: 3 }),
    points: [-100, -30, -7, 0, 2, 5, 11, 30, 100],
    cdf: (x) => ndtr((x - 2) / 3),
    logSurvival: (x) => logNdtr(-(x - 2) / 3),
    quantilePoints: [-34, -30, -7, 0, 2, 5, 11, 17],
  },
  {
    name: 'Uniform(-1, 3)',
    make: () => new Uniform({ low: -1, high: 3 }),
    points: [-1, -0.5, 0, 1e-3, 2, 2.999],
    cdf: (x) => (x + 1) / 4,
    logSurvival: (x) => Math.log((3 - x) / 4),
    tolerance: { logSurvival: { rtol: 1e-4, atol: 1e-5 } },
  },
  {
    name: 'Exponential(0.5)',
    make: () => new Exponential({ rate: 0.5 }),
    points: [0, 1e-6, 0.1, 1, 10, 100, 1000],
    cdf: (x) => -Math.expm1(-0.5 * x),
    logSurvival: (x) => -0.5 * x,
    quantilePoints: [1e-6, 0.1, 1, 10, 30],
  },
  {
    name: 'Laplace(1, 2)',
    make: () => new Laplace({ loc: 1, scale: 2 }),
    points: [-200, -10, 0, 1, 3, 20, 200],
    cdf: (x) => (x < 1 ? 0.5 * Math.exp((x - 1) / 2) : 1 - 0.5 * Math.exp(-(x - 1) / 2)),
    logSurvival: (x) => (x > 1 ? -Math.LN2 - (x - 1) / 2 : Math.log1p(-0.5 * Math.exp((x - 1) / 2))),
    quantilePoints: [-150, -10, 0, 1, 3, 20],
  },
  {
    name: 'Logistic(-1, 0.5)',
    make: () => new Logistic({ loc: -1, scale: 0.5 }),
    points: [-50, -5, -1, 0, 3, 40],
    cdf: (x) => 1 / (1 + Math.exp(-(x + 1) / 0.5)),
    logSurvival: (x) => -Math.log1p(Math.exp((x + 1) / 0.5)),
    quantilePoints: [-40, -5, -1, 0, 3, 6],
  },
];

/** The float64 inverse of the reference cdf at p, by bisection on a bracket around the points. */
function inverse(c: TailCase, p: number): number {
  const span = Math.max(...c.points) - Math.min(...c.points) + 1;
  let lo = Math.min(...c.points) - 100 * span;
  let hi = Math.max(...c.points) + 100 * span;
  for (let i = 0; i < 300; i++) {
    const mid = (lo + hi) / 2;
    if (c.cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Runs the tail checks of the given cases on every backend. */
export function describeTails(cases: TailCase[]): void {
  for (const c of cases) {
    describeEachBackend(`${c.name}: survival functions and quantile`, () => {
      it('survivalFunction and logSurvivalFunction match the float64 reference in both tails', async () => {
        const d = c.make();
        const xs = c.points.map(f);
        const x = tf.tensor1d(xs);
        const s = d.survivalFunction(x);
        const ls = d.logSurvivalFunction(x);
        await expectAllClose(s, xs.map((v) => Math.exp(c.logSurvival(v))), c.tolerance?.survival ?? { rtol: 2e-5, atol: 1e-7 }, 'survivalFunction');
        await expectAllClose(ls, xs.map(c.logSurvival), c.tolerance?.logSurvival ?? { rtol: 2e-5, atol: 1e-6 }, 'logSurvivalFunction');
        tf.dispose([x, s, ls]);
        d.dispose();
      });
      it('quantile(F(x)) gives x back to float32 precision, tails included', async () => {
        const d = c.make();
        const xs = (c.quantilePoints ?? c.points).map(f);
        const ps = xs.map((v) => f(c.cdf(v)));
        const p = tf.tensor1d(ps);
        const q = d.quantile(p);
        await expectAllClose(q, ps.map((v) => inverse(c, v)), c.tolerance?.quantile ?? { rtol: 2e-5, atol: 2e-5 }, 'quantile');
        tf.dispose([p, q]);
        d.dispose();
      });
      it('quantile refuses p outside [0, 1], naming p; no method leaks', async () => {
        const d = c.make();
        const bad = tf.tensor1d([0.5, 1.5]);
        expect(() => d.quantile(bad)).toThrow(/p must be a probability in \[0, 1\]/);
        const x = tf.tensor1d(c.points.slice(0, 3));
        const p = tf.tensor1d([0.1, 0.5, 0.9]);
        await expectNoLeaks(() => {
          tf.dispose([d.survivalFunction(x), d.logSurvivalFunction(x), d.quantile(p)]);
          try {
            d.quantile(bad);
          } catch {
            /* refused */
          }
        });
        tf.dispose([bad, x, p]);
        d.dispose();
      });
    });
  }
}

describeTails(TAIL_CASES);

describeEachBackend('Uniform.mode', () => {
  it('is NaN (every point of the support is a mode)', async () => {
    const u = new Uniform({ low: [0, 1], high: 2 });
    const m = u.mode();
    expect(m.shape).toEqual([2]);
    expect(Array.from(await m.data())).toEqual([NaN, NaN]);
    tf.dispose([m]);
    u.dispose();
  });
});
