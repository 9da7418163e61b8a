// One update of the weights' moving average over every variable as one kernel
// ('DensityjsWeightAverageUpdate') on cpu and wasm: a single loop over the parameters instead
// of three elementwise kernels per variable after every optimizer step.
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';

export const WEIGHT_AVERAGE_KERNEL = 'DensityjsWeightAverageUpdate';

/** Attributes: the averaging momentum β and the number of variables. */
export interface WeightAverageAttrs {
  momentum: number;
  count: number;
}

/**
 * Inputs: `sums` (the flat running sums over all variables, in order) and per variable i its
 * current value `p{i}`. Output: the new flat sums,
 *   s ← β s + (1 - β) p.
 */
function weightAverageUpdate(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { momentum, count } = attrs as unknown as WeightAverageAttrs;
  const sums = inputs['sums']!;
  // Allocate the output before taking views (an allocation may move the wasm heap).
  const out = d.keep(d.temp([...sums.shape]));
  const s = d.view(sums);
  const o = d.view(out);
  const c = 1 - momentum;
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const p = d.view(inputs[`p${i}`]!);
    const n = p.length;
    for (let j = 0; j < n; j++) o[offset + j] = momentum * s[offset + j]! + c * p[j]!;
    offset += n;
  }
  return out;
}

/** Registers the weight-average kernel for cpu and wasm (once). */
export function registerWeightAverageKernel(): void {
  registerDirectKernel(WEIGHT_AVERAGE_KERNEL, weightAverageUpdate);
}
