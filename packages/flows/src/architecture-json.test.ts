// Hand-built flows round-trip through saveFlow / loadFlow: every bijector and base distribution
// the architecture JSON knows is saved under its own type, rebuilt with its options, and scores
// the same points as the original; unknown parts and malformed JSON are refused by path.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  affine,
  BatchNormalization,
  Chain,
  Coupling,
  Exp,
  Identity,
  Invert,
  MaskedAutoregressive,
  Permute,
  rationalQuadratic,
  RealNVP,
  Reverse,
  Scale,
  Shift,
  Sigmoid,
  Softplus,
  Tanh,
  type Bijector,
} from '@densityjs/bijectors';
import { Independent, Laplace, Logistic, MultivariateNormalDiag, Normal, StudentT, TransformedDistribution, Uniform, type Distribution } from '@densityjs/distributions';
import { MADE } from '@densityjs/made';
import { argumentErrorOfAsync, describeEachBackend, expectAllClose } from '@densityjs/testing';
import { DenseNetwork, Flow, loadFlow, saveFlow } from './index.js';

const D = 3;
const iid = (d: Distribution): Independent => new Independent({ distribution: d, reinterpretedBatchNdims: 1 });

/** A flow of every conditioned and structural part, with trained-looking weights. */
function everyPart(): Bijector {
  const bn = new BatchNormalization({ eventSize: D, momentum: 0.2, epsilon: 1e-3, training: false, name: 'bn' });
  bn.movingMean.assign(tf.tensor1d([0.3, -0.2, 0.1]));
  bn.movingVariance.assign(tf.tensor1d([1.5, 0.7, 1.1]));
  return new Chain(
    [
      new Coupling({
        numMasked: 1,
        eventSize: D,
        contextSize: 2,
        transformer: rationalQuadratic({ numBins: 4, bound: 3 }),
        conditioner: new DenseNetwork({ inputSize: 1, outputShape: [2, 11], hiddenUnits: [6], contextSize: 2, seed: 3 }),
        name: 'spline coupling',
      }),
      new Permute({ permutation: [2, 0, 1], name: 'perm' }),
      bn,
      new Invert(new Chain([new Reverse({ name: 'rev' }), new Identity({ name: 'id' })], { name: 'inner' }), { name: 'inv' }),
      new MaskedAutoregressive({
        eventSize: D,
        contextSize: 2,
        transformer: affine({ logScaleClamp: 3 }),
        conditioner: new MADE({ eventSize: D, hiddenUnits: [8], params: 2, contextSize: 2, seed: 4 }),
        name: 'maf layer',
      }),
    ],
    { name: 'outer' },
  );
}

/** Perturbs every weight so a load that dropped or reordered one would be caught. */
function perturb(flow: Flow): void {
  const ws = flow.getWeights();
  const noisy = ws.map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.2, 'float32', 10 + i)));
  flow.setWeights(noisy);
  tf.dispose([...ws, ...noisy]);
}

