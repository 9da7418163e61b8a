import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, setDirectKernelsEnabled } from '@densityjs/core';
import { it, onTestFinished } from 'vitest';
import { describeEachBackend, expectAllClose } from '@densityjs/testing';
import { affineTransform } from './affine-transformer.js';

// The autodiff references below use plain ops: make sure their gradients are registered.
registerGradients();

/** The same transform written with plain differentiable ops (autodiff reference). */
function reference(v: tf.Tensor, params: tf.Tensor, clamp: number, inverse: boolean, lastTwo: boolean): [tf.Tensor, tf.Tensor] {
  const n = v.shape[v.rank - 1]!;
  const shift = lastTwo ? tf.squeeze(tf.slice(params, [0, 0, 0], [-1, n, 1]), [2]) : tf.slice(params, [0, 0], [-1, n]);
  const raw = lastTwo ? tf.squeeze(tf.slice(params, [0, 0, 1], [-1, n, 1]), [2]) : tf.slice(params, [0, n], [-1, n]);
  const s = Number.isFinite(clamp) ? tf.mul(tf.tanh(tf.div(raw, clamp)), clamp) : raw;
  if (!inverse) return [tf.add(tf.mul(v, tf.exp(s)), shift), tf.sum(s, -1)];
  return [tf.mul(tf.sub(v, shift), tf.exp(tf.neg(s))), tf.neg(tf.sum(s, -1))];
}

// cpu and wasm run the transform as core's direct kernel; with direct kernels off they run the
// composed op and custom gradient that the other backends (webgpu) run.
describeEachBackend('affineTransform (fused custom gradient)', () => {
  for (const direct of [true, false]) {
    for (const inverse of [false, true]) {
      for (const lastTwo of [true, false]) {
        for (const clamp of [2, Infinity]) {
          it(`values and gradients match autodiff (${direct ? 'direct kernel' : 'composed op'}, inverse ${inverse}, [n,2] layout ${lastTwo}, clamp ${clamp})`, async () => {
            const previous = setDirectKernelsEnabled(direct);
            onTestFinished(() => void setDirectKernelsEnabled(previous));
            const v = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
            const params = tf.randomNormal(lastTwo ? [5, 3, 2] : [5, 6], 0, 1.5, 'float32', 2);
            const w1 = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
            const w2 = tf.randomNormal([5], 0, 1, 'float32', 4);
            const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor) => {
              const [out, ld] = f(a, b, clamp, inverse, lastTwo);
              return tf.add(tf.sum(tf.mul(out, w1)), tf.sum(tf.mul(ld, w2)));
            };
            const fused = (a: tf.Tensor, b: tf.Tensor, c: number, inv: boolean) => affineTransform(a, b, c, inv, 'test');
            const [fo, fl] = fused(v, params, clamp, inverse);
            const [ro, rl] = reference(v, params, clamp, inverse, lastTwo);
            await expectAllClose(fo, ro, { atol: 1e-5, rtol: 1e-5 });
            await expectAllClose(fl, rl, { atol: 1e-5, rtol: 1e-5 });
            const gf = tf.grads(loss(fused as typeof reference))([v, params]);
            const gr = tf.grads(loss(reference))([v, params]);
            await expectAllClose(gf[0]!, gr[0]!, { atol: 1e-4, rtol: 1e-4 }, 'd/dv');
            await expectAllClose(gf[1]!, gr[1]!, { atol: 1e-4, rtol: 1e-4 }, 'd/dparams');
            tf.dispose([v, params, w1, w2, fo, fl, ro, rl, ...gf, ...gr]);
          });
        }
      }
    }
  }
});

describeEachBackend('affineTransform with two batch axes', () => {
  for (const direct of [true, false]) {
    it(`values and gradients equal those of the same rows flattened (${direct ? 'direct kernel' : 'composed op'}, [.., 2n] layout)`, async () => {
      const previous = setDirectKernelsEnabled(direct);
      onTestFinished(() => void setDirectKernelsEnabled(previous));
      const v = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 7);
      const params = tf.randomNormal([2, 4, 6], 0, 1.5, 'float32', 8);
      const w = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 9);
      const loss = (a: tf.Tensor, b: tf.Tensor) => {
        const [out, ld] = affineTransform(a, b, 2, true, 'test');
        return tf.add(tf.sum(tf.mul(out, tf.reshape(w, out.shape))), tf.sum(ld));
      };
      const g3 = tf.grads(loss)([v, params]);
      const g2 = tf.grads(loss)([tf.reshape(v, [8, 3]), tf.reshape(params, [8, 6])]);
      await expectAllClose(g3[0]!, tf.reshape(g2[0]!, [2, 4, 3]), { atol: 1e-5, rtol: 1e-5 }, 'd/dv');
      await expectAllClose(g3[1]!, tf.reshape(g2[1]!, [2, 4, 6]), { atol: 1e-5, rtol: 1e-5 }, 'd/dparams');
      tf.dispose([v, params, w, ...g3, ...g2]);
    });
  }
});
