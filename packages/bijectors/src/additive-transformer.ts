import * as tf from '@tensorflow/tfjs-core';
import { conditionerShapeError } from './conditioner.js';
import type { Transformer } from './transformer.js';

/** Shift per unit from batch + [n] or batch + [n, 1]; throws on any other shape. */
function shiftOf(v: tf.Tensor, params: tf.Tensor, owner: string): tf.Tensor {
  const batch = v.shape.slice(0, -1);
  const n = v.shape[v.rank - 1]!;
  const s = params.shape;
  const batchOk = batch.every((d, i) => s[i] === d);
  if (batchOk && s.length === batch.length + 1 && s[s.length - 1] === n) return params;
  if (batchOk && s.length === batch.length + 2 && s[s.length - 2] === n && s[s.length - 1] === 1) return tf.reshape(params, v.shape);
  throw conditionerShapeError(owner, `a tensor of shape [${[...batch, n]}] (one shift per unit)`, params);
}

/**
 * The additive transformer of NICE: `tau(v) = v + t`, volume preserving (`log|dtau/dv| = 0`),
 * from one shift per unit.
 */
export function additive(): Transformer {
  const zeros = (v: tf.Tensor): tf.Tensor => tf.zeros(v.shape.slice(0, -1));
  return {
    kind: 'additive',
    paramsPerUnit: 1,
    volumePreserving: true,
    forward: (v, params, owner) => [tf.add(v, shiftOf(v, params, owner)), zeros(v)],
    inverse: (v, params, owner) => [tf.sub(v, shiftOf(v, params, owner)), zeros(v)],
    toJSON: () => ({ kind: 'additive' }),
  };
}
