// One conformance table over every transformer in both structures (zuko's approach): each
// (structure, transformer) pair must pass describeBijector, and the composed classes must be the
// same maps as the named factories built over them.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose } from '@densityjs/testing';
import {
  additive,
  affine,
  Coupling,
  deepSigmoid,
  MaskedAutoregressive,
  MaskedAutoregressiveFlow,
  NICE,
  rationalQuadratic,
  RealNVP,
  SplineCoupling,
  transformerFromJSON,
  type Transformer,
} from './index.js';
import { randomMade, randomMlp } from './test-networks.js';

const D = 4;
const transformers: [string, () => Transformer][] = [
  ['affine', () => affine()],
  ['affine, unclamped', () => affine({ logScaleClamp: Infinity })],
  ['additive', () => additive()],
  ['rationalQuadratic (K=5, B=3)', () => rationalQuadratic({ numBins: 5, bound: 3 })],
  ['deepSigmoid (H=4)', () => deepSigmoid({ hiddenUnits: 4 })],
];

transformers.forEach(([label, make], i) => {
  describeBijector({
    name: `Coupling with ${label} (D=${D}, context)`,
    make: () => {
      const transformer = make();
      return new Coupling({
        numMasked: 2,
        contextSize: 2,
        transformer,
        conditioner: randomMlp({ inSize: 2, hidden: 10, outShape: [D - 2, transformer.paramsPerUnit], seed: 10 + i, gain: 1.2, contextSize: 2 }),
      });
    },
    eventShape: [D],
    contextSize: 2,
    input: { scale: 1.5 },
  });
  describeBijector({
    name: `MaskedAutoregressive with ${label} (D=${D})`,
    make: () => {
      const transformer = make();
      return new MaskedAutoregressive({
        transformer,
        conditioner: randomMade({ eventSize: D, hidden: 12, params: transformer.paramsPerUnit, seed: 20 + i, gain: 1.2 }),
      });
    },
    eventShape: [D],
    input: { scale: 1.5 },
  });
});

describeEachBackend('transformer composition', () => {
  it('the named layers are the composed classes with their transformer', async () => {
    const net = randomMlp({ inSize: 2, hidden: 8, outShape: [2, 2], seed: 3 });
    const x = tf.randomNormal([5, D], 0, 1, 'float32', 4);
    const named = new RealNVP({ numMasked: 2, conditioner: net, disposeConditioner: false });
    const composed = new Coupling({ numMasked: 2, conditioner: net, transformer: affine(), disposeConditioner: false });
    const [y1, ld1] = named.forwardAndLogDet(x);
    const [y2, ld2] = composed.forwardAndLogDet(x);
    await expectAllClose(y1, y2, { atol: 1e-6 });
    await expectAllClose(ld1, ld2, { atol: 1e-6 });
    expect(named).toBeInstanceOf(Coupling);
    expect(new NICE({ conditioner: (v) => v })).toBeInstanceOf(Coupling);
    expect(new SplineCoupling({ conditioner: (v) => v }).transformer.kind).toBe('rationalQuadratic');
    expect(new MaskedAutoregressiveFlow({ conditioner: (v) => v })).toBeInstanceOf(MaskedAutoregressive);
    tf.dispose([x, y1, ld1, y2, ld2]);
    net.dispose();
  });

  it('numMasked defaults to floor(D / 2)', async () => {
    // The conditioner sees exactly the first floor(D/2) units.
    const seen: number[] = [];
    const b = new Coupling({ transformer: additive(), conditioner: (x1) => (seen.push(x1.shape[1]!), tf.zeros([x1.shape[0]!, 5 - x1.shape[1]!])) });
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 1);
    const y = b.forward(x);
    expect(seen).toEqual([2]);
    await expectAllClose(y, x, { atol: 0 });
    tf.dispose([x, y]);
  });

  it('additive layers are volume preserving, the others are not', () => {
    expect(new Coupling({ transformer: additive(), conditioner: (v) => v }).volumePreserving).toBe(true);
    expect(new Coupling({ transformer: affine(), conditioner: (v) => v }).volumePreserving).toBe(false);
  });

  it('transformers round-trip through JSON', async () => {
    const x = tf.randomNormal([6, 3], 0, 2, 'float32', 5);
    for (const [, make] of transformers) {
      const t = make();
      const back = transformerFromJSON(JSON.parse(JSON.stringify(t.toJSON())));
      expect(back.toJSON()).toEqual(t.toJSON());
      expect(t.kind).toBe(t.toJSON().kind);
      const p = tf.randomNormal([6, 3, t.paramsPerUnit], 0, 3, 'float32', 6);
      const params = t.kind === 'additive' ? tf.reshape(p, [6, 3]) : p;
      const [a, la] = t.forward(x, params, 'test');
      const [b, lb] = back.forward(x, params, 'test');
      await expectAllClose(a, b, { atol: 0 });
      await expectAllClose(la, lb, { atol: 0 });
      tf.dispose([p, params, a, la, b, lb]);
    }
    expect(() => transformerFromJSON({ kind: 'cubic' as never })).toThrow(/transformerFromJSON: kind must be 'affine', 'additive', 'rationalQuadratic' or 'deepSigmoid', received "cubic"/);
    x.dispose();
  });

  it('names a missing transformer and a transformer whose parameters do not fit', () => {
    expect(() => new Coupling({ conditioner: (v: tf.Tensor) => v } as never)).toThrow(/Coupling: transformer must be a transformer such as affine\(\)/);
    expect(() => new MaskedAutoregressive({ conditioner: (v) => v, transformer: {} as never })).toThrow(/MaskedAutoregressive: transformer must be/);
    const b = new MaskedAutoregressive({ transformer: rationalQuadratic({ numBins: 4 }), conditioner: (y) => tf.stack([y, y], -1) });
    const y = tf.zeros([2, 3]);
    expect(() => b.inverse(y)).toThrow(/MaskedAutoregressive: conditioner output must be a tensor of shape \[2,3,11\]/);
    y.dispose();
  });
});
