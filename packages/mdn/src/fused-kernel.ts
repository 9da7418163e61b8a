// The fused MDN loss as one tfjs kernel ('DensityjsMdnLoss') on the cpu and wasm backends,
// wrapped in `tf.customGrad`. The kernel returns the loss AND its gradient to the weight
// vector in one pass (the backward pass costs about as much as the forward, so computing it
// eagerly in the same loop is cheaper than a second kernel), and the custom gradient only
// scales it by dy. One training step is then ~20 kernels (most of them Adam's) instead of ~80.
//
// The kernel reads and writes the tensors' memory through @densityjs/core's DirectBackend (JS
// arrays on cpu, the heap on wasm), so this package depends on neither backend. Its work is
// done by the package's own WebAssembly SIMD module (wasm-mdn-loss.ts) on both backends, or
// where that cannot be compiled by the float64 JS loop nest (fused-loss.ts). Other backends
// (webgpu, webgl, tfjs-node) use the composed ops.
import * as tf from '@tensorflow/tfjs-core';
import { directKernelsActive, recordingGradients, registerDirectKernel, type DirectBackend } from '@densityjs/core';
import { fusedMdnLoss } from './fused-loss.js';
import { numParams, type Activation, type MdnLayout } from './layout.js';
import { wasmMdnKernelAvailable, wasmMdnLoss } from './wasm-mdn-loss.js';

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
 * Inputs `params`, `x`, `y` (and `indices`: the rows of a minibatch); outputs the loss and,
 * with `withGrad`, its gradient to the weight vector. Reads the tensors' memory directly
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
  // Views after the last allocation (an allocation may grow the wasm heap).
  if (wasmMdnKernelAvailable(layout)) {
    const loss = wasmMdnLoss(layout, d.view(params!), d.view(x!), d.view(y!), indices ? d.view(indices) : null, rows, gradInfo ? d.view(gradInfo) : null);
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
