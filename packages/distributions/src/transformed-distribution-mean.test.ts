import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import type { BijectorLike } from '@densityjs/core';
import { expect, it } from 'vitest';
import { Normal } from './normal.js';
import { TransformedDistribution } from './transformed-distribution.js';

/** y = 2x + 3 elementwise, as a structural bijector; `affine` says whether it declares itself affine. */
function affineMap(affine: boolean): BijectorLike & { affine?: boolean } {
  return {
    affine: affine || undefined,
    eventNdims: 0,
    forward: (x) => tf.tidy(() => tf.add(tf.mul(x, tf.scalar(2)), tf.scalar(3))),
    inverse: (y) => tf.tidy(() => tf.div(tf.sub(y, tf.scalar(3)), tf.scalar(2))),
    forwardAndLogDet: (x) => tf.tidy(() => [tf.add(tf.mul(x, tf.scalar(2)), tf.scalar(3)), tf.fill(x.shape, Math.log(2))] as [tf.Tensor, tf.Tensor]),
    inverseAndLogDet: (y) => tf.tidy(() => [tf.div(tf.sub(y, tf.scalar(3)), tf.scalar(2)), tf.fill(y.shape, -Math.log(2))] as [tf.Tensor, tf.Tensor]),
  };
}

describeEachBackend('TransformedDistribution mean and mode through affine bijectors', () => {
  it('are f(mean) and f(mode) of the base: 2 loc + 3 per batch member', async () => {
    const base = new Normal({ loc: [1, -4], scale: [2, 0.5] });
    const d = new TransformedDistribution({ distribution: base, bijector: affineMap(true) });
    const m = d.mean();
    const mo = d.mode();
    await expectAllClose(m, [5, -5]);
    await expectAllClose(mo, [5, -5]);
    await expectNoLeaks(() => tf.dispose([d.mean(), d.mode()]));
    tf.dispose([m, mo]);
    base.dispose();
  });
  it('are not implemented through a bijector that does not declare itself affine', () => {
    const base = new Normal({ loc: 0, scale: 1 });
    const d = new TransformedDistribution({ distribution: base, bijector: affineMap(false) });
    expect(() => d.mean()).toThrow(/mean \(only through an affine bijector/);
    base.dispose();
  });
});