type Case = [name: string, make: () => Flow, types: unknown, points: number[][]];
const inside = [
  [0.3, -0.4, 0.2],
  [-0.1, 0.25, 0.6],
];
const cases: Case[] = [
  [
    'every structural and conditioned part, on a diagonal normal',
    () => new Flow({ bijector: everyPart(), base: new MultivariateNormalDiag({ loc: [0.5, 0, -0.5], scaleDiag: [1, 2, 0.5] }) }),
    {
      type: 'Chain',
      name: 'outer',
      types: ['Coupling', 'Permute', 'BatchNormalization', 'Invert', 'MaskedAutoregressive'],
    },
    [
      [1, -2, 0.5],
      [-0.3, 0.8, 2],
    ],
  ],
  ['Exp on a Laplace base', () => new Flow({ bijector: new Exp({ name: 'e' }), base: iid(new Laplace({ loc: [0, 1, 0], scale: [1, 0.5, 2] })) }), { type: 'Exp', name: 'e' }, [[0.5, 2, 1.5]]],
  ['Softplus on a Logistic base', () => new Flow({ bijector: new Softplus(), base: iid(new Logistic({ loc: [0, 0, 1], scale: [1, 2, 1] })) }), { type: 'Softplus', name: 'Softplus' }, [[0.5, 2, 1.5]]],
  ['Sigmoid on a Student-t base', () => new Flow({ bijector: new Sigmoid(), base: iid(new StudentT({ df: [3, 4, 5], loc: [0, 0, 0], scale: [1, 1, 2] })) }), { type: 'Sigmoid', name: 'Sigmoid' }, [[0.3, 0.6, 0.2], [0.9, 0.25, 0.6]]],
  ['Tanh on a uniform base', () => new Flow({ bijector: new Tanh(), base: iid(new Uniform({ low: [-2, -2, -2], high: [2, 3, 2] })) }), { type: 'Tanh', name: 'Tanh' }, inside],
  ['Invert(Identity) on a normal base', () => new Flow({ bijector: new Invert(new Identity()), base: iid(new Normal({ loc: [0, 1, 2], scale: [1, 1, 3] })) }), { type: 'Invert', name: 'Invert(Identity)' }, inside],
];

describeEachBackend(
  'hand-built flows through saveFlow / loadFlow',
  () => {
    for (const [name, make, expected, points] of cases) {
      it(name, async () => {
        const flow = make();
        perturb(flow);
        const json = JSON.parse(JSON.stringify(await saveFlow(flow)));
        const { types, ...top } = expected as { types?: string[] };
        expect(json.bijector).toMatchObject(top);
        if (types) expect(json.bijector.bijectors.map((b: { type: string }) => b.type)).toEqual(types);
        const loaded = loadFlow(json);
        expect(loaded.bijector.name).toBe(flow.bijector.name);
        expect(loaded.bijector.members.map((m) => m.name)).toEqual(flow.bijector.members.map((m) => m.name));
        expect(loaded.base.constructor).toBe(flow.base.constructor);
        expect(loaded.contextSize).toBe(flow.contextSize);
        // Every layer comes back with its own options, BatchNormalization in evaluation mode.
        const options = (f: Flow) =>
          f.bijector.members.map((m) => {
            const l = m as unknown as { numMasked?: number; eventSize?: number; contextSize?: number; training: boolean };
            return [l.numMasked, l.eventSize, l.contextSize, l.training];
          });
        expect(options(loaded)).toEqual(options(flow));
        const y = tf.tensor2d(points);
        const context = flow.contextSize ? tf.tensor2d(points.map((_, i) => [0.5 * i, -1])) : undefined;
        const a = flow.logProb(y, context ? { context } : {});
        const b = loaded.logProb(y, context ? { context } : {});
        expect(a.shape).toEqual([points.length]);
        expect(Array.from(await a.data()).every(Number.isFinite)).toBe(true);
        await expectAllClose(b, a, { atol: 1e-5, rtol: 1e-6 });
        tf.dispose([y, context, a, b]);
        flow.dispose();
        loaded.dispose();
      });
    }

    it('saves each part with its options: permutation, BatchNormalization settings, numMasked, transformers', async () => {
      const flow = new Flow({ bijector: everyPart(), base: new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] }) });
      const json = await saveFlow(flow);
      const [coupling, perm, bn, inv, ma] = (json.bijector as { bijectors: Record<string, unknown>[] }).bijectors;
      expect(coupling).toMatchObject({ type: 'Coupling', name: 'spline coupling', numMasked: 1, eventSize: 3, contextSize: 2, transformer: { kind: 'rationalQuadratic', numBins: 4, bound: 3 }, conditioner: { type: 'DenseNetwork' } });
      expect(perm).toEqual({ type: 'Permute', name: 'perm', permutation: [2, 0, 1] });
      expect(bn).toEqual({ type: 'BatchNormalization', name: 'bn', eventSize: 3, momentum: 0.2, epsilon: 1e-3 });
      expect(inv).toMatchObject({ type: 'Invert', name: 'inv', bijector: { type: 'Chain', name: 'inner', bijectors: [{ type: 'Reverse', name: 'rev' }, { type: 'Identity', name: 'id' }] } });
      expect(ma).toMatchObject({ type: 'MaskedAutoregressive', name: 'maf layer', eventSize: 3, contextSize: 2, transformer: { kind: 'affine', logScaleClamp: 3 }, conditioner: { type: 'MADE' } });
      expect(json.base).toEqual({ type: 'MultivariateNormalDiag', loc: [0, 0, 0], scaleDiag: [1, 1, 1] });
      flow.dispose();

      // Options left out stay out, and the rebuilt layer falls back to the same defaults.
      const bare = new Flow({
        bijector: new Coupling({ transformer: affine(), conditioner: new DenseNetwork({ inputSize: 1, outputShape: [2, 2], hiddenUnits: [4], seed: 1 }) }),
        base: new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] }),
      });
      const saved = (await saveFlow(bare)).bijector as Record<string, unknown>;
      expect(Object.keys(saved).sort()).toEqual(['conditioner', 'name', 'transformer', 'type']);
      const loaded = loadFlow(await saveFlow(bare));
      const layer = loaded.bijector as Coupling;
      expect([layer.numMasked, layer.eventSize, layer.contextSize]).toEqual([undefined, undefined, undefined]);
      bare.dispose();
      loaded.dispose();
    });
  },
  { webgpu: false },
);

