import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Normal } from './normal.js';
import { logNdtr, ndtr, pointGrid } from './test-reference.js';

// Batch [3, 3]: loc along the last axis, scale (tiny, unit, large) along the first.
const loc = [0, -3, 1000];
const scale = [[1e-4], [1], [1e4]];
const zs = [-30, -8, -1.5, 0, 0.7, 4, 30];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const z = (x: number, p: Record<string, Nested>) => (x - (p.loc as number)) / (p.scale as number);

describeDistribution({
  name: 'Normal',
  params: { loc, scale },
  make: (p) => new Normal({ loc: p.loc!, scale: p.scale! }),
  reparameterized: ['loc', 'scale'],
  batchShape: [3, 3],
  eventShape: [],
  points: pointGrid(zs, [3, 3], (t, [i, j]) => loc[j!]! + t * scale[i!]![0]!) as Nested,
  reference: {
    logProb: (x, p) => -0.5 * z(x as number, p) ** 2 - Math.log(p.scale as number) - LOG_SQRT_2PI,
    cdf: (x, p) => ndtr(z(x, p)),
    logCdf: (x, p) => logNdtr(z(x, p)),
    mean: (p) => p.loc as number,
    mode: (p) => p.loc as number,
    variance: (p) => (p.scale as number) ** 2,
    entropy: (p) => Math.log(p.scale as number) + 0.5 + LOG_SQRT_2PI,
  },
  // loc 50, not 1000, for the moments: at 1000 float32 spacing (6e-5) adds visible variance to scale 1e-4.
  sampling: { params: { loc: [0, -3, 50], scale }, batchShape: [3, 3] },
  // Finite differences need parameters float32 resolves at a 1% step (not loc 1000 with scale 1e-4).
  gradientCheck: { params: { loc: [0, -3, 2], scale: [[0.5], [1], [3]] } },
  webgpu: true,
});

describe('Normal arguments', () => {
  it('rejects a non-positive scale, naming it', () => {
    expect(() => new Normal({ loc: 0, scale: [1, 0] })).toThrow(/Normal: scale must be > 0, received 0/);
    expect(() => new Normal({ loc: 0, scale: -1 })).toThrow(/scale/);
  });
  it('rejects parameters that do not broadcast, naming them', () => {
    expect(() => new Normal({ loc: [0, 1, 2], scale: [1, 2] })).toThrow(/Normal: scale of shape \[2\] does not broadcast with loc/);
  });
  it('skips checks with validateArgs: false', () => {
    let n: Normal | undefined;
    expect(() => {
      n = new Normal({ loc: 0, scale: -1, validateArgs: false });
    }).not.toThrow();
    n?.dispose();
  });
  it('is reparameterized: gradients flow through samples to loc and scale', async () => {
    const l = tf.scalar(0.5);
    const s = tf.scalar(2);
    const [gl, gs] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(new Normal({ loc: a, scale: b }).sample(100, { seed: 1 })))([l, s]);
    expect((await gl!.data())[0]).toBeCloseTo(100, 3);
    expect(Number.isFinite((await gs!.data())[0]!)).toBe(true);
    tf.dispose([l, s, gl!, gs!]);
  });
});
