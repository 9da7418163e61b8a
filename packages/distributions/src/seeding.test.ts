// The same seed gives the same draws on every backend: tfjs generates randomNormal and
// randomUniform in JS (tfjs-core), and the transforms on top are elementwise float32 math.
import * as tf from '@tensorflow/tfjs-core';
import { availableBackends, expectAllClose, useBackend } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Beta } from './beta.js';
import { Categorical } from './categorical.js';
import type { Distribution } from './distribution.js';
import { Gamma } from './gamma.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import { Normal } from './normal.js';
import { StudentT } from './student-t.js';

const makers: Record<string, () => Distribution> = {
  Normal: () => new Normal({ loc: [0, 1], scale: [1, 3] }),
  Gamma: () => new Gamma({ concentration: [0.4, 5], rate: 2 }),
  Beta: () => new Beta({ concentration1: [0.5, 2], concentration0: 3 }),
  StudentT: () => new StudentT({ df: 4, loc: 0, scale: [1, 2] }),
  Categorical: () => new Categorical({ logits: [[0, 1, 2], [3, 0, -1]] }),
  MultivariateNormalTriL: () => new MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] }),
  MixtureSameFamily: () =>
    new MixtureSameFamily({
      mixtureDistribution: new Categorical({ logits: [0, 1] }),
      componentsDistribution: new Normal({ loc: [-1, 1], scale: [0.5, 2] }),
    }),
};

describe('seeded sampling across backends', async () => {
  const backends = await availableBackends();
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: the same seed gives the same samples on ${backends.join(', ')}`, async () => {
      const draws: Float32Array[] = [];
      try {
        for (const backend of backends) {
          await useBackend(backend);
          const d = make();
          const s = d.sample(200, { seed: 99 });
          draws.push(Float32Array.from((await s.data()) as Iterable<number>));
          s.dispose();
          d.dispose?.();
        }
      } finally {
        await useBackend('cpu');
      }
      for (let i = 1; i < draws.length; i++) {
        await expectAllClose(draws[i]!, draws[0]!, { rtol: 1e-5, atol: 1e-6 }, `${backends[i]} vs ${backends[0]}`);
      }
      expect(draws[0]!.length).toBeGreaterThan(0);
    });
  }
  it('keeps tf on a usable backend', () => {
    expect(tf.getBackend()).toBe('cpu');
  });
});
