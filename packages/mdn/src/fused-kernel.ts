// The fused MDN loss as one tfjs kernel ('DensityjsMdnLoss') on the cpu and wasm backends,
// wrapped in `tf.customGrad`. The kernel returns the loss AND its gradient to the weight
// vector in one pass (the backward pass costs about as much as the forward, so computing it
// eagerly in the same loop is cheaper than a second kernel), and the custom gradient only
// scales it by dy. One training step is then ~20 kernels (most of them Adam's) instead of ~80.
//
// cpu keeps tensor values in JS typed arrays (`backend.data.get(id).values`); wasm keeps them
// in its heap (`backend.typedArrayFromHeap`). Both are reached duck-typed, so this package
// depends on neither backend. Other backends (webgpu, webgl, tfjs-node) use the composed ops.
import * as tf from '@tensorflow/tfjs-core';
import { fusedMdnLoss } from './fused-loss.js';
import { numParams, type Activation, type MdnLayout } from './layout.js';

export const MDN_LOSS_KERNEL = 'DensityjsMdnLoss';
export const FUSED_BACKENDS: readonly string[] = ['cpu', 'wasm'];

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

interface CpuLike {
  data: { get(dataId: unknown): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array;
}

const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as CpuLike;
  const a = attrs as unknown as KernelAttrs;
  const layout = layoutOf(a);
  const { params, x, y, indices } = inputs as Record<string, tf.TensorInfo | undefined>;
  const read = (t: tf.TensorInfo) => b.data.get(t.dataId).values;
  const rows = indices ? indices.shape[0]! : x!.shape[0]!;
  const grad = a.withGrad ? new Float32Array(numParams(layout.sizes)) : null;
  const loss = fusedMdnLoss(
    layout,
    { params: read(params!), x: read(x!), y: read(y!), indices: indices ? read(indices) : null, rows },
    grad,
  );
  const lossInfo = b.makeTensorInfo([], 'float32', Float32Array.of(loss + a.lossOffset));
  return grad ? [lossInfo, b.makeTensorInfo([grad.length], 'float32', grad)] : [lossInfo];
};

const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmLike;
  const a = attrs as unknown as KernelAttrs;
  const layout = layoutOf(a);
  const { params, x, y, indices } = inputs as Record<string, tf.TensorInfo | undefined>;
  const rows = indices ? indices.shape[0]! : x!.shape[0]!;
  // Allocate outputs first: an allocation may grow the wasm heap and detach older views.
  const lossInfo = b.makeOutput([], 'float32');
  const P = numParams(layout.sizes);
  const gradInfo = a.withGrad ? b.makeOutput([P], 'float32') : null;
  const view = (t: tf.TensorInfo) => b.typedArrayFromHeap(t);
  const grad = gradInfo ? (view(gradInfo) as Float32Array) : null;
  const loss = fusedMdnLoss(
    layout,
    { params: view(params!), x: view(x!), y: view(y!), indices: indices ? view(indices) : null, rows },
    grad,
  );
  (view(lossInfo) as Float32Array)[0] = loss + a.lossOffset;
  return gradInfo ? [lossInfo, gradInfo] : [lossInfo];
};

let registered = false;

/** Registers the kernel for cpu and wasm once (a no-op where another copy already did). */
export function registerFusedKernel(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, tf.KernelFunc][] = [
    ['cpu', cpuKernel],
    ['wasm', wasmKernel],
  ];
  for (const [backendName, kernelFunc] of kernels) {
    if (!tf.getKernel(MDN_LOSS_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: MDN_LOSS_KERNEL, backendName, kernelFunc });
    }
  }
}

/** Whether the fused kernel can run on the active backend. */
export function fusedAvailable(): boolean {
  registerFusedKernel();
  return tf.getKernel(MDN_LOSS_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Whether a gradient tape is recording (inside tf.grad, variableGrads, optimizer.minimize).
 * Reads the engine's gradientDepth; if a tfjs version hides it, assume yes (always correct).
 */
function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: unknown } }).state;
  return typeof state?.gradientDepth === 'number' ? state.gradientDepth > 0 : true;
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
