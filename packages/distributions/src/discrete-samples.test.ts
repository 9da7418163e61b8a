// The discrete families and the composites built on them draw int32 samples, also when the draw
// is empty (returned without running the family's sampler); the continuous ones draw float32.
import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { deriveSeed } from '@densityjs/core';
import { describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Binomial } from './binomial.js';
import { Categorical } from './categorical.js';
import type { Distribution } from './distribution.js';
import { Independent } from './independent.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { Multinomial } from './multinomial.js';
import { Normal } from './normal.js';
import { Poisson } from './poisson.js';

describe('sample dtypes', () => {
  const cases: [string, () => Distribution, tf.DataType][] = [
    ['Bernoulli', () => new Bernoulli({ probs: [0.2, 0.7] }), 'int32'],
    ['Binomial', () => new Binomial({ totalCount: 5, probs: [0.2, 0.7] }), 'int32'],
    ['Categorical', () => new Categorical({ logits: [[0, 1, 2], [2, 1, 0]] }), 'int32'],
    ['Multinomial', () => new Multinomial({ totalCount: 4, logits: [0, 1, 2] }), 'int32'],
    ['Poisson', () => new Poisson({ rate: [0.5, 3] }), 'int32'],
    ['Independent(Poisson)', () => new Independent({ distribution: new Poisson({ rate: [0.5, 3] }), reinterpretedBatchNdims: 1 }), 'int32'],
    ['Independent(Normal)', () => new Independent({ distribution: new Normal({ loc: [0, 1], scale: 1 }), reinterpretedBatchNdims: 1 }), 'float32'],
    [
      'MixtureSameFamily(Poisson)',
      () => new MixtureSameFamily({ mixtureDistribution: new Categorical({ logits: [0, 1] }), componentsDistribution: new Poisson({ rate: [0.5, 3] }) }),
      'int32',
    ],
    [
      'MixtureSameFamily(Normal) of one component',
      () => new MixtureSameFamily({ mixtureDistribution: new Categorical({ logits: [0] }), componentsDistribution: new Normal({ loc: [1], scale: 1 }) }),
      'float32',
    ],
    [
      'MixtureSameFamily(Normal)',
      () => new MixtureSameFamily({ mixtureDistribution: new Categorical({ logits: [0, 1] }), componentsDistribution: new Normal({ loc: [0, 1], scale: 1 }) }),
      'float32',
    ],
  ];
  for (const [name, make, dtype] of cases) {
    it(`${name} draws ${dtype}, empty draws included`, async () => {
      const d = make();
      await expectNoLeaks(() => {
        const empty = d.sampleAndLogProb([2, 0]);
        const draws = [d.sample(3, { seed: 1 }), d.sample([0, 2]), empty.sample];
        expect(draws.map((s) => s.dtype)).toEqual([dtype, dtype, dtype]);
        expect(draws[1]!.shape).toEqual([0, 2, ...d.batchShape, ...d.eventShape]);
        tf.dispose([...draws, empty.logProb]);
      });
    });
  }
});

describe('Categorical parameters', () => {
  it('logProbs and probsParameter are the normalized log-probabilities and probabilities', async () => {
    const logits = [[0, 1, 2], [-1, -1, 3]];
    const d = new Categorical({ logits });
    const reference = logits.map((row) => {
      const norm = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      return row.map((v) => v - norm);
    });
    await expectNoLeaks(async () => {
      const [lp, p] = [d.logProbs(), d.probsParameter()];
      await expectAllClose(lp, reference, { rtol: 1e-6, atol: 1e-6 });
      await expectAllClose(p, reference.map((row) => row.map(Math.exp)), { rtol: 1e-6, atol: 1e-7 });
      tf.dispose([lp, p]);
    });
    d.dispose();
  });

  it('takes probs whose rows sum to 1 within K · 1e-5 (float32 rounding of K terms), and any probs with validateArgs: false', async () => {
    await expectNoLeaks(() => new Categorical({ probs: [[0.5, 0.25, 0.25002], [0.2, 0.3, 0.49998]] }).dispose());
    await expectNoLeaks(() => new Categorical({ probs: [0.5, 0.7], validateArgs: false }).dispose());
  });

  it('refuses probs or logits without a category axis', () => {
    const expected = 'a tensor of rank >= 1 (batch + [K]) with K >= 1, received a float32 tensor of shape';
    argumentErrorOf(() => new Categorical({ probs: 0.5 }), { argument: 'probs', message: `Categorical: probs must be ${expected} []` });
    argumentErrorOf(() => new Categorical({ logits: 0.5 }), { argument: 'logits', message: `Categorical: logits must be ${expected} []` });
    argumentErrorOf(() => new Categorical({ probs: [[], []] }), { argument: 'probs', message: `Categorical: probs must be ${expected} [2, 0]` });
    argumentErrorOf(() => new Categorical({ logits: [] }), { argument: 'logits', message: `Categorical: logits must be ${expected} [0]` });
  });
});

describe('MixtureSameFamily of one component', () => {
  it("draws exactly its component's draws", async () => {
    const component = new Normal({ loc: [[1], [-2]], scale: [[0.5], [3]] });
    const d = new MixtureSameFamily({ mixtureDistribution: new Categorical({ logits: [[0], [0]] }), componentsDistribution: component });
    const s = d.sample(4, { seed: 9 });
    const direct = component.sample(4, { seed: deriveSeed(9, 1) });
    await expectAllClose(s, tf.squeeze(direct, [-1]), { rtol: 0, atol: 0 });
    tf.dispose([s, direct]);
  });
});
