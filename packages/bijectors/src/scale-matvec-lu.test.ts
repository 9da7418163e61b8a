import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose, logAbsDet } from '@densityjs/testing';
import { ScaleMatvecLU } from './index.js';

function perturbed(d: number, seed: number): ScaleMatvecLU {
  const b = new ScaleMatvecLU({ eventSize: d, seed });
  // Move away from the orthogonal init so |det| != 1 and the triangular factors matter.
  b.logAbsScale.assign(tf.tidy(() => tf.add(b.logAbsScale, tf.randomNormal([d], 0, 0.5, 'float32', seed))));
  b.upper.assign(tf.tidy(() => tf.add(b.upper, tf.randomNormal([d, d], 0, 0.5, 'float32', seed + 1))));
  b.lower.assign(tf.tidy(() => tf.add(b.lower, tf.randomNormal([d, d], 0, 0.5, 'float32', seed + 2))));
  return b;
}

describeBijector({ name: 'ScaleMatvecLU (D=3)', affine: true, make: () => perturbed(3, 1), eventShape: [3], webgpu: true });
describeBijector({ name: 'ScaleMatvecLU (D=8)', affine: true, make: () => perturbed(8, 2), eventShape: [8] });
describeBijector({ name: 'ScaleMatvecLU (D=1)', affine: true, make: () => perturbed(1, 3), eventShape: [1] });

describeEachBackend('ScaleMatvecLU', () => {
  it('starts orthogonal (log-det 0) and its log-det is log|det W|', async () => {
    const fresh = new ScaleMatvecLU({ eventSize: 5, seed: 11 });
    const w = fresh.matrix();
    const wv = (await w.array()) as number[][];
    const wtw = wv.map((_, i) => wv.map((__, j) => wv.reduce((s, row) => s + row[i]! * row[j]!, 0)));
    await expectAllClose(wtw, wv.map((_, i) => wv.map((__, j) => (i === j ? 1 : 0))), { atol: 1e-5 });
    const x = tf.ones([2, 5]);
    await expectAllClose(fresh.forwardLogDetJacobian(x), [0, 0], { atol: 1e-5 });
    const b = perturbed(5, 12);
    const wp = b.matrix();
    await expectAllClose(b.forwardLogDetJacobian(x), logAbsDet((await wp.array()) as number[][]), { atol: 1e-4, rtol: 1e-5 });
    // y = W x.
    const xs = tf.tensor2d([[1, -2, 0.5, 3, -1]]);
    const y = b.forward(xs);
    const wpv = (await wp.array()) as number[][];
    const xv = [1, -2, 0.5, 3, -1];
    await expectAllClose(y, [wpv.map((row) => row.reduce((s, v, j) => s + v * xv[j]!, 0))], { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([w, x, wp, xs, y]);
    fresh.dispose();
    b.dispose();
  });
});

describe('ScaleMatvecLU seeding', () => {
  it('rebuilds the same fixed permutation and signs from the exposed seed', async () => {
    const a = new ScaleMatvecLU({ eventSize: 4 });
    const b = new ScaleMatvecLU({ eventSize: 4, seed: a.seed });
    const [wa, wb] = [a.matrix(), b.matrix()];
    await expectAllClose(wa, wb, { atol: 0, rtol: 0 });
    tf.dispose([wa, wb]);
    a.dispose();
    b.dispose();
  });
});

describe('ScaleMatvecLU bad input', () => {
  it('names a bad event size', () => {
    expect(() => new ScaleMatvecLU({ eventSize: 2.5 })).toThrow(/ScaleMatvecLU: eventSize must be a positive integer, received 2.5/);
  });
});

describe('ScaleMatvecLU stays invertible', () => {
  it('a very negative (or positive) log-scale gives finite values and consistent log-dets', async () => {
    const b = new ScaleMatvecLU({ eventSize: 3, seed: 0 });
    b.logAbsScale.assign(tf.tensor1d([-100, 0, 100]));
    const x = tf.tensor2d([
      [0.5, -1, 2],
      [1, 1, 1],
    ]);
    const [y, ldf] = b.forwardAndLogDet(x);
    const [x2, ldi] = b.inverseAndLogDet(y);
    for (const t of [y, ldf, x2, ldi]) expect(Array.from(await t.data()).every(Number.isFinite)).toBe(true);
    // log|det W| of the matrix in use, from its slogdet, equals the log-det it reports.
    const w = b.matrix();
    expect((await ldf.data())[0]).toBeCloseTo(logAbsDet((await w.array()) as number[][]), 2);
    await expectAllClose(ldi, [-(await ldf.data())[0]!, -(await ldf.data())[0]!], { atol: 1e-4, rtol: 0 });
    tf.dispose([x, y, ldf, x2, ldi, w]);
    b.dispose();
  });

  it('seed 0 is a seed; NaN and fractional seeds are refused', async () => {
    const a = new ScaleMatvecLU({ eventSize: 3, seed: 0 });
    const c = new ScaleMatvecLU({ eventSize: 3, seed: 0 });
    const wa = a.matrix();
    const wc = c.matrix();
    expect(Array.from(await wa.data())).toEqual(Array.from(await wc.data()));
    expect(() => new ScaleMatvecLU({ eventSize: 3, seed: NaN })).toThrow(/seed must be an integer/);
    expect(() => new ScaleMatvecLU({ eventSize: 3, seed: 0.5 })).toThrow(/seed must be an integer/);
    tf.dispose([wa, wc]);
    a.dispose();
    c.dispose();
  });
});