describeEachBackend('a flow of an elementwise bijector', () => {
  it('sums its per-unit log-dets over the event: Exp on a Laplace base against float64', async () => {
    const loc = [0, 1, 0];
    const scale = [1, 0.5, 2];
    const flow = new Flow({ bijector: new Exp(), base: iid(new Laplace({ loc, scale })) });
    const points = [
      [0.5, 2, 1.5],
      [3, 0.2, 1],
    ];
    // log q(y) = sum_i [log Laplace(log y_i) - log y_i].
    const reference = points.map((row) => row.reduce((s, y, i) => s - Math.log(2 * scale[i]!) - Math.abs(Math.log(y) - loc[i]!) / scale[i]! - Math.log(y), 0));
    const y = tf.tensor2d(points);
    const lp = flow.logProb(y);
    await expectAllClose(lp, reference, { atol: 1e-5, rtol: 1e-6 });
    // Two batch axes: still one log-density per row.
    const y3 = tf.tensor3d([points]);
    const lp3 = flow.logProb(y3);
    expect(lp3.shape).toEqual([1, 2]);
    await expectAllClose(lp3, [reference], { atol: 1e-5, rtol: 1e-6 });
    tf.dispose([y3, lp3]);
    const { sample, logProb } = flow.sampleAndLogProb(4, { seed: 3 });
    const again = flow.logProb(sample);
    await expectAllClose(logProb, again, { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([y, lp, sample, logProb, again]);
    flow.dispose();
  });
});

describe('parts the architecture JSON cannot hold', () => {
  it('are refused on save with their path and class', async () => {
    // The message lists the parts that can be saved.
    const known =
      'a flow built from known parts \\(Chain, Invert, Reverse, Permute, BatchNormalization, Identity, Exp, Softplus, Sigmoid, Tanh, Coupling and MaskedAutoregressive layers ' +
      '\\(RealNVP, NICE, SplineCoupling, MaskedAutoregressiveFlow, MaskedAutoregressiveSpline\\) with a MADE or DenseNetwork conditioner\\) to be saved';
    const refused = (received: string) => ({ argument: 'flow', message: new RegExp(`^saveFlow: flow must be ${known}, received ${received}$`) });
    const shift = new Flow({ bijector: new Chain([new Identity(), new Invert(new Shift({ shift: [1, 2] }))]), base: new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] }) });
    await argumentErrorOfAsync(() => saveFlow(shift), refused('a Shift \\(Shift\\) at bijector\\.bijectors\\[1\\]\\.bijector'));
    const objectConditioner = new Flow({ bijector: new RealNVP({ numMasked: 1, eventSize: 2, conditioner: { call: (x1: tf.Tensor) => tf.concat([x1, x1], -1) } }) });
    await argumentErrorOfAsync(() => saveFlow(objectConditioner), refused('a conditioner object that is not a MADE or DenseNetwork at bijector\\.conditioner'));
    const trainedBase = new TransformedDistribution({
      distribution: new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] }),
      bijector: new Scale({ scale: [1, 2], trainable: true }),
    });
    const trainableBase = new Flow({ bijector: new Identity(), base: trainedBase as never });
    await argumentErrorOfAsync(() => saveFlow(trainableBase), refused('a base distribution with trainable variables at base'));
    const shifted = new TransformedDistribution({ distribution: new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] }), bijector: new Shift({ shift: [1, 1] }) });
    const unknownBase = new Flow({ bijector: new Identity(), base: shifted as never });
    await argumentErrorOfAsync(
      () => saveFlow(unknownBase),
      refused('a TransformedDistribution base distribution \\(known: Normal, Laplace, Logistic, StudentT, Uniform, MultivariateNormalDiag, Independent\\) at base'),
    );
    // Inside an Independent base, the path names the inner distribution.
    const inner = new Flow({ bijector: new Identity(), base: new Independent({ distribution: shifted, reinterpretedBatchNdims: 0 }) as never });
    await argumentErrorOfAsync(() => saveFlow(inner), refused('a TransformedDistribution base distribution \\(known: .*\\) at base\\.distribution'));
    objectConditioner.dispose();
    trainableBase.dispose();
    unknownBase.dispose();
    shift.dispose();
  });

  it('malformed parts are refused on load by path', async () => {
    const flow = new Flow({ bijector: new Chain([new Identity(), new Reverse()]), base: iid(new Normal({ loc: [0, 0], scale: [1, 1] })) });
    const json = await saveFlow(flow);
    const withPart = (part: unknown) => ({ ...json, bijector: { ...json.bijector!, bijectors: [{ type: 'Identity', name: 'Identity' }, part] } });
    expect(() => loadFlow(withPart({ type: 'Spiral', name: 's' }) as never)).toThrow(/^loadFlow: bijector\.bijectors\[1\]\.type must name a known bijector \(.*\), received "Spiral"$/);
    expect(() => loadFlow(withPart(null) as never)).toThrow(/^loadFlow: bijector\.bijectors\[1\]\.type must name a known bijector \(.*\), received undefined$/);
    expect(() => loadFlow(withPart({ type: 'Invert', name: 'i', bijector: { type: 'Spiral' } }) as never)).toThrow(/^loadFlow: bijector\.bijectors\[1\]\.bijector\.type must name a known bijector/);
    expect(() => loadFlow(withPart({ type: 'Coupling', name: 'c', transformer: { kind: 'affine' }, conditioner: null }) as never)).toThrow(
      /^loadFlow: bijector\.bijectors\[1\]\.conditioner\.type must be "MADE" or "DenseNetwork", received undefined$/,
    );
    expect(() => loadFlow({ ...json, base: null } as never)).toThrow(/^loadFlow: base\.type must name a known distribution, received undefined$/);
    expect(() => loadFlow(withPart({ type: 'Coupling', name: 'c', transformer: { kind: 'affine' }, conditioner: { type: 'Conv' } }) as never)).toThrow(
      /^loadFlow: bijector\.bijectors\[1\]\.conditioner\.type must be "MADE" or "DenseNetwork", received "Conv"$/,
    );
    expect(() => loadFlow({ ...json, base: { type: 'Gamma' } } as never)).toThrow(/^loadFlow: base\.type must name a known distribution, received "Gamma"$/);
    expect(() => loadFlow({ ...json, base: { type: 'Independent', reinterpretedBatchNdims: 1, distribution: { type: 'Beta' } } } as never)).toThrow(
      /^loadFlow: base\.distribution\.type must name a known distribution, received "Beta"$/,
    );
    flow.dispose();
  });
});
