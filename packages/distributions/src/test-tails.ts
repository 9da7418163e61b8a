// Test helper (excluded from the build): the tail checks of quantile, survivalFunction and
// logSurvivalFunction of a scalar family against float64 references. S(x) and log S(x) at points
// far in both tails; quantile(p) at p = F(x) (float64, rounded to float32) against the float64
// inverse of F at that float32 p (bisection of the reference cdf), so quantile(cdf(x)) gives x
// back wherever float32 resolves p, and the far upper tail is checked at the p float32 can hold.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks, type Tolerance } from '@densityjs/testing';
import { expect, it } from 'vitest';
import type { BaseDistribution } from './distribution.js';

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
  /** Where the float64 inverse searches (default: a wide bracket around the points). */
  bracket?: [number, number];
  tolerance?: { survival?: Tolerance; logSurvival?: Tolerance; quantile?: Tolerance };
  /**
   * Join the webgpu subset (default true). Families whose quantile runs thousands of kernels
   * (Newton or bisection on an incomplete gamma or beta function) keep one case there: the
   * software adapter in Node exhausts its resources over many such calls in one test file.
   */
  webgpu?: boolean;
}

const f = Math.fround;

/** The float64 inverse of the reference cdf at p, by bisection on a bracket around the points. */
function inverse(c: TailCase, p: number): number {
  const span = Math.max(...c.points) - Math.min(...c.points) + 1;
  let [lo, hi] = c.bracket ?? [Math.min(...c.points) - 100 * span, Math.max(...c.points) + 100 * span];
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
    describeEachBackend(`${c.name}: survival functions and quantile`, (backend) => {
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
        // Value checks read the data synchronously, which webgpu in Node cannot: there they are skipped.
        if (backend !== 'webgpu') expect(() => d.quantile(bad)).toThrow(/p must be a probability in \[0, 1\]/);
        const x = tf.tensor1d(c.points.slice(0, 3));
        const p = tf.tensor1d([0.1, 0.5, 0.9]);
        await expectNoLeaks(() => {
          tf.dispose([d.survivalFunction(x), d.logSurvivalFunction(x), d.quantile(p)]);
          try {
            // Refused where values can be read synchronously; elsewhere its result is freed.
            tf.dispose(d.quantile(bad));
          } catch {
            /* refused */
          }
        });
        tf.dispose([bad, x, p]);
        d.dispose();
      });
    }, { webgpu: c.webgpu ?? true });
  }
}

