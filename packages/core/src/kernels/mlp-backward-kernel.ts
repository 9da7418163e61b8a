// The backward pass of a dense network as one kernel ('DensityjsMlpBackward') on cpu and wasm.
// With g_{i+1} = dL/dh_{i+1} (dy for the last layer, plus what skips pass back):
//   dz_i = g_{i+1} * act_i'(z_i)          (from the saved a_i alone)
//   dW_i = ([h_i, c]^T dz_i) * M_i,  db_i = sum over the batch of dz_i
//   d[h_i, c] = dz_i (W_i * M_i)^T,   g_i += its h_i columns, dc += its context columns.
// The matMuls run on the backend's matMul (explicit transposes on wasm, where transposed
// operands leave XNNPACK); the elementwise parts are plain loops over the tensors' memory.
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';
import { savedLayout, type MlpKernelConfig } from './mlp-kernel-config.js';

export const MLP_BACKWARD_KERNEL = 'DensityjsMlpBackward';

/** dz = g * act'(z), written into `out`, from the activation output a = act(z). */
function activationGrad(act: string, g: Float32Array, a: Float32Array, out: Float32Array, alpha: number): void {
  const n = out.length;
  switch (act) {
    case 'relu':
      for (let j = 0; j < n; j++) out[j] = a[j]! > 0 ? g[j]! : 0;
      return;
    case 'leakyrelu':
      for (let j = 0; j < n; j++) out[j] = a[j]! > 0 ? g[j]! : alpha * g[j]!;
      return;
    case 'elu':
      // z <= 0: a = e^z - 1, so act'(z) = e^z = a + 1.
      for (let j = 0; j < n; j++) out[j] = a[j]! > 0 ? g[j]! : g[j]! * (a[j]! + 1);
      return;
    case 'sigmoid':
      for (let j = 0; j < n; j++) out[j] = g[j]! * a[j]! * (1 - a[j]!);
      return;
    case 'tanh':
      for (let j = 0; j < n; j++) out[j] = g[j]! * (1 - a[j]! * a[j]!);
      return;
    default:
      throw new Error(`${MLP_BACKWARD_KERNEL}: no derivative for activation ${act}`);
  }
}

/**
 * Inputs: `dy` [batch, units of the last layer], `saved` (the forward kernel's packed
 * activations), and per layer i `k{i}` and, when masked, `m{i}`. Outputs: dx [batch,
 * inputSize], dc [contextBatch, contextSize] when a layer takes the context, then dW_i, db_i
 * for every layer. Callable from another direct kernel, like `mlpForward`.
 */
export function mlpBackward(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const config = attrs as unknown as MlpKernelConfig;
  const { layers, batch, contextSize, contextBatch, leakyreluAlpha } = config;
  const n = layers.length;
  const layout = savedLayout(config);
  const saved = inputs['saved']!;
  const usesContext = layers.some((l) => l.context);
  const dh: (tf.TensorInfo | undefined)[] = new Array(n + 1).fill(undefined);
  dh[n] = inputs['dy']!;
  // g is added into dh[k]; a first contribution is copied (dy itself is never written).
  const accumulate = (k: number, g: tf.TensorInfo, cols: number, colOffset: number, stride: number) => {
    let target = dh[k];
    if (!target) {
      target = d.zeros([batch, cols]);
      dh[k] = target;
    }
    const t = d.view(target);
    const gv = d.view(g);
    for (let r = 0; r < batch; r++) {
      const src = r * stride + colOffset;
      const dst = r * cols;
      for (let j = 0; j < cols; j++) t[dst + j] = t[dst + j]! + gv[src + j]!;
    }
  };
  let dc: tf.TensorInfo | undefined;
  if (usesContext) dc = d.zeros([contextBatch, contextSize]);
  const grads: tf.TensorInfo[] = new Array(2 * n);
  for (let i = n - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const g = dh[i + 1]!;
    const units = layer.units;
    if (layer.skipFrom >= 0) accumulate(layer.skipFrom, g, units, 0, units);
    let dz = g;
    if ((layer.activation === 'relu' || layer.activation === 'leakyrelu') && d.name === 'wasm') {
      // On wasm two SIMD kernels beat a JS loop over the heap: dz = g * step(a), where a > 0
      // exactly where z > 0 (step gives alpha elsewhere: the leaky slope).
      const a = d.viewOf(saved, layout.act[i]!, [batch, units]);
      const slope = d.run('Step', { x: a }, { alpha: layer.activation === 'relu' ? 0 : leakyreluAlpha });
      dz = d.reshape(d.run('Multiply', { a: g, b: slope }), [batch, units]);
      d.free(slope);
      d.free(a);
    } else if (layer.activation === 'tanh' && d.name === 'wasm') {
      // dz = g (1 - a^2) through SIMD kernels (a JS loop over the wasm heap is ~5x slower).
      const a = d.viewOf(saved, layout.act[i]!, [batch, units]);
      const square = d.run('Square', { x: a });
      const slope = d.affine(square, -1, 1);
      dz = d.reshape(d.run('Multiply', { a: g, b: slope }), [batch, units]);
      d.free(square);
      d.free(slope);
      d.free(a);
    } else if (layer.activation !== 'linear') {
      dz = d.temp([batch, units]);
      const a = d.view(saved).subarray(layout.act[i]!, layout.act[i]! + batch * units);
      activationGrad(layer.activation, d.view(g), a, d.view(dz), leakyreluAlpha);
    }
    const input = d.viewOf(saved, layout.input[i]!, [batch, layer.rows]);
    let dW = d.matMul(input, dz, { transposeA: true });
    d.free(input);
    if (layer.masked) {
      const masked = d.run('Multiply', { a: dW, b: inputs[`m${i}`] });
      d.free(dW);
      dW = d.reshape(masked, [layer.rows, units]);
    }
    const db = d.sumRows(dz);
    grads[2 * i] = d.keep(dW);
    grads[2 * i + 1] = d.keep(db);
    const kernel = layer.masked ? d.run('Multiply', { a: inputs[`k${i}`], b: inputs[`m${i}`] }) : inputs[`k${i}`]!;
    const dInput = d.matMul(dz, kernel, { transposeB: true });
    if (layer.masked) d.free(kernel);
    if (dz !== g) d.free(dz);
    if (g !== inputs['dy']) d.free(g);
    const width = layer.rows - (layer.context ? contextSize : 0);
    if (layer.context) {
      // d[h, c]: the first `width` columns go to h_i, the last `contextSize` to the context
      // (summed over the batch when one context row is shared).
      accumulate(i, dInput, width, 0, layer.rows);
      const dcv = d.view(dc!);
      const src = d.view(dInput);
      for (let r = 0; r < batch; r++) {
        const cr = contextBatch === 1 ? 0 : r;
        const o = r * layer.rows + width;
        for (let j = 0; j < contextSize; j++) dcv[cr * contextSize + j] = dcv[cr * contextSize + j]! + src[o + j]!;
      }
      d.free(dInput);
    } else if (dh[i]) {
      accumulate(i, dInput, width, 0, width);
      d.free(dInput);
    } else {
      dh[i] = dInput;
    }
  }
  const out = [d.keep(dh[0]!)];
  if (dc) out.push(d.keep(dc));
  return [...out, ...grads];
}

/** Registers the backward kernel for cpu and wasm (once). */
export function registerMlpBackwardKernel(): void {
  registerDirectKernel(MLP_BACKWARD_KERNEL, mlpBackward);
}
