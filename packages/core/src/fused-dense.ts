// Fused dense networks as one `tf.customGrad` op.
//
// On cpu and wasm the forward pass is one kernel and the backward pass another
// (kernels/mlp-forward-kernel.ts, kernels/mlp-backward-kernel.ts), which call the backend's
// matMul directly. Other backends, or all of them after setDirectKernelsEnabled(false), run
// the composed path below.
//
// Why: on small batches tfjs speed is set by kernel launches (~20 us each on wasm), and tfjs'
// autodiff of `matMul` emits matMuls with transposeA/transposeB, which tfjs-backend-wasm runs
// outside XNNPACK (10-20x slower). Here the whole multi-layer perceptron (optionally masked,
// conditioned on a context, with residual skips) is one op: the forward pass is one
// _FusedMatMul kernel (bias and activation fused) per layer, and the hand-written backward pass
// uses `matMulFast` (on wasm an explicit `tf.transpose` + plain `tf.matMul`), so it needs no
// registered gradient at all.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';
import { argumentError, shapeText } from './errors.js';
import { matMulFast } from './gradients/matmul-gradient.js';
import { directKernelsActive, recordingGradients } from './kernels/direct-backend.js';
import type { MlpKernelConfig } from './kernels/mlp-kernel-config.js';
import { MLP_FORWARD_KERNEL, registerMlpForwardKernel } from './kernels/mlp-forward-kernel.js';
import { MLP_BACKWARD_KERNEL, registerMlpBackwardKernel } from './kernels/mlp-backward-kernel.js';

const OWNER = 'fusedMlp';

/** Activations that backward can differentiate from the layer output alone. */
export type DenseActivation = 'linear' | 'relu' | 'leakyrelu' | 'elu' | 'sigmoid' | 'tanh';

/** Every activation a {@link FusedLayer} accepts. */
export const DENSE_ACTIVATIONS: readonly DenseActivation[] = ['linear', 'relu', 'leakyrelu', 'elu', 'sigmoid', 'tanh'];

/** Slope of 'leakyrelu' for negative inputs (Keras/tfjs default 0.2). */
export const LEAKY_RELU_ALPHA = 0.2;

/**
 * One dense layer `a = act([h, c] @ (W * M) + b) (+ skip)`.
 * `kernel` has shape [inputs (+ contextSize when `context`), units]; rows of the context come last.
 */
export interface FusedLayer {
  /** Weights W, shape [inputs (+ contextSize), units]. */
  kernel: tf.Tensor2D;
  /** Bias b, shape [units]. */
  bias: tf.Tensor1D;
  /** 0/1 mask of the kernel's shape, applied once per call (MADE). */
  mask?: tf.Tensor2D;
  /** Activation `act` applied to the affine output. */
  activation: DenseActivation;
  /** Concatenate the network's context to this layer's input. */
  context?: boolean;
  /**
   * Residual skip: adds the input of layer `skipFrom` (0 = the network input) to this layer's
   * activation output. Shapes must agree.
   */
  skipFrom?: number;
}

/** Options of {@link fusedMlp}. */
export interface FusedMlpOptions {
  /** Shape appended to the batch shape of the output instead of [units of the last layer]. */
  outputShape?: number[];
}

