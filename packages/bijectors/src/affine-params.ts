import * as tf from '@tensorflow/tfjs-core';
import { conditionerShapeError } from './coupling.js';
import { softClamp } from './ops.js';

/**
 * The affine transformer of RealNVP and MAF from a conditioner output, in few kernels (this is
 * the hot path of flow training):
 *   forward `y = v exp(s) + t`, log-det `sum s`; inverse `x = (v - t) exp(-s)`, log-det `-sum s`,
 * with `s = c tanh(raw / c)` (soft clamp). Accepted layouts of `params` for `n` units:
 * batch + [n, 2] (MADE with params = 2: `[..., i, 0]` shift, `[..., i, 1]` raw log-scale), split
 * by one Unpack, or batch + [2n] (n shifts, then n raw log-scales), split by one SplitV.
 */
export function affineTransform(
  v: tf.Tensor,
  params: tf.Tensor,
  clamp: number,
  inverse: boolean,
  owner: string,
): [tf.Tensor, tf.Tensor] {
  const batch = v.shape.slice(0, -1);
  const n = v.shape[v.rank - 1]!;
  const s = params.shape;
  const lastTwo = s.length === batch.length + 2 && s[s.length - 2] === n && s[s.length - 1] === 2;
  const flat = s.length === batch.length + 1 && s[s.length - 1] === 2 * n;
  const batchOk = batch.every((d, i) => s[i] === d);
  if (!batchOk || !(lastTwo || flat)) {
    throw conditionerShapeError(owner, `a tensor of shape [${[...batch, n, 2]}] or [${[...batch, 2 * n]}]`, params);
  }
  const [shift, raw] = (lastTwo ? tf.unstack(params, -1) : tf.split(params, 2, -1)) as [tf.Tensor, tf.Tensor];
  // The log-scale, negated in the inverse direction (folded into the clamp's multiplier).
  const logScale = softClamp(raw, clamp, inverse ? -1 : 1);
  const ld = tf.sum(logScale, -1);
  const out = inverse ? tf.mul(tf.sub(v, shift), tf.exp(logScale)) : tf.add(tf.mul(v, tf.exp(logScale)), shift);
  return [out, ld];
}
