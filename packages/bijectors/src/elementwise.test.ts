import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { ArgumentError } from '@densityjs/core';
import { Exp, Identity, LeakyReLU, PReLU, Scale, Shift, Sigmoid, Softplus, Tanh } from './index.js';

// Conformance: every elementwise bijector, scalar events and (eventNdims 1) vector events.
describeBijector({ name: 'Identity', affine: true, make: () => new Identity(), eventShape: [], volumePreserving: true, webgpu: true });
describeBijector({ name: 'Shift', affine: true, make: () => new Shift({ shift: [1, -2, 0.5] }), eventShape: [3], volumePreserving: true, webgpu: true, wrongShapes: [[2, 4]] });
describeBijector({
  name: 'Shift (batched [3, 1] over batch [3, 4])',
  affine: true,
  make: () => new Shift({ shift: [[1], [-2], [0.5]] }),
  memberOf: ([i]) => new Shift({ shift: [1, -2, 0.5][i!]! }),
  eventShape: [],
});
describeBijector({ name: 'Scale', affine: true, make: () => new Scale({ scale: [2, -0.5, 3] }), eventShape: [3], webgpu: true, wrongShapes: [[2, 4]] });
describeBijector({
  name: 'Scale (batched [3, 1] over batch [3, 4])',
  affine: true,
  make: () => new Scale({ scale: [[2], [-0.5], [3]] }),
  memberOf: ([i]) => new Scale({ scale: [2, -0.5, 3][i!]! }),
  eventShape: [],
});
describeBijector({
  name: 'Scale(logScale, eventNdims 1)',
  affine: true,
  make: () => new Scale({ logScale: [0.3, -1, 0.1], eventNdims: 1 }),
  eventShape: [3],
});
describeBijector({ name: 'Exp', make: () => new Exp(), eventShape: [], range: { low: 0.05, high: 8 }, edges: { x: [-80, 80], y: [1e-30, 1e30] }, webgpu: true });
describeBijector({ name: 'Exp(eventNdims 1)', make: () => new Exp({ eventNdims: 1 }), eventShape: [4], range: { low: 0.05, high: 8 } });
describeBijector({
  name: 'Softplus',
  make: () => new Softplus(),
  eventShape: [],
  input: { scale: 3 },
  range: { low: 0.01, high: 6 },
  edges: { x: [-80, 80, 1e4], y: [1e-6, 1e-3, 1e4] },
  webgpu: true,
});
describeBijector({
  name: 'Sigmoid',
  make: () => new Sigmoid(),
  eventShape: [],
  input: { scale: 2 },
  range: { low: 0.02, high: 0.98 },
  edges: { x: [-80, 80], y: [1e-6, 1 - 1e-6] },
  webgpu: true,
});
describeBijector({
  name: 'Tanh',
  make: () => new Tanh(),
  eventShape: [],
  input: { scale: 1 },
  range: { low: -0.97, high: 0.97 },
  edges: { x: [-40, 40], y: [-(1 - 1e-6), 1 - 1e-6] },
});
describeBijector({ name: 'LeakyReLU', make: () => new LeakyReLU({ alpha: 0.3 }), eventShape: [], kinks: [0] });
describeBijector({
  name: 'PReLU(per unit, eventNdims 1)',
  make: () => new PReLU({ alpha: 0.4, shape: [3], eventNdims: 1 }),
  eventShape: [3],
  kinks: [0],
});

// Independent float64 references for the numerically delicate formulas.
const softplus64 = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

