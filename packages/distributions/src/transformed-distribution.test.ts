import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, describeDistribution, expectAllClose, expectNoLeaks, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import type { BijectorCallOptions, BijectorLike } from '@densityjs/core';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';
import { TransformedDistribution } from './transformed-distribution.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const normalLogProb = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - LOG_SQRT_2PI;

/** y = exp(x), elementwise (eventNdims 0): the log-normal. */
const expBijector: BijectorLike = {
  eventNdims: 0,
  forward: (x) => tf.exp(x),
  inverse: (y) => tf.log(y),
  forwardAndLogDet: (x) => [tf.exp(x), tf.clone(x)],
  inverseAndLogDet: (y) => {
    const x = tf.log(y);
    return [x, tf.neg(x)];
  },
};

/** y = A x + b with a fixed lower-triangular 3x3 A (eventNdims 1); log|det A| = Σ log|A_ii|. */
const A = [[2, 0, 0], [0.5, -1, 0], [1, 0.3, 0.25]];
const b = [1, -2, 0.5];
const logDetA = Math.log(2) + Math.log(1) + Math.log(0.25);
function affine(): BijectorLike {
  const forward = (x: tf.Tensor) =>
    tf.tidy(() => {
      const At = tf.tensor2d([[2, 0.5, 1], [0, -1, 0.3], [0, 0, 0.25]]); // Aᵀ, for x Aᵀ on row vectors
      const flat = tf.reshape(x, [-1, 3]);
      return tf.reshape(tf.add(tf.matMul(flat, At), tf.tensor1d(b)), x.shape);
    });
  const inverse = (y: tf.Tensor) =>
    tf.tidy(() => {
      // Forward substitution for x from y - b = A x.
      const r = tf.unstack(tf.sub(y, tf.tensor1d(b)), -1);
      const x0 = tf.div(r[0]!, 2);
      const x1 = tf.div(tf.sub(r[1]!, tf.mul(x0, 0.5)), -1);
      const x2 = tf.div(tf.sub(tf.sub(r[2]!, x0), tf.mul(x1, 0.3)), 0.25);
      return tf.stack([x0, x1, x2], -1);
    });
  const batch = (t: tf.Tensor) => t.shape.slice(0, -1);
  return {
    eventNdims: 1,
    forward,
    inverse,
    forwardAndLogDet: (x) => [forward(x), tf.fill(batch(x), logDetA)],
    inverseAndLogDet: (y) => [inverse(y), tf.fill(batch(y), -logDetA)],
  };
}

/** Float64 A⁻¹ (y - b). */
function affineInverse(y: number[]): number[] {
  const r = y.map((v, k) => v - b[k]!);
  const x0 = r[0]! / 2;
  const x1 = (r[1]! - 0.5 * x0) / -1;
  const x2 = (r[2]! - x0 - 0.3 * x1) / 0.25;
  return [x0, x1, x2];
}

const loc = [0, 1];
const scale = [0.5, 0.3];
const zs = [-30, -3, 0, 1, 30];
describeDistribution({
  name: 'TransformedDistribution(Normal, Exp)',
  params: { loc, scale },
  make: (p) => new TransformedDistribution({ distribution: new Normal({ loc: p.loc!, scale: p.scale! }), bijector: expBijector }),
  reparameterized: ['loc', 'scale'],
  batchShape: [2],
  eventShape: [],
  points: zs.map((t) => loc.map((m, j) => Math.exp(m + t * scale[j]!))),
  outside: [[-1, -2]],
  reference: {
    logProb: (y, p) => normalLogProb(Math.log(y as number), p.loc as number, p.scale as number) - Math.log(y as number),
    // Log-normal moments, for the sample test only.
    mean: (p) => Math.exp((p.loc as number) + (p.scale as number) ** 2 / 2),
    variance: (p) => Math.expm1((p.scale as number) ** 2) * Math.exp(2 * (p.loc as number) + (p.scale as number) ** 2),
  },
  methods: [],
  webgpu: true,
});

const mvnLoc = [[0, 1, -1], [2, 0, 0.5]];
const mvnScale = [[1, 0.5, 2]];
describeDistribution({
  name: 'TransformedDistribution(MultivariateNormalDiag, affine)',
  params: { loc: mvnLoc, scaleDiag: mvnScale },
  paramEventRanks: { loc: 1, scaleDiag: 1 },
  make: (p) =>
    new TransformedDistribution({ distribution: new MultivariateNormalDiag({ loc: p.loc!, scaleDiag: p.scaleDiag! }), bijector: affine() }),
  reparameterized: ['loc', 'scaleDiag'],
  batchShape: [2],
  eventShape: [3],
  points: [-20, -1, 0, 2, 20].map((t) => mvnLoc.map((m) => m.map((v, k) => v + t * (k + 1) * 0.3))),
  reference: {
    logProb: (y, p) => {
      const x = affineInverse(y as number[]);
      const m = p.loc as number[];
      const s = p.scaleDiag as number[];
      return x.reduce((a, v, k) => a + normalLogProb(v, m[k]!, s[k]!), 0) - logDetA;
    },
    // y = A x + b: mean A μ + b, marginal variances Σ_j A_ij² s_j².
    mean: (p) => A.map((row, i) => row.reduce((a, v, j) => a + v * (p.loc as number[])[j]!, 0) + b[i]!),
    variance: (p) => A.map((row) => row.reduce((a, v, j) => a + v * v * (p.scaleDiag as number[])[j]! ** 2, 0)),
  },
  methods: [],
});

