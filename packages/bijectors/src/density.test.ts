// Change of variables end to end: the density of a flow with random ("trained-looking") weights,
// log p(y) = log N(f^{-1}(y); 0, I) + log|det J_{f^{-1}}(y)|, must integrate to 1. The base
// density is computed here directly, so the test does not depend on @densityjs/distributions.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '@densityjs/testing';
import {
  BatchNormalization,
  Chain,
  MaskedAutoregressiveFlow,
  RealNVP,
  Reverse,
  ScaleMatvecLU,
  SplineCoupling,
  type Bijector,
} from './index.js';
import { randomMade, randomMlp } from './test-networks.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Riemann sum of exp(log p) over [-L, L]^2 with n x n cell midpoints. */
async function integrate(flow: Bijector, L: number, n: number): Promise<number> {
  const h = (2 * L) / n;
  const coords = Array.from({ length: n }, (_, i) => -L + (i + 0.5) * h);
  const grid = new Float32Array(n * n * 2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      grid[2 * (i * n + j)] = coords[i]!;
      grid[2 * (i * n + j) + 1] = coords[j]!;
    }
  }
  const y = tf.tensor2d(grid, [n * n, 2]);
  const logp = tf.tidy(() => {
    const [x, ld] = flow.inverseAndLogDet(y);
    const logBase = tf.sub(tf.mul(tf.sum(tf.square(x), -1), -0.5), LOG_2PI);
    return tf.add(logBase, ld);
  });
  const values = await logp.data();
  tf.dispose([y, logp]);
  let total = 0;
  for (const v of values) {
    expect(Number.isFinite(v)).toBe(true);
    total += Math.exp(v);
  }
  return total * h * h;
}

/** Fraction of forward samples inside [-L, L]^2 (the grid must hold nearly all the mass). */
async function massInside(flow: Bijector, L: number): Promise<number> {
  const x = tf.randomNormal([4000, 2], 0, 1, 'float32', 5);
  const y = flow.forward(x);
  const v = await y.data();
  tf.dispose([x, y]);
  let inside = 0;
  for (let i = 0; i < v.length; i += 2) if (Math.abs(v[i]!) < L && Math.abs(v[i + 1]!) < L) inside++;
  return inside / (v.length / 2);
}

describeEachBackend(
  'flow densities integrate to 1 on a 2-D grid',
  () => {
    const L = 10;
    const n = 160;
    const cases: [string, () => Bijector][] = [
      [
        'RealNVP x4',
        () =>
          new Chain(
            [0, 1, 2, 3].flatMap((k) => [
              new RealNVP({ numMasked: 1, conditioner: randomMlp({ inSize: 1, hidden: 16, outShape: [1, 2], seed: 10 + k, gain: 0.9 }) }),
              new Reverse(),
            ]),
          ),
      ],
      [
        'MAF x4',
        () =>
          new Chain(
            [0, 1, 2, 3].flatMap((k) => [
              new MaskedAutoregressiveFlow({ shiftAndLogScale: randomMade({ eventSize: 2, hidden: 16, params: 2, seed: 20 + k, gain: 0.9 }) }),
              new Reverse(),
            ]),
          ),
      ],
      [
        'spline coupling x2 + LU + BatchNorm (eval)',
        () => {
          const bn = new BatchNormalization({ eventSize: 2, training: false });
          bn.movingVariance.assign(tf.tensor1d([2, 0.5]));
          return new Chain([
            bn,
            new SplineCoupling({ numMasked: 1, numBins: 6, bound: 3, conditioner: randomMlp({ inSize: 1, hidden: 16, outShape: [1, 17], seed: 30 }) }),
            new ScaleMatvecLU({ eventSize: 2, seed: 31 }),
            new SplineCoupling({ numMasked: 1, numBins: 6, bound: 3, conditioner: randomMlp({ inSize: 1, hidden: 16, outShape: [1, 17], seed: 32 }) }),
          ]);
        },
      ],
    ];
    for (const [name, make] of cases) {
      it(`${name}: integral within 1% of 1`, async () => {
        const flow = make();
        expect(await massInside(flow, L)).toBeGreaterThanOrEqual(0.995);
        const integral = await integrate(flow, L, n);
        expect(Math.abs(integral - 1)).toBeLessThan(0.01);
        flow.dispose();
      });
    }
  },
  // 26k grid points per flow: too many kernels for a software webgpu adapter.
  { webgpu: false },
);
