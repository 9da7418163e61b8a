// quantile, survivalFunction and logSurvivalFunction of the existing scalar families, tails
// included (see test-tails.ts), and Uniform.mode.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { Exponential } from './exponential.js';
import { Laplace } from './laplace.js';
import { Logistic } from './logistic.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';
import { logNdtr, ndtr } from './test-reference.js';
import { describeTails, type TailCase } from './test-tails.js';

const TAIL_CASES: TailCase[] = [
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