describeEachBackend('elementwise numerics', () => {
  it('Softplus inverse is accurate for tiny and large y', async () => {
    const ys = [1e-6, 1e-3, 0.5, 5, 30, 100, 1e4];
    const y = tf.tensor1d(ys);
    const [x, ld] = new Softplus().inverseAndLogDet(y);
    const xRef = ys.map((v) => (v > 30 ? v + Math.log1p(-Math.exp(-v)) : Math.log(Math.expm1(v))));
    await expectAllClose(x, xRef, { atol: 1e-5, rtol: 1e-5 });
    await expectAllClose(ld, ys.map((v) => -Math.log(-Math.expm1(-v))), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([y, x, ld]);
  });

  it('Tanh and Sigmoid log-dets stay finite and exact for |x| up to 50', async () => {
    const xs = [-50, -20, -5, 0, 5, 20, 50];
    const x = tf.tensor1d(xs);
    const tanhLd = new Tanh().forwardLogDetJacobian(x);
    await expectAllClose(tanhLd, xs.map((v) => 2 * (Math.log(2) - v - softplus64(-2 * v))), { atol: 1e-4, rtol: 1e-5 });
    const sigLd = new Sigmoid().forwardLogDetJacobian(x);
    await expectAllClose(sigLd, xs.map((v) => -softplus64(-v) - softplus64(v)), { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([x, tanhLd, sigLd]);
  });

  it('Tanh inverts small y to float32 precision (atanh y ≈ y), on every backend', async () => {
    const ys = [-0.3, -1e-3, -2e-6, 1e-8, 3e-5, 0.6].map(Math.fround);
    const y = tf.tensor1d(ys);
    const [x, ld] = new Tanh().inverseAndLogDet(y);
    await expectAllClose(x, ys.map(Math.atanh), { rtol: 1e-6, atol: 0 });
    // log1p(y) + log1p(-y) cancels to ~1e-10 absolute near 0 (and stays exact near ±1).
    await expectAllClose(ld, ys.map((v) => -Math.log1p(-v * v)), { rtol: 1e-5, atol: 3e-10 });
    tf.dispose([y, x, ld]);
  });

  it('maps inputs outside the range to -Infinity log-dets, without NaN', async () => {
    const y = tf.tensor1d([-0.5, 0, 1, 1.5, 0.25]);
    const [x, ld] = new Sigmoid().inverseAndLogDet(y);
    await expectAllClose(x, [-Infinity, -Infinity, Infinity, Infinity, Math.log(0.25 / 0.75)], { rtol: 1e-5 });
    await expectAllClose(ld, [-Infinity, -Infinity, -Infinity, -Infinity, -Math.log(0.25 * 0.75)], { rtol: 1e-5 });
    const [xt, ldt] = new Tanh().inverseAndLogDet(tf.tensor1d([-1, 2, 0.5]));
    await expectAllClose(ldt, [-Infinity, -Infinity, -Math.log(0.75)], { rtol: 1e-5 });
    const [xe, lde] = new Exp().inverseAndLogDet(tf.tensor1d([-1, 0, 2]));
    await expectAllClose(xe, [-Infinity, -Infinity, Math.log(2)], { rtol: 1e-5 });
    await expectAllClose(lde, [-Infinity, -Infinity, -Math.log(2)], { rtol: 1e-5 });
    const [xs, lds] = new Softplus().inverseAndLogDet(tf.tensor1d([-1, 0]));
    await expectAllClose(lds, [-Infinity, -Infinity]);
    await expectAllClose(xs, [-Infinity, -Infinity]);
    tf.dispose([y, x, ld, xt, ldt, xe, lde, xs, lds]);
  });

  it('PReLU trains its slope and keeps it positive', async () => {
    const b = new PReLU({ alpha: 0.5 });
    expect(b.trainableVariables).toHaveLength(1);
    const y = tf.tensor1d([-2, -1, 3]);
    const g = tf.variableGrads(() => tf.sum(b.inverseLogDetJacobian(y)) as tf.Scalar, b.trainableVariables);
    // d/dlogAlpha of sum(-[y<0] logAlpha) = -2.
    await expectAllClose(g.grads[b.logAlpha.name]!, -2);
    tf.dispose([y, g.value, ...Object.values(g.grads)]);
    await expectNoLeaks(() => b.dispose(), { expectedNew: -1 });
  });
});

describe('elementwise bad input', () => {
  it('rejects a zero scale, naming the argument', () => {
    expect(() => new Scale({ scale: [1, 0] })).toThrow(/Scale: scale must be nonzero and finite, received 0 \(at flat index 1\)/);
    expect(() => new Scale({ scale: 1, logScale: 0 })).toThrow(/exactly one of them, received both/);
    expect(() => new LeakyReLU({ alpha: -1 })).toThrow(/LeakyReLU: alpha must be > 0/);
    expect(() => new PReLU({ alpha: 0 })).toThrow(/PReLU: alpha must be > 0/);
  });
  it('throws on a Sigmoid inverse outside (0, 1) with validateArgs', () => {
    const y = tf.tensor1d([0.5, 1.5]);
    expect(() => new Sigmoid({ validateArgs: true }).inverse(y)).toThrow(
      /Sigmoid: y must be in \(0, 1\) \(the range of Sigmoid\), received 1\.5 \(at flat index 1\)/,
    );
    y.dispose();
  });
  it('names an input whose shape does not match the parameters', () => {
    const x = tf.zeros([5, 4]);
    expect(() => new Shift({ shift: [1, 2, 3] }).forward(x)).toThrow(
      /Shift: x must be a tensor whose trailing dims match shift's shape \[3\] \(or where shift has size 1\), received a tensor of shape \[5, 4\]/,
    );
    expect(() => new Scale({ scale: [[1], [2]] }).inverse(x)).toThrow(/Scale: y must be a tensor whose trailing dims match scale's shape \[2, 1\]/);
    expect(() => new PReLU({ shape: [3] }).forward(x)).toThrow(/PReLU: x must be/);
    tf.dispose(x);
  });
  it('rejects non-tensors and a negative eventNdims', () => {
    expect(() => new Exp().forward([1, 2] as unknown as tf.Tensor)).toThrow(/Exp: x must be a tf.Tensor/);
    expect(() => new Exp({ eventNdims: -1 })).toThrow(/Exp: eventNdims must be a non-negative integer/);
    const x = tf.scalar(1);
    expect(() => new Exp({ eventNdims: 1 }).forward(x)).toThrow(/Exp: x must be a tensor of rank >= 1/);
    x.dispose();
  });
});

describeEachBackend('elementwise extremes (|x| up to 1e4, scales down to 1e-6)', () => {
  it('keeps log-dets finite where the math is finite', async () => {
    const xs = [-1e4, -50, 0, 50, 1e4];
    const x = tf.tensor1d(xs);
    const cases: [string, tf.Tensor, number[]][] = [
      ['Sigmoid', new Sigmoid().forwardLogDetJacobian(x), xs.map((v) => -softplus64(-v) - softplus64(v))],
      ['Tanh', new Tanh().forwardLogDetJacobian(x), xs.map((v) => 2 * (Math.log(2) - v - softplus64(-2 * v)))],
      ['Softplus', new Softplus().forwardLogDetJacobian(x), xs.map((v) => -softplus64(-v))],
      ['Softplus value', new Softplus().forward(x), xs.map(softplus64)],
      ['Scale 1e-6', new Scale({ scale: 1e-6 }).forwardLogDetJacobian(x), xs.map(() => Math.log(1e-6))],
    ];
    for (const [label, actual, expected] of cases) {
      await expectAllClose(actual, expected, { atol: 1e-3, rtol: 1e-5 }, label);
    }
    const tiny = new Scale({ scale: 1e-6 });
    const [back, ld] = tiny.inverseAndLogDet(tf.mul(x, 1e-6));
    await expectAllClose(back, xs, { rtol: 1e-5 });
    await expectAllClose(ld, xs.map(() => -Math.log(1e-6)), { rtol: 1e-5 });
    tf.dispose([x, back, ld, ...cases.map((c) => c[1])]);
  });
});

describe('elementwise bijectors refuse bad parameters and inputs', () => {
  const typed = (fn: () => unknown, pattern: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toMatch(pattern);
  };

  it('NaN, infinite and zero parameters are ArgumentErrors that leak nothing', async () => {
    await expectNoLeaks(() => {
      typed(() => new Shift({ shift: NaN }), /^Shift: shift must be finite \(no NaN or Infinity\), received NaN$/);
      typed(() => new Shift({ shift: [0, Infinity] }), /Shift: shift must be finite .*received Infinity \(at flat index 1\)/);
      typed(() => new Scale({ scale: 0 }), /Scale: scale must be nonzero and finite, received 0/);
      typed(() => new Scale({ scale: [1, NaN] }), /Scale: scale must be finite/);
      typed(() => new Scale({ logScale: [0, -Infinity], trainable: true }), /Scale: logScale must be finite/);
      typed(() => new LeakyReLU({ alpha: 0 }), /LeakyReLU: alpha must be > 0 and finite/);
    });
  });

  it('refuses unknown option keys, suggesting the closest', () => {
    typed(() => new Shift({ shfit: 1 } as never), /Shift: unknown option "shfit" in options \(did you mean "shift"\?\)/);
    typed(() => new Scale({ scale: 2, eventNdim: 1 } as never), /did you mean "eventNdims"/);
    typed(() => new Exp({ foo: 1 } as never), /Exp: unknown option "foo"/);
  });

  it('refuses disposed and int32 inputs with the argument name, before tfjs sees them', async () => {
    const b = new Shift({ shift: 1 });
    const gone = tf.zeros([2]);
    gone.dispose();
    const ints = tf.tensor1d([1, 2], 'int32');
    await expectNoLeaks(() => {
      typed(() => b.forward(gone), /Shift: x must be a live tensor \(this one was disposed\)/);
      typed(() => b.inverseAndLogDet(ints), /Shift: y must be a float32 tensor \(convert with tf.cast\(y, 'float32'\)\), received an int32 tensor of shape \[2\]/);
    });
    ints.dispose();
    b.dispose();
  });
});

describeEachBackend('Softplus series branches against float64', () => {
  it('forward below log(0.01) and inverse below 0.01 keep float32 accuracy', async () => {
    const b = new Softplus();
    // Forward: the series u - u^2/2 + u^3/3 of log1p(u), u = exp(x), just below its switch point.
    const xs = [-4.62, -5, -7, -12];
    const x = tf.tensor1d(xs);
    const y = b.forward(x);
    await expectAllClose(y, xs.map((v) => Math.log1p(Math.exp(v))), { rtol: 2e-6, atol: 0 });
    // Inverse: log(y) + log(1 - y/2 + y^2/6 - y^3/24) just below 0.01.
    const ys = [0.0099, 0.009, 0.003, 1e-5];
    const yt = tf.tensor1d(ys);
    const [xi, ld] = b.inverseAndLogDet(yt);
    await expectAllClose(xi, ys.map((v) => Math.log(Math.expm1(v))), { rtol: 1e-6, atol: 0 });
    await expectAllClose(ld, ys.map((v) => v - Math.log(Math.expm1(v))), { rtol: 1e-6, atol: 0 });
    tf.dispose([x, y, yt, xi, ld]);
  });
});
