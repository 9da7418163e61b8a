// Global-norm gradient clipping (TensorFlow's tf.clip_by_global_norm), used by the training loop.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Scales a set of gradients so their global norm is at most `clipNorm`:
 *
 *     ||g|| = sqrt(sum_k sum(g_k^2)),   g_k <- g_k * clipNorm / max(||g||, clipNorm),
 *
 * i.e. unchanged when ||g|| <= clipNorm, else every gradient shrunk by the same factor, so the
 * direction of the step is kept and only its length bounded (Pascanu et al. 2013). Missing
 * gradients stay missing. Returns new tensors (the inputs are left to the caller); with a
 * non-finite norm the result is non-finite too (0 x Infinity), as the unclipped step would be.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads).filter((k) => grads[k] != null);
    const out: tf.NamedTensorMap = {};
    if (names.length === 0) return out;
    const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k]!)))));
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    for (const k of names) out[k] = tf.mul(grads[k]!, scale);
    return out;
  });
}
