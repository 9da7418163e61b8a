import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Independent } from './independent.js';
import { Normal } from './normal.js';
import { ndtr } from './test-reference.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const loc = [[0, 1, -2], [1000, 0, 3]];
const scale = [[1e-4, 1, 1e4]];
const zVec = (t: number) => [t, -0.5 * t, 0.3 * t + 0.2];

describeDistribution({
  name: 'Independent(Normal)',
  params: { loc, scale },
  paramEventRanks: { loc: 1, scale: 1 },
  make: (p) => new Independent({ distribution: new Normal({ loc: p.loc!, scale: p.scale! }), reinterpretedBatchNdims: 1 }),
  reparameterized: ['loc', 'scale'],
  batchShape: [2],
  eventShape: [3],
  points: [-30, -4, 0, 0.5, 30].map((t) => loc.map((l) => l.map((m, k) => m + zVec(t)[k]! * scale[0]![k]!))),
  reference: {
    logProb: (x, p) => {
      const m = p.loc as number[];
      const s = p.scale as number[];
      return (x as number[]).reduce((a, v, k) => a - 0.5 * ((v - m[k]!) / s[k]!) ** 2 - Math.log(s[k]!) - LOG_SQRT_2PI, 0);
    },
    mean: (p) => p.loc as number[],
    variance: (p) => (p.scale as number[]).map((s) => s * s),
    entropy: (p) => (p.scale as number[]).reduce((a, s) => a + Math.log(s) + 0.5 + LOG_SQRT_2PI, 0),
    // u·X ~ N(u·loc, Σ u_k² scale_k²).
    projectionCdf: (u, p) => {
      const m = p.loc as number[];
      const s = p.scale as number[];
      const mean = u.reduce((a, v, k) => a + v * m[k]!, 0);
      const sd = Math.hypot(...u.map((v, k) => v * s[k]!));
      return (t) => ndtr((t - mean) / sd);
    },
  },
  sampling: { params: { loc: [[0, 1, -2], [50, 0, 3]], scale } },
  gradientCheck: { params: { loc: [[0, 1, -2], [5, 0, 3]], scale: [[0.5, 1, 3]] } },
});

describe('Independent', () => {
  it('reinterprets all but the first batch dim by default (as TFP) and none with 0', () => {
    const base = new Normal({ loc: tf.zeros([4, 2, 3]), scale: 1 });
    const byDefault = new Independent({ distribution: base });
    expect([byDefault.batchShape, byDefault.eventShape]).toEqual([[4], [2, 3]]);
    const none = new Independent({ distribution: base, reinterpretedBatchNdims: 0 });
    expect([none.batchShape, none.eventShape]).toEqual([[4, 2, 3], []]);
    const two = new Independent({ distribution: base, reinterpretedBatchNdims: 2 });
    expect([two.batchShape, two.eventShape]).toEqual([[4], [2, 3]]);
    const lp = two.logProb(tf.zeros([5, 4, 2, 3]));
    expect(lp.shape).toEqual([5, 4]);
    tf.dispose([lp, base.loc]);
    base.dispose();
  });
  it('rejects reinterpretedBatchNdims beyond the base batch rank, naming it', () => {
    const base = new Normal({ loc: [0, 0], scale: 1 });
    expect(() => new Independent({ distribution: base, reinterpretedBatchNdims: 2 })).toThrow(
      /Independent: reinterpretedBatchNdims must be an integer in \[0, 1\] \(the base batch rank\), received 2/,
    );
    base.dispose();
  });
});
