import * as tf from '@tensorflow/tfjs-core';
import { describeDistribution, expectAllClose, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Categorical } from './categorical.js';
import { Independent } from './independent.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';
import { logNdtr, logSumExp, ndtr } from './test-reference.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const normalLogProb = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - LOG_SQRT_2PI;
const logSoftmax = (l: number[]) => l.map((v) => v - logSumExp(l));

// The MDN shapes: batch [N = 2] of K = 3 components (logits [N, K]).
const logits = [[0.3, -1, 2], [-30, 0, 1]];
const loc = [[0, 1, -2], [0.5, 2, 10]];
const scale = [[0.5, 1e-3, 3], [1, 2, 1e3]];
const pointsPerMember = [
  [-300, -2.001, 0, 0.9995, 1, 5, 300],
  [-300, 0.5, 1.9, 2, 10, 100, 300],
];
const points = pointsPerMember[0]!.map((_, s) => pointsPerMember.map((row) => row[s]!));

const scalarMixtureRef = {
  logProb: (x: Nested, p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]);
    const m = p.loc as number[];
    const s = p.scale as number[];
    return logSumExp(w.map((lw, k) => lw + normalLogProb(x as number, m[k]!, s[k]!)));
  },
  logCdf: (x: number, p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]);
    const m = p.loc as number[];
    const s = p.scale as number[];
    return logSumExp(w.map((lw, k) => lw + logNdtr((x - m[k]!) / s[k]!)));
  },
  mean: (p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]).map(Math.exp);
    return w.reduce((a, wk, k) => a + wk * (p.loc as number[])[k]!, 0);
  },
  variance: (p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]).map(Math.exp);
    const m = p.loc as number[];
    const s = p.scale as number[];
    const mu = w.reduce((a, wk, k) => a + wk * m[k]!, 0);
    return w.reduce((a, wk, k) => a + wk * (s[k]! ** 2 + (m[k]! - mu) ** 2), 0);
  },
};

describeDistribution({
  name: 'MixtureSameFamily(Normal)',
  params: { logits, loc, scale },
  paramEventRanks: { logits: 1, loc: 1, scale: 1 },
  make: (p) =>
    new MixtureSameFamily({
      mixtureDistribution: new Categorical({ logits: p.logits! }),
      componentsDistribution: new Normal({ loc: p.loc!, scale: p.scale! }),
    }),
  batchShape: [2],
  eventShape: [],
  points,
  reference: scalarMixtureRef,
  methods: ['mean', 'variance', 'stddev', 'logCdf'],
  sampling: { params: { logits: [[0.3, -1, 2], [0, 0, 1]], loc, scale: [[0.5, 1e-3, 3], [1, 2, 30]] } },
  gradientCheck: { params: { logits: [[0.3, -1, 2], [0, 0, 1]], loc, scale: [[0.5, 0.8, 3], [1, 2, 4]] } },
  webgpu: true,
});

// Vector events: each component is a diagonal Gaussian in d = 2, built two ways.
const vLoc = [[[0, 1], [1, -1], [-2, 3]], [[0.5, 0], [2, 2], [10, -10]]];
const vScale = [[[0.5, 2], [1e-3, 1], [3, 0.1]], [[1, 1], [2, 0.5], [1e3, 5]]];
// Points near every component (so each gets gradient) and far out in the tails.
const vMember0 = [[1.0005, -0.7], [-1.5, 3.2], [0, 1], [-3, 0], [300, -300], [0.2, 1.1]];
const vMember1 = [[0.3, 0.4], [2.5, 2.3], [11, -12], [500, 3], [-300, 300], [2.5, 1.8]];
const vPoints = vMember0.map((x, s) => [x, vMember1[s]!]);
const vectorMixtureRef = {
  // u·X is a mixture of N(u·loc_k, Σ_e u_e² scale_ke²) with the mixture weights.
  projectionCdf: (u: number[], p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]).map(Math.exp);
    const m = p.loc as number[][];
    const s = p.scale as number[][];
    const means = m.map((mk) => u.reduce((b, v, e) => b + v * mk[e]!, 0));
    const sds = s.map((sk) => Math.hypot(...u.map((v, e) => v * sk[e]!)));
    return (t: number) => w.reduce((a, wk, k) => a + wk * ndtr((t - means[k]!) / sds[k]!), 0);
  },
  logProb: (x: Nested, p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]);
    const m = p.loc as number[][];
    const s = p.scale as number[][];
    const xs = x as number[];
    return logSumExp(w.map((lw, k) => lw + xs.reduce((a, v, e) => a + normalLogProb(v, m[k]![e]!, s[k]![e]!), 0)));
  },
  mean: (p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]).map(Math.exp);
    const m = p.loc as number[][];
    return [0, 1].map((e) => w.reduce((a, wk, k) => a + wk * m[k]![e]!, 0));
  },
  variance: (p: Record<string, Nested>) => {
    const w = logSoftmax(p.logits as number[]).map(Math.exp);
    const m = p.loc as number[][];
    const s = p.scale as number[][];
    return [0, 1].map((e) => {
      const mu = w.reduce((a, wk, k) => a + wk * m[k]![e]!, 0);
      return w.reduce((a, wk, k) => a + wk * (s[k]![e]! ** 2 + (m[k]![e]! - mu) ** 2), 0);
    });
  },
};
const vectorCase = {
  params: { logits, loc: vLoc, scale: vScale },
  paramEventRanks: { logits: 1, loc: 2, scale: 2 },
  batchShape: [2],
  eventShape: [2],
  points: vPoints,
  reference: vectorMixtureRef,
  sampling: { params: { logits: [[0.3, -1, 2], [0, 0, 1]], loc: vLoc, scale: [[[0.5, 2], [1e-3, 1], [3, 0.1]], [[1, 1], [2, 0.5], [30, 5]]] } },
  gradientCheck: { params: { logits: [[0.3, -1, 2], [0, 0, 1]], loc: vLoc, scale: [[[0.5, 2], [0.7, 1], [3, 0.4]], [[1, 1], [2, 0.5], [3, 5]]] } },
};

