import * as tf from '@tensorflow/tfjs-core';
import { conditionerShapeError } from './coupling.js';
import { softClamp } from './ops.js';

/**
 * Splits a conditioner output into `[shift, logScale]` for `n` units, with one split op.
 * Accepted layouts: batch + [n, 2] (MADE with params = 2: `[..., i, 0]` shift, `[..., i, 1]`
 * log-scale) or batch + [2n] (first n shifts, then n log-scales). The log-scale is soft-clamped
 * to (-clamp, clamp).
 */
export function splitShiftAndLogScale(
  params: tf.Tensor,
  batch: readonly number[],
  n: number,
  clamp: number,
  owner: string,
): [tf.Tensor, tf.Tensor] {
  const s = params.shape;
  const lastTwo = s.length === batch.length + 2 && s[s.length - 2] === n && s[s.length - 1] === 2;
  const flat = s.length === batch.length + 1 && s[s.length - 1] === 2 * n;
  const batchOk = batch.every((d, i) => s[i] === d);
  if (!batchOk || !(lastTwo || flat)) {
    throw conditionerShapeError(owner, `a tensor of shape [${[...batch, n, 2]}] or [${[...batch, 2 * n]}]`, params);
  }
  const [shift, raw] = tf.split(params, 2, -1) as [tf.Tensor, tf.Tensor];
  const shape = [...batch, n];
  return [lastTwo ? tf.reshape(shift, shape) : shift, softClamp(lastTwo ? tf.reshape(raw, shape) : raw, clamp)];
}
