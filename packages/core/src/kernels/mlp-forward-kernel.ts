// The forward pass of a dense network as one kernel ('DensityjsMlpForward') on cpu and wasm:
//   h_0 = x,  z_i = [h_i, c] @ (W_i * M_i) + b_i,  a_i = act_i(z_i),  h_{i+1} = a_i (+ h_skip).
// Each layer is one matMul with bias and activation fused (XNNPACK on wasm), called directly
// on the backend, so the whole network costs the engine one kernel launch.
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';
import { FUSABLE_ACTIVATIONS, savedLayout, type MlpKernelConfig } from './mlp-kernel-config.js';

export const MLP_FORWARD_KERNEL = 'DensityjsMlpForward';

/** Attributes of the forward kernel: the network's config and whether to save activations. */
export interface MlpForwardAttrs extends MlpKernelConfig {
  /** Also return the packed activations the backward kernel needs (see savedLayout). */
  save: boolean;
}

/**
 * Inputs: `x` [batch, inputSize], `c` [contextBatch, contextSize] when a layer takes the
 * context, and per layer i `k{i}` (kernel), `b{i}` (bias), `m{i}` (mask, when masked).
 * Outputs: the network output [batch, units of the last layer], then (when `save`) the packed
 * activations, a flat tensor of `savedLayout(config).total` elements. Another direct kernel
 * may call it with its own DirectBackend (the outputs are then its own: `d.adopt` them).
 */
export function mlpForward(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const config = attrs as unknown as MlpForwardAttrs;
  const { layers, batch, contextSize, contextBatch } = config;
  const x = inputs['x']!;
  const c = inputs['c'];
  const hs: tf.TensorInfo[] = [d.reshape(x, [batch, config.inputSize])];
  const layerInputs: tf.TensorInfo[] = [];
  const acts: (tf.TensorInfo | undefined)[] = [];
  layers.forEach((layer, i) => {
    const h = hs[hs.length - 1]!;
    let input = h;
    if (layer.context) {
      // [h, c]: one copy, the context row repeated when the batch shares it.
      const width = h.shape[1]!;
      input = d.temp([batch, width + contextSize]);
      const dst = d.view(input);
      const hv = d.view(h);
      const cv = d.view(c!);
      const stride = width + contextSize;
      for (let r = 0; r < batch; r++) {
        dst.set(hv.subarray(r * width, (r + 1) * width), r * stride);
        const cr = contextBatch === 1 ? 0 : r;
        dst.set(cv.subarray(cr * contextSize, (cr + 1) * contextSize), r * stride + width);
      }
    }
    let kernel = layer.masked ? d.run('Multiply', { a: inputs[`k${i}`], b: inputs[`m${i}`] }) : inputs[`k${i}`]!;
    let bias = inputs[`b${i}`]!;
    const fusable = FUSABLE_ACTIVATIONS.includes(layer.activation);
    // tanh is not fused by tfjs' matMul kernels; on wasm it runs as 2 sigmoid(2z) - 1 with the
    // doubling folded into the weights.
    const doubled = layer.activation === 'tanh' && d.tanhWantsDoubled;
    if (doubled) {
      const k2 = d.doubled(kernel);
      if (layer.masked) d.free(kernel);
      kernel = k2;
      bias = d.doubled(bias);
    }
    let a = d.matMul(input, kernel, {
      bias,
      activation: fusable ? layer.activation : 'linear',
      leakyreluAlpha: config.leakyreluAlpha,
    });
    if (layer.masked || doubled) d.free(kernel);
    if (doubled) d.free(bias);
    if (!fusable) {
      const z = a;
      a = layer.activation === 'tanh' ? d.tanh(z, doubled) : d.reshape(d.run(layer.activation, { x: z }), [batch, layer.units]);
      d.free(z);
    }
    let out = a;
    if (layer.skipFrom >= 0) out = d.reshape(d.run('Add', { a, b: hs[layer.skipFrom]! }), [batch, layer.units]);
    layerInputs.push(input);
    acts.push(layer.activation === 'linear' ? undefined : a);
    hs.push(out);
  });
  const y = d.keep(hs[hs.length - 1]!);
  if (!config.save) return [y];
  const layout = savedLayout(config);
  const saved = d.keep(d.temp([layout.total]));
  const sv = d.view(saved);
  layers.forEach((_, i) => {
    if (i === 0 || layout.input[i] !== layout.act[i - 1]) sv.set(d.view(layerInputs[i]!), layout.input[i]!);
    if (acts[i]) sv.set(d.view(acts[i]!), layout.act[i]!);
  });
  return [y, saved];
}

/** Registers the forward kernel for cpu and wasm (once). */
export function registerMlpForwardKernel(): void {
  registerDirectKernel(MLP_FORWARD_KERNEL, mlpForward);
}