describeDistribution({
  ...vectorCase,
  name: 'MixtureSameFamily(Independent(Normal))',
  make: (p) =>
    new MixtureSameFamily({
      mixtureDistribution: new Categorical({ logits: p.logits! }),
      componentsDistribution: new Independent({ distribution: new Normal({ loc: p.loc!, scale: p.scale! }), reinterpretedBatchNdims: 1 }),
    }),
});

describeDistribution({
  ...vectorCase,
  name: 'MixtureSameFamily(MultivariateNormalDiag)',
  make: (p) =>
    new MixtureSameFamily({
      mixtureDistribution: new Categorical({ logits: p.logits! }),
      componentsDistribution: new MultivariateNormalDiag({ loc: p.loc!, scaleDiag: p.scale! }),
    }),
  webgpu: true,
});

describe('MixtureSameFamily', () => {
  it('rejects components whose batch shape is not the mixture batch + [K]', () => {
    expect(
      () =>
        new MixtureSameFamily({
          mixtureDistribution: new Categorical({ logits: [[0, 0, 0]] }),
          componentsDistribution: new Normal({ loc: [0, 1], scale: 1 }),
        }),
    ).toThrow(/MixtureSameFamily: componentsDistribution must be batch shape \[1, 3\] \(mixtureDistribution's batch shape \+ \[numComponents\]\), received batch shape \[2\]/);
    expect(() => new MixtureSameFamily({ mixtureDistribution: new Normal({ loc: 0, scale: 1 }) as never, componentsDistribution: new Normal({ loc: [0], scale: 1 }) })).toThrow(
      /mixtureDistribution must be a Categorical/,
    );
  });
  it('samples the chosen component: with one dominant weight the draws follow it', async () => {
    const m = new MixtureSameFamily({
      mixtureDistribution: new Categorical({ logits: [-50, 50] }),
      componentsDistribution: new Normal({ loc: [-100, 100], scale: [1, 1] }),
    });
    const s = m.sample(1000, { seed: 9 });
    const mean = tf.mean(s);
    await expectAllClose(mean, 100, { atol: 0.3, rtol: 0 });
    tf.dispose([s, mean]);
  });
  it('logProb gradients reach logits and component parameters (the MDN loss)', async () => {
    const l = tf.variable(tf.tensor2d(logits));
    const m = tf.variable(tf.tensor2d(loc));
    const s = tf.variable(tf.tensor2d([[0.5, 1, 3], [1, 2, 5]]));
    const y = tf.tensor1d([0.2, 1.5]);
    const { grads, value } = tf.variableGrads(() =>
      tf.neg(
        tf.mean(
          new MixtureSameFamily({
            mixtureDistribution: new Categorical({ logits: l }),
            componentsDistribution: new Normal({ loc: m, scale: s }),
          }).logProb(y),
        ),
      ) as tf.Scalar,
    );
    for (const g of Object.values(grads)) expect(Array.from(await g.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([l, m, s, y, value, ...Object.values(grads)]);
  });
});