function activate(layer: FusedLayer, input: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
  // Calls the _FusedMatMul kernel directly: `tf.fused.matMul` refuses to fuse a non-linear
  // activation while a gradient is being recorded (it cannot know our op differentiates
  // itself), which would cost two more kernels per layer. The kernel takes rank-3 operands.
  const act = layer.activation;
  const [rows, inner] = input.shape as [number, number];
  const units = kernel.shape[1]!;
  const out = tf.engine().runKernel(
    '_FusedMatMul',
    { a: tf.reshape(input, [1, rows, inner]), b: tf.reshape(kernel, [1, inner, units]), bias: layer.bias },
    {
      transposeA: false,
      transposeB: false,
      activation: act === 'tanh' ? 'linear' : act,
      leakyreluAlpha: act === 'leakyrelu' ? LEAKY_RELU_ALPHA : 0,
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
  const out2 = tf.reshape(out, [rows, units]);
  // tanh is not a fusable activation in tfjs.
  return act === 'tanh' ? tf.tanh(out2) : out2;
}

/** d loss / d z from d loss / d a, with a = act(z), using only the output a. */
function activationGrad(g: tf.Tensor, a: tf.Tensor, act: DenseActivation): tf.Tensor {
  switch (act) {
    case 'linear':
      return g;
    case 'relu':
      return tf.mul(g, tf.step(a)); // a > 0 exactly where z > 0
    case 'leakyrelu':
      return tf.mul(g, tf.step(a, LEAKY_RELU_ALPHA)); // sign(a) = sign(z)
    case 'elu':
      return tf.mul(g, tf.add(tf.minimum(a, 0), 1)); // z <= 0: a = e^z - 1, so e^z = a + 1
    case 'sigmoid':
      return tf.mul(g, tf.mul(a, tf.sub(1, a)));
    case 'tanh':
      return tf.mul(g, tf.sub(1, tf.square(a)));
  }
}

function checkLayers(layers: FusedLayer[], inputSize: number, contextSize: number): void {
  let width = inputSize;
  const widths = [inputSize];
  layers.forEach((layer, i) => {
    const rows = width + (layer.context ? contextSize : 0);
    if (layer.kernel.rank !== 2 || layer.kernel.shape[0] !== rows) {
      throw argumentError(OWNER, `layers[${i}].kernel`, `a tensor of shape [${rows}, units]`, layer.kernel);
    }
    const units = layer.kernel.shape[1];
    if (layer.bias.rank !== 1 || layer.bias.shape[0] !== units) {
      throw argumentError(OWNER, `layers[${i}].bias`, `a tensor of shape [${units}]`, layer.bias);
    }
    if (layer.mask && layer.mask.shape.join() !== layer.kernel.shape.join()) {
      throw argumentError(OWNER, `layers[${i}].mask`, `a tensor of the kernel's shape ${shapeText(layer.kernel.shape)}`, layer.mask);
    }
    if (!DENSE_ACTIVATIONS.includes(layer.activation)) {
      throw argumentError(OWNER, `layers[${i}].activation`, `one of ${DENSE_ACTIVATIONS.join(', ')}`, layer.activation);
    }
    if (layer.skipFrom !== undefined) {
      const k = layer.skipFrom;
      if (!Number.isInteger(k) || k < 0 || k > i || widths[k] !== units) {
        throw argumentError(OWNER, `layers[${i}].skipFrom`, `the index of an earlier layer input of width ${units}`, k);
      }
    }
    width = units;
    widths.push(units);
  });
}

/**
 * Runs a dense network as one differentiable op:
 *   h_0 = x,  h_{i+1} = act_i([h_i, c] @ (W_i * M_i) + b_i) + h_{skipFrom_i}.
 * `x` has shape batch + [inputSize]; `context` batch + [contextSize] or [contextSize] (shared
 * by the whole batch). Returns batch + (outputShape ?? [units of the last layer]).
 *
 * Gradients (for every input tensor: x, context, then kernel and bias of each layer) are
 *   dz_i = dh_{i+1} * act_i'(.),  dW_i = ([h_i, c]^T dz_i) * M_i,  db_i = sum_batch dz_i,
 *   d[h_i, c] = dz_i (W_i * M_i)^T  (+ the skip's dh),
 * with explicit transposes and no registered gradients. Must be called inside tf.tidy.
 */
export function fusedMlp(
  x: tf.Tensor,
  context: tf.Tensor | undefined,
  layers: FusedLayer[],
  { outputShape }: FusedMlpOptions = {},
): tf.Tensor {
  if (layers.length === 0) throw argumentError(OWNER, 'layers', 'a non-empty array', layers);
  if (x.rank < 1) throw argumentError(OWNER, 'x', 'a tensor of rank >= 1', x);
  const inputSize = x.shape[x.rank - 1]!;
  const batchShape = x.shape.slice(0, -1);
  const batch = batchShape.reduce((a, b) => a * b, 1);
  const usesContext = layers.some((l) => l.context);
  const contextSize = usesContext && context ? context.shape[context.rank - 1]! : 0;
  if (usesContext && !context) throw argumentError(OWNER, 'context', 'a tensor (a layer takes the context)', context);
  checkLayers(layers, inputSize, contextSize);
  const units = layers[layers.length - 1]!.kernel.shape[1];
  const outTail = outputShape ?? [units];
  if (outTail.reduce((a, b) => a * b, 1) !== units) {
    throw argumentError(OWNER, 'outputShape', `a shape of ${units} elements`, outTail);
  }
  let contextBatch = 0;
  if (usesContext && context) {
    const cBatch = context.shape.slice(0, -1);
    contextBatch = cBatch.reduce((a, b) => a * b, 1);
    if (contextBatch !== 1 && cBatch.join() !== batchShape.join()) {
      throw argumentError(OWNER, 'context', `a tensor of shape ${shapeText([...batchShape, contextSize])} or [${contextSize}]`, context);
    }
  }

  if (directKernelsActive()) {
    return directMlp(x, usesContext ? context : undefined, layers, { batchShape, batch, inputSize, contextSize, contextBatch, units, outTail });
  }
  const inputs: tf.Tensor[] = [x];
  if (usesContext) inputs.push(context!);
  for (const layer of layers) inputs.push(layer.kernel, layer.bias);

  const op = tf.customGrad((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xIn = args[0] as tf.Tensor;
    const h0 = xIn.rank === 2 ? xIn : tf.reshape(xIn, [batch, inputSize]);
    let c2: tf.Tensor | undefined;
    if (usesContext) {
      const cIn = args[1] as tf.Tensor;
      c2 = tf.reshape(cIn, [contextBatch, contextSize]);
      // Shared context: materialise once per call, reused by every layer.
      if (contextBatch !== batch) c2 = tf.tile(c2, [batch, 1]);
    }
    const hs: tf.Tensor[] = [h0];
    // What backward needs per layer: its input (h_i, or [h_i, c]) and, for a non-linear
    // activation, its output. `save` copies every tensor on wasm (an Identity kernel), so each
    // intermediate is saved once (the output of layer i is usually the input of layer i + 1),
    // and what backward can take from persistent tensors (kernels, masks) is not saved. The
    // input x is saved like any intermediate: in a stacked flow it is the previous layer's
    // output, which an enclosing tf.tidy disposes before backprop runs.
    const toSave: tf.Tensor[] = [];
    const slot = new Map<tf.Tensor, number>();
    const ref = (t: tf.Tensor): number => {
      let k = slot.get(t);
      if (k === undefined) {
        k = toSave.length;
        slot.set(t, k);
        toSave.push(t);
      }
      return k;
    };
    const inputRefs: number[] = [];
    const actRefs: number[] = [];
    layers.forEach((layer) => {
      const h = hs[hs.length - 1]!;
      const input = layer.context ? tf.concat([h, c2!], 1) : h;
      const kernel = layer.mask ? tf.mul(layer.kernel, layer.mask) : layer.kernel;
      const a = activate(layer, input, kernel);
      const out = layer.skipFrom !== undefined ? tf.add(a, hs[layer.skipFrom]!) : a;
      inputRefs.push(ref(input));
      actRefs.push(layer.activation === 'linear' ? -1 : ref(a));
      hs.push(out);
    });
    save(toSave);
    const last = hs[hs.length - 1]!;
    const value = tf.reshape(last, [...batchShape, ...outTail]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const n = layers.length;
      const dh: (tf.Tensor | undefined)[] = new Array(n + 1).fill(undefined);
      dh[n] = tf.reshape(dy, [batch, units]);
      const accumulate = (k: number, g: tf.Tensor) => {
        dh[k] = dh[k] ? tf.add(dh[k]!, g) : g;
      };
      let dc: tf.Tensor | undefined;
      const ones = tf.ones([1, batch]);
      const kernelGrads: tf.Tensor[] = [];
      for (let i = n - 1; i >= 0; i--) {
        const layer = layers[i]!;
        const g = dh[i + 1]!;
        if (layer.skipFrom !== undefined) accumulate(layer.skipFrom, g);
        const input = saved[inputRefs[i]!]!;
        const a = actRefs[i]! < 0 ? undefined : saved[actRefs[i]!]!;
        // Recomputing W * M costs what saving it would (a copy on wasm) and keeps less alive.
        const kernel = layer.mask ? tf.mul(layer.kernel, layer.mask) : layer.kernel;
        const dz = a ? activationGrad(g, a, layer.activation) : g;
        // matMulFast: explicit transpose + plain matMul on wasm, transpose flags elsewhere.
        let dW = matMulFast(input, dz, true, false);
        if (layer.mask) dW = tf.mul(dW, layer.mask);
        // Bias gradient as ones[1, batch] @ dz: a plain matMul, where a sum over axis 0 costs
        // wasm a full transpose of dz first.
        const db = tf.reshape(tf.matMul(ones, dz), [dz.shape[1]!]);
        kernelGrads[2 * i] = dW;
        kernelGrads[2 * i + 1] = db;
        const dInput = matMulFast(dz, kernel, false, true);
        if (layer.context) {
          const width = dInput.shape[1]! - contextSize;
          accumulate(i, tf.slice(dInput, [0, 0], [batch, width]));
          const dci = tf.slice(dInput, [0, width], [batch, contextSize]);
          dc = dc ? tf.add(dc, dci) : dci;
        } else {
          accumulate(i, dInput);
        }
      }
      const grads: tf.Tensor[] = [tf.reshape(dh[0]!, x.shape)];
      if (usesContext) {
        const dcFull = contextBatch !== batch ? tf.sum(dc!, 0, true) : dc!;
        grads.push(tf.reshape(dcFull, context!.shape));
      }
      return [...grads, ...kernelGrads];
    };
    return { value, gradFunc };
  });
  return op(...inputs);
}

interface MlpShapes {
  batchShape: number[];
  batch: number;
  inputSize: number;
  contextSize: number;
  contextBatch: number;
  units: number;
  outTail: number[];
}

/** fusedMlp on cpu and wasm: one forward kernel, one backward kernel. */
function directMlp(x: tf.Tensor, context: tf.Tensor | undefined, layers: FusedLayer[], s: MlpShapes): tf.Tensor {
  registerMlpForwardKernel();
  registerMlpBackwardKernel();
  const config: MlpKernelConfig = {
    layers: layers.map((l) => ({
      activation: l.activation,
      context: Boolean(l.context),
      skipFrom: l.skipFrom ?? -1,
      masked: l.mask !== undefined,
      rows: l.kernel.shape[0],
      units: l.kernel.shape[1],
    })),
    batch: s.batch,
    inputSize: s.inputSize,
    contextSize: s.contextSize,
    contextBatch: s.contextBatch,
    leakyreluAlpha: LEAKY_RELU_ALPHA,
  };
  const params: tf.NamedTensorMap = {};
  const masks: tf.NamedTensorMap = {};
  layers.forEach((l, i) => {
    params[`k${i}`] = l.kernel;
    params[`b${i}`] = l.bias;
    if (l.mask) masks[`m${i}`] = asFloat32(l.mask);
  });
  const outShape = [...s.batchShape, ...s.outTail];
  const as2d = (t: tf.Tensor, rows: number, cols: number) => (t.rank === 2 && t.shape[0] === rows ? t : tf.reshape(t, [rows, cols]));
  const run = (xIn: tf.Tensor, cIn: tf.Tensor | undefined, save: boolean): tf.Tensor[] => {
    const inputs: tf.NamedTensorMap = { x: asFloat32(as2d(xIn, s.batch, s.inputSize)), ...params, ...masks };
    if (cIn) inputs['c'] = asFloat32(as2d(cIn, s.contextBatch, s.contextSize));
    const attrs = { ...config, save } as unknown as tf.NamedAttrMap;
    const out = tf.engine().runKernel(MLP_FORWARD_KERNEL, inputs, attrs) as unknown as tf.Tensor[];
    return out;
  };
  const shaped = (y: tf.Tensor) => (y.shape.join() === outShape.join() ? y : tf.reshape(y, outShape));
  if (!recordingGradients()) return shaped(run(x, context, false)[0]!);
  const inputs: tf.Tensor[] = [x];
  if (context) inputs.push(context);
  for (const layer of layers) inputs.push(layer.kernel, layer.bias);
  const op = tf.customGrad((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [y, saved] = run(args[0] as tf.Tensor, context ? (args[1] as tf.Tensor) : undefined, true);
    save([saved!]);
    const gradFunc = (dy: tf.Tensor, savedTensors: tf.Tensor[]): tf.Tensor[] => {
      const grads = tf.engine().runKernel(
        MLP_BACKWARD_KERNEL,
        { dy: as2d(dy, s.batch, s.units), saved: savedTensors[0]!, ...params, ...masks },
        config as unknown as tf.NamedAttrMap,
      ) as unknown as tf.Tensor[];
      const dx = grads[0]!.shape.join() === x.shape.join() ? grads[0]! : tf.reshape(grads[0]!, x.shape);
      if (!context) return [dx, ...grads.slice(1)];
      const dc = grads[1]!.shape.join() === context.shape.join() ? grads[1]! : tf.reshape(grads[1]!, context.shape);
      return [dx, dc, ...grads.slice(2)];
    };
    return { value: shaped(y!), gradFunc };
  });
  return op(...inputs);
}

/**
 * One fused dense layer `act(x @ (kernel * mask) + bias)` with the same fast, registration-free
 * gradient as `fusedMlp`. `x`: batch + [inputs]; returns batch + [units].
 */
export function fusedDense(
  x: tf.Tensor,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  { activation = 'linear', mask }: { activation?: DenseActivation; mask?: tf.Tensor2D } = {},
): tf.Tensor {
  return fusedMlp(x, undefined, [{ kernel, bias, activation, ...(mask ? { mask } : {}) }]);
}