describe('TransformedDistribution', () => {
  it('absorbs base batch dims into the event when the bijector acts on vectors', async () => {
    const base = new Normal({ loc: [0, 1, -1], scale: [1, 0.5, 2] });
    const td = new TransformedDistribution({ distribution: base, bijector: affine() });
    expect([td.batchShape, td.eventShape]).toEqual([[], [3]]);
    const y = tf.tensor2d([[0.5, -1, 2], [1, 1, 1]]);
    const lp = td.logProb(y);
    expect(lp.shape).toEqual([2]);
    const expected = [[0.5, -1, 2], [1, 1, 1]].map((row) => {
      const x = affineInverse(row);
      return x.reduce((a, v, k) => a + normalLogProb(v, [0, 1, -1][k]!, [1, 0.5, 2][k]!), 0) - logDetA;
    });
    await expectAllClose(lp, expected);
    tf.dispose([y, lp]);
    base.dispose();
  });

  it('sums an elementwise log-det over a vector event', async () => {
    const base = new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [1, 2] });
    const td = new TransformedDistribution({ distribution: base, bijector: expBijector });
    expect(td.eventShape).toEqual([2]);
    const y = tf.tensor2d([[0.5, 2], [3, 0.1]]);
    const lp = td.logProb(y);
    const expected = [[0.5, 2], [3, 0.1]].map((row) => row.reduce((a, v, k) => a + normalLogProb(Math.log(v), [0, 1][k]!, [1, 2][k]!) - Math.log(v), 0));
    await expectAllClose(lp, expected);
    const both = td.sampleAndLogProb(3, { seed: 1 });
    expect(both.logProb.shape).toEqual([3]);
    const again = td.logProb(both.sample);
    await expectAllClose(both.logProb, again, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([y, lp, both.sample, both.logProb, again]);
    base.dispose();
  });

  it('passes context to the bijector and does one forward pass in sampleAndLogProb', async () => {
    const calls = { forwardAndLogDet: 0, inverseAndLogDet: 0, forward: 0, inverse: 0 };
    const seen: (tf.Tensor | undefined)[] = [];
    // y = x + context: a conditional shift.
    const shift: BijectorLike = {
      eventNdims: 1,
      forward: (x, o?: BijectorCallOptions) => (calls.forward++, seen.push(o?.context), tf.add(x, o!.context!)),
      inverse: (y, o?: BijectorCallOptions) => (calls.inverse++, seen.push(o?.context), tf.sub(y, o!.context!)),
      forwardAndLogDet: (x, o) => (calls.forwardAndLogDet++, seen.push(o?.context), [tf.add(x, o!.context!), tf.zeros(x.shape.slice(0, -1))]),
      inverseAndLogDet: (y, o) => (calls.inverseAndLogDet++, seen.push(o?.context), [tf.sub(y, o!.context!), tf.zeros(y.shape.slice(0, -1))]),
    };
    const base = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
    const td = new TransformedDistribution({ distribution: base, bijector: shift });
    const context = tf.tensor2d([[10, -10], [0, 5]]);
    const y = tf.tensor2d([[10, -10], [0, 5]]);
    const lp = td.logProb(y, { context });
    await expectAllClose(lp, [-Math.log(2 * Math.PI), -Math.log(2 * Math.PI)]);
    const both = td.sampleAndLogProb(2, { seed: 4, context });
    expect(calls).toEqual({ forwardAndLogDet: 1, inverseAndLogDet: 1, forward: 0, inverse: 0 });
    expect(seen.every((c) => c === context)).toBe(true);
    const mean = tf.mean(both.sample, 0);
    expect(both.sample.shape).toEqual([2, 2]);
    tf.dispose([context, y, lp, both.sample, both.logProb, mean]);
    base.dispose();
  });

  it('reparameterized: gradients flow from samples to the base parameters', async () => {
    const loc0 = tf.variable(tf.tensor1d([0.2, -0.1]));
    const { grads, value } = tf.variableGrads(() => {
      const td = new TransformedDistribution({ distribution: new Normal({ loc: loc0, scale: 1 }), bijector: expBijector });
      return tf.mean(td.sample(64, { seed: 2 })) as tf.Scalar;
    });
    const g = Array.from(await grads[loc0.name]!.data());
    expect(g.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    tf.dispose([loc0, value, ...Object.values(grads)]);
  });

  it('rejects a bijector without the contract and leaks nothing in logProb', async () => {
    const base = new Normal({ loc: 0, scale: 1 });
    expect(() => new TransformedDistribution({ distribution: base, bijector: {} as BijectorLike })).toThrow(
      /TransformedDistribution: bijector must be a bijector \(forwardAndLogDet, inverseAndLogDet, eventNdims\)/,
    );
    const td = new TransformedDistribution({ distribution: base, bijector: expBijector });
    const y = tf.tensor1d([1, 2]);
    await expectNoLeaks(() => {
      tf.dispose([td.logProb(y), td.sample(3), td.prob(y)]);
      const both = td.sampleAndLogProb(2);
      tf.dispose([both.sample, both.logProb]);
    });
    y.dispose();
    base.dispose();
  });
});

