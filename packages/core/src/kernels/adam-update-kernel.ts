// One Adam step over every variable as one kernel ('DensityjsAdamUpdate') on cpu and wasm:
// a single loop over the parameters instead of ~12 elementwise kernels plus the
// concatenation and split of every variable.
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';

export const ADAM_UPDATE_KERNEL = 'DensityjsAdamUpdate';

/** Attributes: the bias-corrected step size and epsilon of this step (see FusedAdam). */
export interface AdamUpdateAttrs {
  lrT: number;
  epsT: number;
  beta1: number;
  beta2: number;
  /** Number of variables. */
  count: number;
}

/**
 * Inputs: `m`, `v` (flat moments over all variables, in order), per variable i `p{i}` and its
 * gradient `g{i}` (absent: a zero gradient). Outputs: the new m, the new v, then each
 * variable's new value (its shape):
 *   m ← β1 m + (1 - β1) g,  v ← β2 v + (1 - β2) g²,  p ← p - lr_t m / (sqrt(v) + ε_t).
 */
function adamUpdate(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { lrT, epsT, beta1, beta2, count } = attrs as unknown as AdamUpdateAttrs;
  const m = inputs['m']!;
  const v = inputs['v']!;
  // Allocate every output before taking views (an allocation may move the wasm heap).
  const newM = d.keep(d.temp([...m.shape]));
  const newV = d.keep(d.temp([...v.shape]));
  const params: tf.TensorInfo[] = [];
  for (let i = 0; i < count; i++) params.push(d.keep(d.temp([...inputs[`p${i}`]!.shape])));
  const mv = d.view(m);
  const vv = d.view(v);
  const nm = d.view(newM);
  const nv = d.view(newV);
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const p = d.view(inputs[`p${i}`]!);
    const out = d.view(params[i]!);
    const gInfo = inputs[`g${i}`];
    const g = gInfo ? d.view(gInfo) : undefined;
    const n = p.length;
    for (let j = 0; j < n; j++) {
      const k = offset + j;
      const gj = g ? g[j]! : 0;
      const mj = beta1 * mv[k]! + c1 * gj;
      const vj = beta2 * vv[k]! + c2 * gj * gj;
      nm[k] = mj;
      nv[k] = vj;
      out[j] = p[j]! - (lrT * mj) / (Math.sqrt(vj) + epsT);
    }
    offset += n;
  }
  return [newM, newV, ...params];
}

/** Registers the Adam kernel for cpu and wasm (once). */
export function registerAdamUpdateKernel(): void {
  registerDirectKernel(ADAM_UPDATE_KERNEL, adamUpdate);
}
