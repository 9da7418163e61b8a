// The MDN's weights live in ONE flat float32 vector. Why: every variable costs the optimizer
// ~16 kernels per step (Adam: moments, bias correction, update), and at the tutorial's size
// (a 1 -> 20 -> 15 network, 375 weights) kernel launches, not arithmetic, set the speed. One
// vector also makes save/load, early-stopping snapshots and the fused kernel's I/O trivial.

import { glorotUniformBound, linearUniformBound, mulberry32 } from '@densityjs/core';

/** Hidden activation of an MDN. */
export type Activation = 'tanh' | 'relu' | 'sigmoid';
export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid'];

/** Everything that fixes the network's shape and its output maps (the fused kernel's attrs). */
export interface MdnLayout {
  /** Layer widths: [inputSize, ...hiddenUnits, headSize]. */
  sizes: number[];
  numComponents: number;
  outputSize: number;
  activation: Activation;
  /** Floor added to every component scale: sigma = softplus(raw) + minScale. */
  minScale: number;
  /**
   * 'full': each component also has the D(D-1)/2 free strictly-lower entries of its Cholesky
   * factor, after the raw scales in the head. Absent for diagonal components (the fused kernel's
   * layout).
   */
  covariance?: 'full';
}

/**
 * Covariance structures of the components.
 * @inline
 */
export type Covariance = 'diag' | 'full';

/**
 * Width of the output head: K mixture logits, then K*D locations, then K*D raw scales
 * (component-major: entry k*D + d), so one matmul produces all three; with full covariance
 * then K*D(D-1)/2 strictly-lower Cholesky entries (entry k*D(D-1)/2 + t).
 */
export function headSize(numComponents: number, outputSize: number, covariance: Covariance = 'diag'): number {
  const offDiagonal = covariance === 'full' ? (outputSize * (outputSize - 1)) / 2 : 0;
  return numComponents * (1 + 2 * outputSize + offDiagonal);
}

/** Offsets of layer l's weight matrix W_l ([in, out], row-major) and bias b_l in the vector. */
export function layerOffsets(sizes: readonly number[]): { w: number; b: number; in: number; out: number }[] {
  const result: { w: number; b: number; in: number; out: number }[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l]!;
    const nOut = sizes[l + 1]!;
    result.push({ w: offset, b: offset + nIn * nOut, in: nIn, out: nOut });
    offset += nIn * nOut + nOut;
  }
  return result;
}

export function numParams(sizes: readonly number[]): number {
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) total += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  return total;
}

/** softplus^{-1}(v) = log(expm1(v)), so a raw bias of this value starts the scale at v. */
export function inverseSoftplus(v: number): number {
  return v > 20 ? v : Math.log(Math.expm1(v));
}

/**
 * Initial weights, generated in plain JS from `seed` so every backend starts identically.
 * Hidden layers: weights and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn)) (PyTorch's nn.Linear).
 * Head: weights Glorot/Xavier uniform, U(-a, a) with a = sqrt(6 / (fanIn + fanOut)) (Glorot &
 * Bengio 2010); logit biases 0, raw-scale biases set so every component starts with scale 1
 * (matching standardized targets; minScale + 1e-3 when minScale >= 1) instead of softplus(0) = 0.69,
 * and location biases on a grid (below).
 */
export function initialParams(layout: MdnLayout, seed: number): Float32Array {
  const random = mulberry32(seed);
  const params = new Float32Array(numParams(layout.sizes));
  const layers = layerOffsets(layout.sizes);
  layers.forEach((layer, l) => {
    if (l < layers.length - 1) {
      // Hidden layers: weights and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn)) (PyTorch's
      // nn.Linear default). Nonzero biases put the units' bends at different inputs; with zero
      // biases every tanh bends at x = 0 and a 1-D input gets an odd, nearly linear basis.
      const a = linearUniformBound(layer.in);
      for (let i = 0; i < layer.in * layer.out; i++) params[layer.w + i] = (2 * random() - 1) * a;
      for (let o = 0; o < layer.out; o++) params[layer.b + o] = (2 * random() - 1) * a;
    } else {
      const a = glorotUniformBound(layer.in, layer.out);
      for (let i = 0; i < layer.in * layer.out; i++) params[layer.w + i] = (2 * random() - 1) * a;
    }
  });
  const last = layers[layers.length - 1]!;
  const K = layout.numComponents;
  const KD = K * layout.outputSize;
  const rawOne = inverseSoftplus(Math.max(1 - layout.minScale, 1e-3));
  for (let j = 0; j < KD; j++) params[last.b + K + KD + j] = rawOne;
  // Component locations start spread evenly over [-1.5, 1.5] (standardized units) instead of
  // all at 0: symmetric starts make components compete for the same mode and some end up
  // unused. Dimension 0 uses the grid in order, further dimensions a seeded shuffle of it.
  const D = layout.outputSize;
  const grid = Array.from({ length: K }, (_, k) => (K === 1 ? 0 : -1.5 + (3 * k) / (K - 1)));
  for (let d = 0; d < D; d++) {
    const order = grid.slice();
    if (d > 0) {
      for (let i = K - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    for (let k = 0; k < K; k++) params[last.b + K + k * D + d] = order[k]!;
  }
  return params;
}
