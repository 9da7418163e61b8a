import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { registerGradients } from '@densityjs/core';
import { affineTransform, LOG_SCALE_BOUND } from './affine-op.js';

/** The same transform written with plain ops, differentiated by tfjs' autodiff. */
function reference(v: tf.Tensor, p: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor] {
  const [shift, raw] = tf.unstack(p, -1) as [tf.Tensor, tf.Tensor];
  const a = tf.mul(tf.tanh(tf.div(raw, LOG_SCALE_BOUND)), LOG_SCALE_BOUND);
  if (inverse) return [tf.mul(tf.sub(v, shift), tf.exp(tf.neg(a))), tf.neg(tf.sum(a, -1))];
  return [tf.add(tf.mul(v, tf.exp(a)), shift), tf.sum(a, -1)];
}

describeEachBackend('affineTransform (fused op)', () => {
  for (const inverse of [false, true]) {
    it(`${inverse ? 'inverse' : 'forward'}: values and gradients match autodiff of the plain formula`, async () => {
      registerGradients();
      const v = tf.randomNormal([5, 3], 0, 2, 'float32', 1);
      const p = tf.randomNormal([5, 3, 2], 0, 3, 'float32', 2); // large raw log-scales hit the clamp
      const w = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
      const u = tf.randomNormal([5], 0, 1, 'float32', 4);
      // A scalar that weighs both outputs, so both incoming gradients (g and h) are exercised.
      const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor) => {
        const [out, ld] = f(a, b, inverse);
        return tf.add(tf.sum(tf.mul(out, w)), tf.sum(tf.mul(ld, u)));
      };
      await expectNoLeaks(async () => {
        // Internal op: callers run it inside tf.tidy, as here.
        const [o1, l1] = tf.tidy(() => affineTransform(v, p, inverse));
        const [o2, l2] = tf.tidy(() => reference(v, p, inverse));
        await expectAllClose(o1, o2, { atol: 1e-5, rtol: 1e-5 });
        await expectAllClose(l1, l2, { atol: 1e-5, rtol: 1e-5 });
        const g1 = tf.tidy(() => tf.grads(loss(affineTransform))([v, p]));
        const g2 = tf.tidy(() => tf.grads(loss(reference))([v, p]));
        await expectAllClose(g1[0]!, g2[0]!, { atol: 1e-4, rtol: 1e-4 });
        await expectAllClose(g1[1]!, g2[1]!, { atol: 1e-4, rtol: 1e-4 });
        tf.dispose([o1, l1, o2, l2, ...g1, ...g2]);
      });
      tf.dispose([v, p, w, u]);
    });
  }
});
