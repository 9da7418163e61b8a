import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { Chain, Exp, Invert, Permute, Reverse, Scale, Shift, Sigmoid, Softplus, Tanh } from './index.js';

describeBijector({ name: 'Permute', affine: true, make: () => new Permute({ permutation: [2, 0, 3, 1] }), eventShape: [4], volumePreserving: true, webgpu: true });
describeBijector({ name: 'Reverse', affine: true, make: () => new Reverse(), eventShape: [5], volumePreserving: true, webgpu: true });
describeBijector({
  name: 'Chain(Shift, Scale, Tanh, Permute)',
  make: () => new Chain([new Shift({ shift: 1 }), new Scale({ scale: [2, 0.5, -1] }), new Tanh(), new Permute({ permutation: [1, 2, 0] })]),
  eventShape: [3],
  range: { low: 0.6, high: 1.4 },
  volumePreserving: false,
  webgpu: true,
});
describeBijector({
  name: 'Chain(Shift, Reverse, Permute): volume-preserving',
  affine: true,
  make: () => new Chain([new Shift({ shift: [1, -2, 3] }), new Reverse(), new Permute({ permutation: [1, 2, 0] })]),
  eventShape: [3],
  volumePreserving: true,
});
describeBijector({ name: 'Chain([])', make: () => new Chain([]), eventShape: [], volumePreserving: true });
describeBijector({
  name: 'Invert(Sigmoid)',
  make: () => new Invert(new Sigmoid()),
  eventShape: [],
  input: { low: 0.05, high: 0.95 },
  range: { scale: 2 },
  edges: { x: [1e-6, 1 - 1e-6], y: [-30, -12, 12] },
});
describeBijector({ name: 'Invert(Chain(Softplus, Reverse))', make: () => new Invert(new Chain([new Softplus(), new Reverse()])), eventShape: [3], input: { low: 0.2, high: 4 } });

describeEachBackend('structural semantics', () => {
  it('Chain applies right to left and adds log-dets', async () => {
    // Chain([Exp, Shift(1)]): y = exp(x + 1), log-det = x + 1.
    const chain = new Chain([new Exp(), new Shift({ shift: 1 })]);
    const x = tf.tensor1d([-1, 0, 0.5]);
    const [y, ld] = chain.forwardAndLogDet(x);
    await expectAllClose(y, [0, 1, 1.5].map(Math.exp), { rtol: 1e-6 });
    await expectAllClose(ld, [0, 1, 1.5], { rtol: 1e-6 });
    tf.dispose([x, y, ld]);
    chain.dispose();
  });

  it('Chain sums elementwise log-dets to the largest event rank', async () => {
    const chain = new Chain([new Exp(), new Reverse()]);
    expect(chain.eventNdims).toBe(1);
    const x = tf.tensor2d([[1, 2], [3, -4]]);
    const ld = chain.forwardLogDetJacobian(x);
    expect(ld.shape).toEqual([2]);
    await expectAllClose(ld, [3, -1]);
    tf.dispose([x, ld]);
  });

  it('Permute follows y[i] = x[perm[i]] and Invert swaps directions', async () => {
    const p = new Permute({ permutation: [2, 0, 1] });
    const x = tf.tensor2d([[10, 20, 30]]);
    const y = p.forward(x);
    await expectAllClose(y, [[30, 10, 20]]);
    const inv = new Invert(p);
    const back = inv.forward(y);
    await expectAllClose(back, x);
    tf.dispose([x, y, back]);
    await expectNoLeaks(() => inv.dispose(), { expectedNew: -2 });
  });

  it('Permute and Reverse differentiate through custom gradients', async () => {
    const x = tf.tensor2d([[1, 2, 3]]);
    const w = tf.tensor1d([1, 10, 100]);
    const p = new Permute({ permutation: [2, 0, 1] });
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(p.forward(t), w)))(x);
    // y = [x2, x0, x1]: d/dx0 = 10, d/dx1 = 100, d/dx2 = 1.
    await expectAllClose(g, [[10, 100, 1]]);
    const r = new Reverse();
    const gr = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(r.forward(t), w)))(x);
    await expectAllClose(gr, [[100, 10, 1]]);
    tf.dispose([x, w, g, gr]);
    p.dispose();
  });
});

describe('structural bad input', () => {
  it('rejects a permutation that is not one', () => {
    expect(() => new Permute({ permutation: [0, 0, 1] })).toThrow(
      /Permute: permutation must be a permutation of 0\.\.2 \(each index exactly once\), received \[0, 0, 1\]/,
    );
    expect(() => new Permute({ permutation: [1, 2] })).toThrow(/permutation of 0\.\.1/);
    expect(() => new Permute({ permutation: [0.5, 1] })).toThrow(/Permute: permutation/);
    expect(() => new Permute({ permutation: [] })).toThrow(/Permute: permutation/);
  });
  it('rejects an event shape that does not match', () => {
    const p = new Permute({ permutation: [1, 0, 2] });
    const x = tf.zeros([5, 4]);
    expect(() => p.forward(x)).toThrow(/Permute: x must be a tensor whose last dimension is the event size 3, received a tensor of shape \[5, 4\]/);
    expect(() => p.inverse(x)).toThrow(/Permute: y must be/);
    const s = tf.scalar(1);
    expect(() => new Reverse().forward(s)).toThrow(/Reverse: x must be a tensor of rank >= 1/);
    tf.dispose([x, s]);
    p.dispose();
  });
  it('rejects chains of members with different event sizes and non-bijectors', () => {
    expect(() => new Chain([new Permute({ permutation: [0, 1] }), new Permute({ permutation: [0, 1, 2] })])).toThrow(
      /Chain: bijectors must be members with one event size, received event sizes 2 and 3/,
    );
    expect(() => new Chain([{} as never])).toThrow(/Chain: bijectors must be an array of Bijector instances/);
    expect(() => new Invert({} as never)).toThrow(/Invert: bijector must be a Bijector instance/);
  });
});
