// The fused MDN loss as one tfjs kernel ('DensityjsMdnLoss') on the cpu and wasm backends,
// wrapped in `tf.customGrad`. The kernel returns the loss AND its gradient to the weight
// vector in one pass (the backward pass costs about as much as the forward, so computing it
// eagerly in the same loop is cheaper than a second kernel), and the custom gradient only
// scales it by dy. One training step is then ~20 kernels (most of them Adam's) instead of ~80.
//
// The kernel reads and writes the tensors' memory through @densityjs/core's DirectBackend (JS
// arrays on cpu, the heap on wasm), so this package depends on neither backend. Other
// backends (webgpu, webgl, tfjs-node) use the composed ops.
import * as tf from '@tensorflow/tfjs-core';
import { directKernelsActive, mlpBackward, mlpForward, recordingGradients, registerDirectKernel, type DirectBackend, type MlpKernelConfig } from '@densityjs/core';
import { fusedMdnLoss, mixtureLoss } from './fused-loss.js';
import { layerOffsets, numParams, type Activation, type MdnLayout } from './layout.js';

/** Name of the fused MDN loss kernel (forward pass, NLL and gradient in one), registered for cpu and wasm. */
export const MDN_LOSS_KERNEL = 'DensityjsMdnLoss';

interface KernelAttrs {
  sizes: number[];
  numComponents: number;
  outputSize: number;
  activation: Activation;
  minScale: number;
  withGrad: boolean;
  /** Constant added to the loss (log-Jacobian of the target standardization). */
  lossOffset: number;
}

function layoutOf(attrs: KernelAttrs): MdnLayout {
  return {
    sizes: attrs.sizes,
    numComponents: attrs.numComponents,
    outputSize: attrs.outputSize,
    activation: attrs.activation,
    minScale: attrs.minScale,
  };
}

/**
 * Below this many rows the all-JS loop nest beats the matMul path on wasm, whose ~15 backend
 * calls cost a fixed ~50 us.
 */
const MATMUL_MIN_ROWS = 64;

/** The MDN's dense layers as core's dense-network kernel config (no masks, context or skips). */
function mlpConfig(layout: MdnLayout, batch: number): MlpKernelConfig {
  const layers = layout.sizes.length - 1;
  return {
    layers: layout.sizes.slice(1).map((units, l) => ({
      activation: l < layers - 1 ? layout.activation : 'linear',
      context: false,
      skipFrom: -1,
      masked: false,
      rows: layout.sizes[l]!,
      units,
    })),
    batch,
    inputSize: layout.sizes[0]!,
    contextSize: 0,
    contextBatch: 1,
    leakyreluAlpha: 0,
    inputGrad: false,
  };
}

/**
 * The loss (and gradient into `gradInfo`) with the dense layers on the backend's matMul
 * (XNNPACK's SIMD kernels on wasm, through core's `mlpForward` / `mlpBackward`) and the
 * mixture NLL and its gradient to the head in JS (`mixtureLoss`):
 *   head = net(x),  loss = mixtureLoss(head, y),  dHead = d loss / d head,
 *   (dW_l, db_l) = backprop of dHead through the layers.
 */
function matMulLoss(
  d: DirectBackend,
  layout: MdnLayout,
  params: tf.TensorInfo,
  x: tf.TensorInfo,
  y: tf.TensorInfo,
  indices: tf.TensorInfo | undefined,
  rows: number,
  gradInfo: tf.TensorInfo | null,
): number {
  const offsets = layerOffsets(layout.sizes);
  const inputSize = layout.sizes[0]!;
  const headSize = layout.sizes[offsets.length]!;
  let xb = x;
  if (indices) {
    // The minibatch's rows of x, gathered into one [rows, inputSize] block.
    xb = d.temp([rows, inputSize]);
    const src = d.view(x);
    const dst = d.view(xb);
    const idx = d.view(indices);
    for (let r = 0; r < rows; r++) {
      const from = idx[r]! * inputSize;
      for (let i = 0; i < inputSize; i++) dst[r * inputSize + i] = src[from + i]!;
    }
  }
  const weights: Record<string, tf.TensorInfo> = {};
  offsets.forEach(({ w, b, in: nIn, out: nOut }, l) => {
    weights[`k${l}`] = d.viewOf(params, w, [nIn, nOut]);
    weights[`b${l}`] = d.viewOf(params, b, [nOut]);
  });
  const config = mlpConfig(layout, rows);
  const withGrad = gradInfo !== null;
  const forward = mlpForward(d, { inputs: { x: xb, ...weights }, attrs: { ...config, save: withGrad } as unknown as tf.NamedAttrMap });
  forward.forEach((t) => d.adopt(t));
  const [head, saved] = forward as [tf.TensorInfo, tf.TensorInfo | undefined];
  const dHead = withGrad ? d.temp([rows, headSize]) : null;
  // Views after the last allocation (an allocation may grow the wasm heap).
  const loss = mixtureLoss(layout, d.view(head), dHead ? d.view(dHead) : null, d.view(y), indices ? d.view(indices) : null, rows);
  if (!withGrad) return loss;
  const grads = mlpBackward(d, { inputs: { dy: dHead!, saved: saved!, ...weights }, attrs: config as unknown as tf.NamedAttrMap });
  grads.forEach((t) => d.adopt(t));
  // grads = [dx, dW_0, db_0, dW_1, db_1, ...]: packed into the weight vector's layout.
  const g = d.view(gradInfo);
  offsets.forEach(({ w, b }, l) => {
    g.set(d.view(grads[1 + 2 * l]!), w);
    g.set(d.view(grads[2 + 2 * l]!), b);
  });
  return loss;
}

