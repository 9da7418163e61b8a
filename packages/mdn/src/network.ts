// The MDN network and loss in composed tfjs ops: the path for every backend without the fused
// kernel (webgpu, webgl, tfjs-node), the source of `distribution(x)`'s parameters, and the
// reference the fused kernel is tested against.
import * as tf from '@tensorflow/tfjs-core';
import { fullComponentLogProb, offDiagonalCount } from './full-covariance.js';
import { layerOffsets, type MdnLayout } from './layout.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface MixtureParams {
  /** [N, K] unnormalized mixture log-weights. */
  logits: tf.Tensor2D;
  /** [N, K, D] component locations. */
  locs: tf.Tensor3D;
  /** [N, K, D] component scales, softplus(raw) + minScale > 0 (the Cholesky diagonal with full covariance). */
  scales: tf.Tensor3D;
  /** [N, K, D(D-1)/2] strictly-lower Cholesky entries (full covariance only). */
  offDiagonal?: tf.Tensor3D;
}

function activate(h: tf.Tensor2D, activation: MdnLayout['activation']): tf.Tensor2D {
  if (activation === 'tanh') return tf.tanh(h);
  if (activation === 'relu') return tf.relu(h);
  return tf.sigmoid(h);
}

/** The head [N, K + 2KD] of the network for inputs x [N, inputSize]. */
export function networkHead(layout: MdnLayout, params: tf.Tensor1D, x: tf.Tensor2D): tf.Tensor2D {
  const layers = layerOffsets(layout.sizes);
  let h = x;
  layers.forEach((layer, l) => {
    const w = tf.reshape(tf.slice(params, layer.w, layer.in * layer.out), [layer.in, layer.out]);
    const b = tf.slice(params, layer.b, layer.out);
    h = tf.add(tf.matMul(h, w), b);
    if (l < layers.length - 1) h = activate(h, layout.activation);
  });
  return h;
}

/**
 * Splits the head into logits [N, K], locations and raw scales [N, K, D], and with full
 * covariance the strictly-lower Cholesky entries [N, K, D(D-1)/2].
 */
export function splitHead(layout: MdnLayout, head: tf.Tensor2D): { logits: tf.Tensor2D; locs: tf.Tensor3D; raw: tf.Tensor3D; offDiagonal?: tf.Tensor3D } {
  const n = head.shape[0];
  const K = layout.numComponents;
  const D = layout.outputSize;
  if (layout.covariance === 'full') {
    const T = offDiagonalCount(D);
    const [logits, locs, raw, off] = tf.split(head, [K, K * D, K * D, K * T], 1) as tf.Tensor2D[];
    return { logits: logits!, locs: tf.reshape(locs!, [n, K, D]), raw: tf.reshape(raw!, [n, K, D]), offDiagonal: tf.reshape(off!, [n, K, T]) };
  }
  const [logits, locs, raw] = tf.split(head, [K, K * D, K * D], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  return { logits, locs: tf.reshape(locs, [n, K, D]), raw: tf.reshape(raw, [n, K, D]) };
}

/** sigma = softplus(raw) + minScale: positive, smooth, and floored so a component cannot collapse to 0. */
export function scaleMap(layout: MdnLayout, raw: tf.Tensor): tf.Tensor {
  return tf.add(tf.softplus(raw), layout.minScale);
}

/** Mixture parameters for inputs x [N, inputSize]. */
export function mixtureParams(layout: MdnLayout, params: tf.Tensor1D, x: tf.Tensor2D): MixtureParams {
  const { logits, locs, raw, offDiagonal } = splitHead(layout, networkHead(layout, params, x));
  return { logits, locs, scales: scaleMap(layout, raw) as tf.Tensor3D, ...(offDiagonal ? { offDiagonal } : {}) };
}

/**
 * Per-row log p(y | x) = logSumExp_k [logSoftmax(logits)_k + sum_d log N(y_d; mu_kd, sigma_kd)]
 * for y [N, D]; shape [N]. Same math as the fused kernel, in tfjs ops (autodiff gradients).
 * With full covariance the component term is log N(y; mu_k, L_k L_k^T) (`fullComponentLogProb`).
 */
export function mixtureLogProb(layout: MdnLayout, params: tf.Tensor1D, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
  const { logits, locs, scales, offDiagonal } = mixtureParams(layout, params, x);
  if (offDiagonal) return tf.logSumExp(tf.add(tf.logSoftmax(logits), fullComponentLogProb(y, locs, scales, offDiagonal)), 1) as tf.Tensor1D;
  const z = tf.div(tf.sub(tf.expandDims(y, 1), locs), scales);
  const perDim = tf.neg(tf.add(tf.mul(tf.square(z), 0.5), tf.add(tf.log(scales), HALF_LOG_2PI)));
  const comp = tf.add(tf.logSoftmax(logits), tf.sum(perDim, 2));
  return tf.logSumExp(comp, 1) as tf.Tensor1D;
}

/** Mean NLL over the rows of x, y: the generic (composed-ops) training loss. */
export function genericLoss(layout: MdnLayout, params: tf.Tensor1D, x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(mixtureLogProb(layout, params, x, y))) as tf.Scalar;
}