describe('TransformedDistribution state', () => {
  /** y = x · s elementwise with a trainable s, a running statistic and a training flag. */
  function scaling(shared?: tf.Variable): BijectorLike & { training: boolean } {
    const s = shared ?? tf.variable(tf.scalar(2));
    const running = tf.variable(tf.scalar(0), false);
    return {
      eventNdims: 0,
      training: false,
      trainableVariables: [s],
      nonTrainableVariables: [running],
      forward: (x) => tf.mul(x, s),
      inverse: (y) => tf.div(y, s),
      forwardAndLogDet: (x) => [tf.mul(x, s), tf.fill(x.shape, Math.log(2))],
      inverseAndLogDet: (y) => [tf.div(y, s), tf.fill(y.shape, -Math.log(2))],
    };
  }

  it("lists the bijector's then the base's variables without repeats, and the bijector's non-trainable state", () => {
    const shared = tf.variable(tf.scalar(2));
    const own = tf.variable(tf.scalar(0.5));
    const bijector = scaling(shared);
    const base = Object.assign(new Normal({ loc: 0, scale: 1 }), { trainableVariables: [own, shared] });
    const d = new TransformedDistribution({ distribution: base, bijector });
    expect(d.trainableVariables).toEqual([shared, own]);
    expect(d.nonTrainableVariables).toEqual(bijector.nonTrainableVariables);
    // Copies: changing the lists changes nothing.
    d.trainableVariables.pop();
    d.nonTrainableVariables.pop();
    expect([d.trainableVariables.length, d.nonTrainableVariables.length]).toEqual([2, 1]);
    const plain = new TransformedDistribution({ distribution: base, bijector: affineMapOfRank0() });
    expect([plain.trainableVariables, plain.nonTrainableVariables]).toEqual([[own, shared], []]);
    tf.dispose([shared, own, ...bijector.nonTrainableVariables!]);
    base.dispose();
  });

  it("passes training to the bijector that has the flag, reads false without one, and refuses a non-boolean", () => {
    const base = new Normal({ loc: 0, scale: 1 });
    const bijector = scaling();
    const d = new TransformedDistribution({ distribution: base, bijector });
    expect(d.training).toBe(false);
    d.training = true;
    expect([d.training, bijector.training]).toEqual([true, true]);
    d.training = false;
    expect(bijector.training).toBe(false);
    argumentErrorOf(() => {
      d.training = 'yes' as never;
    }, { argument: 'training', message: 'TransformedDistribution: training must be a boolean, received "yes"' });
    expect(bijector.training).toBe(false);
    const flagless = affineMapOfRank0();
    const plain = new TransformedDistribution({ distribution: base, bijector: flagless });
    expect(plain.training).toBe(false);
    plain.training = true;
    expect([plain.training, 'training' in flagless]).toEqual([false, false]);
    tf.dispose([...bijector.trainableVariables!, ...bijector.nonTrainableVariables!]);
    base.dispose();
  });

  it('refuses a bijector acting on more dimensions than the base has', () => {
    const base = new Normal({ loc: [0, 1], scale: 1 });
    argumentErrorOf(() => new TransformedDistribution({ distribution: base, bijector: { ...affineMapOfRank0(), eventNdims: 2 } }), {
      argument: 'bijector',
      message: 'TransformedDistribution: bijector must be eventNdims <= base batch rank + event rank (1), received 2',
    });
    base.dispose();
  });
});

/** y = x + 1 elementwise, stateless. */
function affineMapOfRank0(): BijectorLike {
  return {
    eventNdims: 0,
    forward: (x) => tf.add(x, tf.scalar(1)),
    inverse: (y) => tf.sub(y, tf.scalar(1)),
    forwardAndLogDet: (x) => [tf.add(x, tf.scalar(1)), tf.zerosLike(x)],
    inverseAndLogDet: (y) => [tf.sub(y, tf.scalar(1)), tf.zerosLike(y)],
  };
}
