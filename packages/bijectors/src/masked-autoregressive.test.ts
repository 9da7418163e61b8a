import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose, batchJacobian } from '@densityjs/testing';
import { Invert, MaskedAutoregressiveFlow, MaskedAutoregressiveSpline } from './index.js';
import { randomMade } from './test-networks.js';

describeBijector({
  name: 'MaskedAutoregressiveFlow (D=4)',
  make: () => new MaskedAutoregressiveFlow({ shiftAndLogScale: randomMade({ eventSize: 4, hidden: 12, params: 2, seed: 1, gain: 1.5 }) }),
  eventShape: [4],
  // webgpu: the fused affine op is covered there by the RealNVP suite (same op, one pass).
});
describeBijector({
  name: 'MaskedAutoregressiveFlow (D=3, context)',
  make: () =>
    new MaskedAutoregressiveFlow({
      eventSize: 3,
      contextSize: 2,
      shiftAndLogScale: randomMade({ eventSize: 3, hidden: 8, params: 2, seed: 2, contextSize: 2 }),
    }),
  eventShape: [3],
  contextSize: 2,
});
describeBijector({
  name: 'MaskedAutoregressiveFlow (D=8)',
  make: () => new MaskedAutoregressiveFlow({ shiftAndLogScale: randomMade({ eventSize: 8, hidden: 16, params: 2, seed: 3 }) }),
  eventShape: [8],
});
describeBijector({
  name: 'IAF = Invert(MaskedAutoregressiveFlow) (D=4)',
  make: () => new Invert(new MaskedAutoregressiveFlow({ shiftAndLogScale: randomMade({ eventSize: 4, hidden: 12, params: 2, seed: 4 }) })),
  eventShape: [4],
});
describeBijector({
  name: 'MaskedAutoregressiveSpline (D=3, K=6)',
  make: () =>
    new MaskedAutoregressiveSpline({
      numBins: 6,
      bound: 3,
      conditioner: randomMade({ eventSize: 3, hidden: 12, params: 17, seed: 5 }),
    }),
  eventShape: [3],
  input: { scale: 1.5 },
});

describeEachBackend(
  'autoregressive structure',
  () => {
    it('MAF has a lower-triangular Jacobian (y_i depends on x_{<=i})', async () => {
      const maf = new MaskedAutoregressiveFlow({ shiftAndLogScale: randomMade({ eventSize: 4, hidden: 12, params: 2, seed: 6 }) });
      const x = tf.randomNormal([3, 4], 0, 1, 'float32', 9) as tf.Tensor2D;
      const jac = await batchJacobian((v) => maf.forward(v), x);
      for (const m of jac) for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(Math.abs(m[i]![j]!)).toBeLessThan(1e-6);
      // The inverse (density direction) needs one conditioner call, the forward D calls.
      let calls = 0;
      const net = randomMade({ eventSize: 4, hidden: 12, params: 2, seed: 6 });
      const counted = new MaskedAutoregressiveFlow({ shiftAndLogScale: (y) => (calls++, net.call(y)) });
      tf.dispose(counted.inverse(x));
      expect(calls).toBe(1);
      tf.dispose(counted.forward(x));
      expect(calls).toBe(5);
      tf.dispose(x);
      maf.dispose();
      net.dispose();
    });

    it('keeps log-scales bounded however large the network output', async () => {
      const maf = new MaskedAutoregressiveFlow({ shiftAndLogScale: (y) => tf.stack([tf.zerosLike(y), tf.fill(y.shape, 1e6)], -1), logScaleClamp: 3 });
      const y = tf.ones([2, 3]);
      const [x, ld] = maf.inverseAndLogDet(y);
      await expectAllClose(ld, [-9, -9], { rtol: 1e-5 });
      expect(Array.from(await x.data()).every(Number.isFinite)).toBe(true);
      tf.dispose([y, x, ld]);
    });
  },
  { webgpu: false },
);

describe('autoregressive bad input', () => {
  it('names a missing network and a wrong output shape', () => {
    expect(() => new MaskedAutoregressiveFlow({} as never)).toThrow(/MaskedAutoregressiveFlow: conditioner must be a function/);
    const maf = new MaskedAutoregressiveFlow({ shiftAndLogScale: (y) => y });
    const y = tf.zeros([5, 3]);
    expect(() => maf.inverse(y)).toThrow(/MaskedAutoregressiveFlow: conditioner output must be a tensor of shape \[5,3,2\] or \[5,6\], received a tensor of shape \[5, 3\]/);
    const mas = new MaskedAutoregressiveSpline({ numBins: 4, conditioner: (v) => tf.stack([v, v], -1) });
    expect(() => mas.inverse(y)).toThrow(/MaskedAutoregressiveSpline: conditioner output must be a tensor of shape \[5,3,11\]/);
    const sized = new MaskedAutoregressiveFlow({ eventSize: 2, shiftAndLogScale: (v) => v });
    expect(() => sized.forward(y)).toThrow(/x must be a tensor whose last dimension is the event size 2, received a tensor of shape \[5, 3\]/);
    const conditional = new MaskedAutoregressiveFlow({ contextSize: 4, shiftAndLogScale: (v) => tf.stack([v, v], -1) });
    expect(() => conditional.inverse(y)).toThrow(/MaskedAutoregressiveFlow: context must be a tensor of shape \[5, 4\]/);
    expect(() => conditional.forward(y)).toThrow(/MaskedAutoregressiveFlow: context must be/);
    tf.dispose(y);
  });
});
