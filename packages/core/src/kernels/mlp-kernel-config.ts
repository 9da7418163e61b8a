// What the fused dense-network kernels agree on: the network's shape as kernel attributes and
// where the forward kernel packs the activations the backward kernel needs.

/** Per layer: activation, whether the context is appended to its input, skip source, mask. */
export interface MlpLayerSpec {
  /** Activation of the layer's output (one of core's dense activations). */
  activation: string;
  /** Whether the network's context is appended to this layer's input. */
  context: boolean;
  /** Index of the layer input added to this layer's output (0 = network input); -1: none. */
  skipFrom: number;
  /** Whether a 0/1 mask multiplies the kernel. */
  masked: boolean;
  /** Rows of the kernel (inputs of the layer, context included) and units. */
  rows: number;
  /** Output units of the layer (columns of the kernel). */
  units: number;
}

/** Attributes of the forward and backward kernels. */
export interface MlpKernelConfig {
  /** The layers, input to output. */
  layers: MlpLayerSpec[];
  /** Rows of the input. */
  batch: number;
  /** Width of the network input (context excluded). */
  inputSize: number;
  /** Width of the context (0: none). */
  contextSize: number;
  /** 1: one context row shared by the whole batch; otherwise `batch`. */
  contextBatch: number;
  /** Slope of 'leakyrelu' for negative inputs. */
  leakyreluAlpha: number;
}

/**
 * Offsets (in elements) in the packed buffer of saved activations: per layer the input of its
 * matMul ([batch, rows], context columns included) and, for a non-linear activation, its
 * activation output a = act(z) ([batch, units]). When layer i's input is layer i - 1's
 * activation output (no context, no skip), both share one slot.
 */
export interface MlpSavedLayout {
  input: number[];
  act: number[];
  total: number;
}

export function savedLayout(config: MlpKernelConfig): MlpSavedLayout {
  const { layers, batch } = config;
  const input: number[] = [];
  const act: number[] = [];
  let total = 0;
  layers.forEach((layer, i) => {
    const prev = layers[i - 1];
    if (prev && !layer.context && prev.skipFrom < 0 && act[i - 1]! >= 0) {
      input.push(act[i - 1]!);
    } else {
      input.push(total);
      total += batch * layer.rows;
    }
    if (layer.activation !== 'linear') {
      act.push(total);
      total += batch * layer.units;
    } else {
      act.push(-1);
    }
  });
  return { input, act, total };
}

/** Activations the matMul kernels of tfjs apply themselves (tanh is applied after). */
export const FUSABLE_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'leakyrelu', 'elu', 'sigmoid'];