/**
 * Inputs `params`, `x`, `y` (and `indices`: the rows of a minibatch); outputs the loss and,
 * with `withGrad`, its gradient to the weight vector. Runs on the tensors' memory directly
 * (core's DirectBackend: JS arrays on cpu, the heap on wasm).
 */
function mdnLossKernel(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const a = attrs as unknown as KernelAttrs;
  const layout = layoutOf(a);
  const { params, x, y, indices } = inputs as Record<string, tf.TensorInfo | undefined>;
  const rows = indices ? indices.shape[0]! : x!.shape[0]!;
  // Allocate outputs first: an allocation may grow the wasm heap and detach older views.
  const lossInfo = d.keep(d.temp([]));
  const gradInfo = a.withGrad ? d.keep(d.temp([numParams(layout.sizes)])) : null;
  if (d.name === 'wasm' && rows >= MATMUL_MIN_ROWS) {
    const loss = matMulLoss(d, layout, params!, x!, y!, indices, rows, gradInfo);
    d.view(lossInfo)[0] = loss + a.lossOffset;
    return gradInfo ? [lossInfo, gradInfo] : [lossInfo];
  }
  const grad = gradInfo ? d.view(gradInfo) : null;
  const loss = fusedMdnLoss(
    layout,
    { params: d.view(params!), x: d.view(x!), y: d.view(y!), indices: indices ? d.view(indices) : null, rows },
    grad,
  );
  d.view(lossInfo)[0] = loss + a.lossOffset;
  return gradInfo ? [lossInfo, gradInfo] : [lossInfo];
}

/** Registers the kernel for cpu and wasm once (a no-op where another copy already did). */
export function registerFusedKernel(): void {
  registerDirectKernel(MDN_LOSS_KERNEL, mdnLossKernel);
}

/** Whether the fused kernel runs on the active backend (and direct kernels are enabled). */
export function fusedAvailable(): boolean {
  registerFusedKernel();
  return directKernelsActive() && tf.getKernel(MDN_LOSS_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Mean mixture NLL of rows `indices` (all rows when null) through the fused kernel.
 * Differentiable with respect to `params` only (x and y are data).
 */
export function fusedLoss(
  layout: MdnLayout,
  params: tf.Tensor1D,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  indices: tf.Tensor1D | null,
  lossOffset = 0,
): tf.Scalar {
  registerFusedKernel();
  // Outside tf.grad / minimize nobody asks for the gradient: skip its half of the work.
  if (!recordingGradients()) return fusedLossValue(layout, params, x, y, indices, lossOffset);
  const attrs = { ...layout, withGrad: true, lossOffset } as unknown as tf.NamedAttrMap;
  const inputs: tf.NamedTensorMap = indices ? { x, y, indices } : { x, y };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const p = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const [loss, grad] = tf.engine().runKernel(MDN_LOSS_KERNEL, { params: p, ...inputs }, attrs) as tf.Tensor[];
    save([grad!]);
    return { value: loss as tf.Scalar, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]!) };
  });
  return op(params) as tf.Scalar;
}

/** The fused loss without its gradient (evaluation: validation loss, scoring). */
export function fusedLossValue(
  layout: MdnLayout,
  params: tf.Tensor1D,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  indices: tf.Tensor1D | null = null,
  lossOffset = 0,
): tf.Scalar {
  registerFusedKernel();
  const attrs = { ...layout, withGrad: false, lossOffset } as unknown as tf.NamedAttrMap;
  const inputs: tf.NamedTensorMap = indices ? { params, x, y, indices } : { params, x, y };
  const out = tf.engine().runKernel(MDN_LOSS_KERNEL, inputs, attrs) as tf.Tensor | tf.Tensor[];
  return (Array.isArray(out) ? out[0] : out) as tf.Scalar;
}
