// Bad parameters and inputs end in an ArgumentError that names the argument, leak nothing,
// and seed 0 is a seed like any other.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@densityjs/core';
import { expectNoLeaks } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Categorical } from './categorical.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';
import { Gamma } from './gamma.js';
import { StudentT } from './student-t.js';

function rejects(make: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    make();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ArgumentError);
  expect((err as Error).message).toMatch(pattern);
}

describe('distribution parameters', () => {
  it('refuses NaN and infinite parameters, naming them, without leaking', async () => {
    await expectNoLeaks(() => {
      rejects(() => new Normal({ loc: NaN, scale: 1 }), /^Normal: loc must be a number \(not NaN\), received NaN$/);
      rejects(() => new Normal({ loc: [0, Infinity], scale: 1 }), /Normal: loc must be finite, received Infinity \(at flat index 1\)/);
      rejects(() => new Normal({ loc: 0, scale: -1 }), /Normal: scale must be > 0, received -1/);
      rejects(() => new Normal({ loc: 0, scale: Infinity }), /Normal: scale must be finite/);
      rejects(() => new Uniform({ low: 0, high: Infinity }), /Uniform: high must be finite/);
      rejects(() => new Uniform({ low: 1, high: 0 }), /Uniform: high - low must be > 0/);
      rejects(() => new Gamma({ concentration: [1, NaN], rate: 1 }), /Gamma: concentration must be a number \(not NaN\)/);
      rejects(() => new StudentT({ df: 3, loc: 0, scale: [[1, 0]] }), /StudentT: scale must be > 0/);
      rejects(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 5], [0, 1]] }), /lower triangular/);
      rejects(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1, 1] }), /does not broadcast/);
    });
  });

  it('refuses parameters whose shapes do not broadcast, as an ArgumentError, without leaking', async () => {
    await expectNoLeaks(() => {
      rejects(() => new Normal({ loc: [0, 1], scale: [1, 2, 3] }), /Normal: scale of shape \[3\] does not broadcast with loc of shape \[2\]/);
    });
  });

  it('refuses a Categorical without categories', async () => {
    await expectNoLeaks(() => {
      rejects(() => new Categorical({ logits: [] }), /Categorical: logits must be a tensor of rank >= 1 \(batch \+ \[K\]\) with K >= 1/);
      rejects(() => new Categorical({ probs: [[], []] }), /Categorical: probs must be/);
    });
  });

  it('frees parameters it created when a later check fails, never the caller’s tensors', async () => {
    const loc = tf.tensor1d([0, 1]);
    await expectNoLeaks(() => rejects(() => new Normal({ loc, scale: [1, -1] }), /scale must be > 0/));
    expect(loc.isDisposed).toBe(false);
    loc.dispose();
  });
});

describe('distribution inputs', () => {
  it('refuses disposed, string and non-broadcasting inputs with the argument name', async () => {
    const d = new Normal({ loc: [0, 1, 2], scale: 1 });
    const gone = tf.zeros([3]);
    gone.dispose();
    await expectNoLeaks(() => {
      rejects(() => d.logProb(gone), /Normal: x must be a live tensor \(this one was disposed\), received a disposed float32 tensor of shape \[3\]/);
      const text = tf.tensor1d(['a', 'b', 'c'] as never, 'string');
      rejects(() => d.logProb(text), /Normal: x must be a float32 or int32 or bool tensor/);
      text.dispose();
      const x = tf.zeros([2]);
      rejects(() => d.logProb(x), /Normal: x must be a tensor whose shape broadcasts with batch shape \[3\] \+ event shape \[\]/);
      rejects(() => d.cdf(x), /broadcasts with batch shape \[3\]/);
      x.dispose();
      rejects(() => d.logProb([1, 2, 3] as never), /Normal: x must be a tf.Tensor, received \[1, 2, 3\]/);
    });
    const mvn = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
    const wrong = tf.zeros([4, 3]);
    rejects(() => mvn.logProb(wrong), /event shape \[2\]/);
    tf.dispose([wrong]);
    mvn.dispose();
    d.dispose();
  });

  it('accepts an int32 input and an empty batch', async () => {
    const d = new Normal({ loc: 0, scale: 1 });
    const x = tf.tensor1d([0, 1], 'int32');
    const lp = d.logProb(x);
    const data = await lp.data();
    expect(data[0]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI), 5);
    expect(data[1]).toBeCloseTo(-0.5 - 0.5 * Math.log(2 * Math.PI), 5);
    const empty = tf.zeros([0]);
    const lpEmpty = d.logProb(empty);
    expect(lpEmpty.shape).toEqual([0]);
    const s0 = d.sample(0);
    expect(s0.shape).toEqual([0]);
    tf.dispose([x, lp, empty, lpEmpty, s0]);
    d.dispose();
  });
});

describe('seeds', () => {
  const mixture = () =>
    new MixtureSameFamily({
      mixtureDistribution: new Categorical({ logits: [0, 1] }),
      componentsDistribution: new Normal({ loc: [-1, 1], scale: [0.5, 2] }),
    });
  const makers: [string, () => { sample: (n: number, o: { seed?: number }) => tf.Tensor; dispose?: () => void }][] = [
    ['Normal', () => new Normal({ loc: 0, scale: 1 })],
    ['Uniform', () => new Uniform({ low: 0, high: 1 })],
    ['Gamma', () => new Gamma({ concentration: 2, rate: 1 })],
    ['Categorical', () => new Categorical({ logits: [0, 1, 2] })],
    ['MixtureSameFamily', mixture],
  ];
  for (const [name, make] of makers) {
    it(`${name}: seed 0 reproduces its draws and differs from seed 1`, async () => {
      const d = make();
      const draw = async (seed: number) => {
        const s = d.sample(50, { seed });
        const v = Array.from(await s.data());
        s.dispose();
        return v;
      };
      const a = await draw(0);
      expect(await draw(0)).toEqual(a);
      expect(await draw(1)).not.toEqual(a);
      d.dispose?.();
    });
  }

  it('refuses NaN and non-integer seeds', async () => {
    const d = new Normal({ loc: 0, scale: 1 });
    await expectNoLeaks(() => {
      rejects(() => d.sample(3, { seed: NaN }), /Normal: seed must be an integer/);
      rejects(() => d.sample(3, { seed: 1.5 }), /Normal: seed must be an integer/);
      rejects(() => d.sampleAndLogProb(3, { seed: '1' as never }), /Normal: seed must be an integer/);
    });
    d.dispose();
  });
});
