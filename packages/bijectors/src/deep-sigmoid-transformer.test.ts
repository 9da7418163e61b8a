import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose } from '@densityjs/testing';
import { deepSigmoid } from './deep-sigmoid-transformer.js';

/** float64 reference of logit(sum_j w_j sigmoid(a_j y + b_j)) and its log-derivative, per unit. */
function reference(y: number, p: number[], H: number): [number, number] {
  const softplus = (t: number) => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
  const a = p.slice(0, H).map((t) => softplus(t) + 1e-3);
  const b = p.slice(H, 2 * H);
  const wRaw = p.slice(2 * H);
  const m = Math.max(...wRaw);
  const z = wRaw.reduce((s, t) => s + Math.exp(t - m), 0);
  const w = wRaw.map((t) => Math.exp(t - m) / z);
  const lse = (xs: number[]) => {
    const mx = Math.max(...xs);
    return mx + Math.log(xs.reduce((s, t) => s + Math.exp(t - mx), 0));
  };
  const u = a.map((aj, j) => aj * y + b[j]!);
  const logC = lse(u.map((uj, j) => Math.log(w[j]!) - softplus(-uj)));
  const log1mC = lse(u.map((uj, j) => Math.log(w[j]!) - softplus(uj)));
  const logD = lse(u.map((uj, j) => Math.log(w[j]!) + Math.log(a[j]!) - softplus(-uj) - softplus(uj))) - logC - log1mC;
  return [logC - log1mC, logD];
}

describeEachBackend('deepSigmoid transformer', () => {
  const H = 3;
  it('its density direction matches a float64 reference, finite in the far tails', async () => {
    const ys = [-1e4, -60, -3, -0.5, 0, 0.7, 2.5, 60, 1e4];
    const p = tf.randomNormal([ys.length, 1, 3 * H], 0, 2, 'float32', 11);
    const pv = Array.from(await p.data());
    const y = tf.tensor2d(ys, [ys.length, 1]);
    const [x, ld] = tf.tidy(() => deepSigmoid({ hiddenUnits: H }).inverse(y, p, 'test'));
    const ref = ys.map((v, i) => reference(v, pv.slice(i * 3 * H, (i + 1) * 3 * H), H));
    await expectAllClose(x, ref.map((r) => [r[0]]), { atol: 1e-4, rtol: 1e-5 });
    await expectAllClose(ld, ref.map((r) => r[1]), { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([p, y, x, ld]);
  });

  it('the bisection inverts it to float32 accuracy, with opposite log-dets', async () => {
    const y = tf.mul(tf.randomNormal([64, 2], 0, 1, 'float32', 3), tf.tensor1d([1, 20]));
    const p = tf.randomNormal([64, 2, 3 * H], 0, 2, 'float32', 4);
    const t = deepSigmoid({ hiddenUnits: H });
    const [x, ldInv] = tf.tidy(() => t.inverse(y, p, 'test'));
    const [back, ldFwd] = tf.tidy(() => t.forward(x, p, 'test'));
    await expectAllClose(back, y, { atol: 2e-4, rtol: 1e-4 });
    await expectAllClose(ldFwd, tf.neg(ldInv), { atol: 2e-3 });
    tf.dispose([y, p, x, ldInv, back, ldFwd]);
  });

  it('refuses bad options and misshaped parameters', () => {
    expect(() => deepSigmoid({ hiddenUnits: 0 })).toThrow(/deepSigmoid: hiddenUnits must be a positive integer, received 0/);
    expect(() => deepSigmoid({ units: 3 } as never)).toThrow(/deepSigmoid/);
    const v = tf.zeros([2, 3]);
    const p = tf.zeros([2, 3, 5]);
    expect(() => deepSigmoid({ hiddenUnits: 2 }).inverse(v, p, 'Layer')).toThrow(/Layer: conditioner output must be a tensor of shape \[2,3,6\]/);
    // A missing last axis is refused too, though every axis present matches.
    expect(() => deepSigmoid({ hiddenUnits: 2 }).forward(v, v, 'Layer')).toThrow(/Layer: conditioner output must be a tensor of shape \[2,3,6\]/);
    tf.dispose([v, p]);
  });
});
