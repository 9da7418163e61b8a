import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setDirectKernelsEnabled } from '@densityjs/core';
import { describeBijector, describeEachBackend, expectAllClose } from '@densityjs/testing';
import { NICE, RealNVP, SplineCoupling } from './index.js';
import { randomMlp } from './test-networks.js';

describeBijector({
  name: 'RealNVP (D=4, d=2, [n, 2] layout)',
  make: () => new RealNVP({ numMasked: 2, conditioner: randomMlp({ inSize: 2, hidden: 8, outShape: [2, 2], seed: 1, gain: 1.5 }) }),
  eventShape: [4],
  webgpu: true,
});
describeBijector({
  name: 'RealNVP (D=5, d=2, flat layout, context)',
  make: () =>
    new RealNVP({
      numMasked: 2,
      eventSize: 5,
      contextSize: 3,
      conditioner: randomMlp({ inSize: 2, hidden: 8, outShape: [6], seed: 2, contextSize: 3 }),
    }),
  eventShape: [5],
  contextSize: 3,
});
describeBijector({
  name: 'RealNVP (function conditioner)',
  make: () => new RealNVP({ numMasked: 1, conditioner: (x1) => tf.concat([tf.sin(x1), tf.mul(tf.cos(x1), 0.5)], -1) }),
  eventShape: [2],
});
describeBijector({
  name: 'NICE (D=3, d=1)',
  make: () => new NICE({ numMasked: 1, conditioner: randomMlp({ inSize: 1, hidden: 8, outShape: [2], seed: 3, gain: 2 }) }),
  eventShape: [3],
  webgpu: true,
});
describeBijector({
  name: 'SplineCoupling (D=4, d=2, K=5)',
  make: () =>
    new SplineCoupling({
      numMasked: 2,
      numBins: 5,
      bound: 2.5,
      conditioner: randomMlp({ inSize: 2, hidden: 8, outShape: [2, 14], seed: 4, gain: 1 }),
    }),
  eventShape: [4],
  input: { scale: 1.5 },
  // The log-det's derivative jumps at the knots: a step of 1e-3 rarely straddles one.
  gradientCheck: { step: 1e-3 },
});
// cpu and wasm run the affine and spline transformers as core's fused kernels; these cases switch
// them off, so the composed ops and custom gradients the other backends run are tested here too.
const composedOps = () => {
  const previous = setDirectKernelsEnabled(false);
  return () => void setDirectKernelsEnabled(previous);
};
describeBijector({
  name: 'RealNVP (D=4, d=2, composed ops)',
  make: () => new RealNVP({ numMasked: 2, conditioner: randomMlp({ inSize: 2, hidden: 8, outShape: [2, 2], seed: 1, gain: 1.5 }) }),
  eventShape: [4],
  setup: composedOps,
});
describeBijector({
  name: 'SplineCoupling (D=4, d=2, K=5, composed ops)',
  make: () =>
    new SplineCoupling({
      numMasked: 2,
      numBins: 5,
      bound: 2.5,
      conditioner: randomMlp({ inSize: 2, hidden: 8, outShape: [2, 14], seed: 4, gain: 1 }),
    }),
  eventShape: [4],
  input: { scale: 1.5 },
  setup: composedOps,
});
describeBijector({
  name: 'RealNVP (D=8, d=3)',
  make: () => new RealNVP({ numMasked: 3, conditioner: randomMlp({ inSize: 3, hidden: 16, outShape: [5, 2], seed: 5 }) }),
  eventShape: [8],
});

describeEachBackend('coupling semantics', () => {
  it('RealNVP passes the first d units through and applies y2 = x2 exp(s) + t', async () => {
    // Conditioner: t = x1, raw s = 0.1 x1 (small, so the soft clamp is ~identity: c tanh(s/c)).
    const b = new RealNVP({ numMasked: 1, conditioner: (x1) => tf.concat([x1, tf.mul(x1, 0.1)], -1) });
    const x = tf.tensor2d([[2, 3], [-1, 0.5]]);
    const [y, ld] = b.forwardAndLogDet(x);
    const s = (v: number): number => 5 * Math.tanh((0.1 * v) / 5);
    await expectAllClose(y, [[2, 3 * Math.exp(s(2)) + 2], [-1, 0.5 * Math.exp(s(-1)) - 1]], { rtol: 1e-5 });
    await expectAllClose(ld, [s(2), s(-1)], { rtol: 1e-5 });
    tf.dispose([x, y, ld]);
  });

  it('soft-clamps huge log-scales so outputs stay finite', async () => {
    const b = new RealNVP({ numMasked: 1, conditioner: (x1) => tf.concat([tf.zerosLike(x1), tf.mul(x1, 1e4)], -1) });
    const x = tf.tensor2d([[1, 1], [-1, 1]]);
    const [y, ld] = b.forwardAndLogDet(x);
    await expectAllClose(ld, [5, -5], { rtol: 1e-5 });
    expect(Array.from(await y.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y, ld]);
  });
});

describe('coupling bad input', () => {
  it('names a conditioner output of the wrong shape', () => {
    const b = new RealNVP({ numMasked: 1, conditioner: (x1) => tf.concat([x1, x1, x1], -1) });
    const x = tf.zeros([4, 3]);
    expect(() => b.forward(x)).toThrow(/RealNVP: conditioner output must be a tensor of shape \[4,2,2\] or \[4,4\], received a tensor of shape \[4, 3\]/);
    const s = new SplineCoupling({ numMasked: 1, numBins: 4, conditioner: (x1) => tf.tile(x1, [1, 5]) });
    expect(() => s.forward(x)).toThrow(/SplineCoupling: conditioner output must be a tensor of shape \[4,2,11\]/);
    tf.dispose(x);
  });
  it('names a missing or misshaped context of a conditional layer', () => {
    const b = new RealNVP({ numMasked: 1, contextSize: 2, conditioner: (x1, c) => tf.concat([x1, tf.sum(c!, -1, true)], -1) });
    const x = tf.zeros([4, 2]);
    expect(() => b.forward(x)).toThrow(/RealNVP: context must be a tensor of shape \[4, 2\] \(the layer is conditional, contextSize 2\), received undefined/);
    const c = tf.zeros([4, 3]);
    expect(() => b.inverse(x, { context: c })).toThrow(/RealNVP: context must be a tensor of shape \[4, 2\].*received a float32 tensor of shape \[4, 3\]/);
    expect(() => new RealNVP({ numMasked: 1, contextSize: 0, conditioner: (v) => v })).toThrow(/contextSize must be a positive integer/);
    tf.dispose([x, c]);
  });
  it('rejects bad options and too-small events', () => {
    expect(() => new RealNVP({ numMasked: 0, conditioner: (x) => x })).toThrow(/RealNVP: numMasked must be a positive integer \(0 only for a conditional layer, contextSize > 0\), received 0/);
    expect(() => new NICE({ numMasked: 1, conditioner: 3 as never })).toThrow(/NICE: conditioner must be a function/);
    expect(() => new RealNVP({ numMasked: 2, eventSize: 2, conditioner: (x) => x })).toThrow(/eventSize must be an integer > numMasked = 2/);
    const b = new NICE({ numMasked: 2, conditioner: (x) => x });
    const x = tf.zeros([3, 2]);
    expect(() => b.forward(x)).toThrow(/NICE: x must be a tensor whose last dimension exceeds numMasked = 2, received a tensor of shape \[3, 2\]/);
    tf.dispose(x);
  });
});
