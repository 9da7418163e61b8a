import * as tf from '@tensorflow/tfjs-core';
import {
  asFloat32,
  argumentError,
  checkContext,
  deriveSeed,
  DENSE_ACTIVATIONS,
  freshSeed,
  fusedMlp,
  linearInit,
  registerGradients,
  type DenseActivation,
  type FusedLayer,
} from '@densityjs/core';

/** Options of {@link MaskedDense}. */
export interface MaskedDenseOptions {
  /** Number of inputs (rows of the kernel, context excluded). */
  inputSize: number;
  /** Number of output units (columns of the kernel). */
  units: number;
  /** 0/1 matrix of shape [inputSize, units] (kernel layout); all ones when omitted. */
  mask?: number[][];
  /** Size of an unmasked conditioning input concatenated to x. Default 0. */
  contextSize?: number;
  /** Default 'linear'. */
  activation?: DenseActivation;
  /**
   * Scale of the initial weights and bias relative to PyTorch's nn.Linear default with the
   * masked fan-in: unit j starts U(-a_j, a_j), a_j = initScale / sqrt(unmasked inputs of j).
   * Default 1.
   */
  initScale?: number;
  /** Seeds the initial weights: any integer, 0 included. Default: a fresh random seed. */
  seed?: number;
}

/** The kernel mask with `contextSize` rows of ones (context is unmasked) appended. */
export function maskTensor(mask: number[][], contextSize: number): tf.Tensor2D {
  const cols = mask[0]?.length ?? 0;
  const rows = contextSize > 0 ? [...mask, ...Array.from({ length: contextSize }, () => new Array<number>(cols).fill(1))] : mask;
  return tf.tensor2d(rows, [rows.length, cols], 'float32');
}

export function checkActivation(owner: string, activation: unknown): DenseActivation {
  if (!DENSE_ACTIVATIONS.includes(activation as DenseActivation)) {
    throw argumentError(owner, 'activation', `one of ${DENSE_ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, activation);
  }
  return activation as DenseActivation;
}

/**
 * A dense layer with a fixed 0/1 connectivity mask: `y = act([x, c] @ (W * [M; 1]) + b)`.
 * The mask multiplies the kernel once per call and the gradient is masked too, so masked
 * weights never influence the output. Forward and backward run as one fused op (see
 * `fusedMlp` in @densityjs/core): no transposed matMuls, no registered gradients needed.
 */
export class MaskedDense {
  /** Number of inputs (context excluded). */
  readonly inputSize: number;
  /** Number of output units. */
  readonly units: number;
  /** Size of the unmasked conditioning input (0: none). */
  readonly contextSize: number;
  /** Activation of the output. */
  readonly activation: DenseActivation;
  /** The 0/1 mask M, shape [inputSize, units]. */
  readonly mask: number[][];
  /** Weights W, shape [inputSize + contextSize, units] (context rows last). */
  readonly kernel: tf.Variable<tf.Rank.R2>;
  /** Bias b, shape [units]. */
  readonly bias: tf.Variable<tf.Rank.R1>;
  private readonly maskT: tf.Tensor2D;
  private disposed = false;

  constructor(options: MaskedDenseOptions) {
    const owner = 'MaskedDense';
    if (options === null || typeof options !== 'object') throw argumentError(owner, 'options', 'an object', options);
    const { inputSize, units, contextSize = 0, activation = 'linear', initScale = 1, seed } = options;
    for (const [name, value] of [['inputSize', inputSize], ['units', units]] as const) {
      if (!Number.isInteger(value) || value < 1) throw argumentError(owner, name, 'a positive integer', value);
    }
    if (!Number.isInteger(contextSize) || contextSize < 0) {
      throw argumentError(owner, 'contextSize', 'a non-negative integer', contextSize);
    }
    if (typeof initScale !== 'number' || !(initScale >= 0)) throw argumentError(owner, 'initScale', 'a number >= 0', initScale);
    this.activation = checkActivation(owner, activation);
    const mask = options.mask ?? Array.from({ length: inputSize }, () => new Array<number>(units).fill(1));
    const validMask =
      Array.isArray(mask) &&
      mask.length === inputSize &&
      mask.every((row) => Array.isArray(row) && row.length === units && row.every((v) => v === 0 || v === 1));
    if (!validMask) throw argumentError(owner, 'mask', `a 0/1 matrix of shape [${inputSize}, ${units}]`, mask);
    registerGradients();
    this.inputSize = inputSize;
    this.units = units;
    this.contextSize = contextSize;
    this.mask = mask.map((row) => [...row]);
    this.maskT = tf.keep(maskTensor(this.mask, contextSize));
    const init = linearInit({ rows: inputSize + contextSize, cols: units, mask: this.mask, scale: initScale, seed: deriveSeed(seed ?? freshSeed(), 0)! });
    this.kernel = tf.variable(init.kernel);
    this.bias = tf.variable(init.bias);
    tf.dispose([init.kernel, init.bias]);
  }

  /** x: batch + [inputSize]; context: batch + [contextSize] or [contextSize]. */
  apply(x: tf.Tensor, { context }: { context?: tf.Tensor } = {}): tf.Tensor {
    const owner = 'MaskedDense.apply';
    if (this.disposed) throw new Error('MaskedDense: used after dispose()');
    if (!(x instanceof tf.Tensor) || x.rank < 1 || x.shape[x.rank - 1] !== this.inputSize) {
      throw argumentError(owner, 'x', `a tensor of shape [..., ${this.inputSize}]`, x);
    }
    checkContext(owner, context, this.contextSize, x.shape.slice(0, -1), { what: 'layer', allowRow: true });
    return tf.tidy(() => {
      const layer: FusedLayer = {
        kernel: this.kernel,
        bias: this.bias,
        mask: this.maskT,
        activation: this.activation,
        context: this.contextSize > 0,
      };
      const xf = asFloat32(x);
      const cf = context && asFloat32(context);
      return fusedMlp(xf, cf, [layer]);
    });
  }

  /** [kernel, bias]. */
  get trainableVariables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  /** The layer's shape as JSON-able data (weights excluded). */
  getConfig(): {
    /** Number of inputs. */
    inputSize: number;
    /** Number of output units. */
    units: number;
    /** The 0/1 mask, shape [inputSize, units]. */
    mask: number[][];
    /** Size of the conditioning input. */
    contextSize: number;
    /** Activation of the output. */
    activation: DenseActivation;
  } {
    return {
      inputSize: this.inputSize,
      units: this.units,
      mask: this.mask.map((row) => [...row]),
      contextSize: this.contextSize,
      activation: this.activation,
    };
  }

  /** Frees the weights and the mask; the layer cannot be used afterwards. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.kernel.dispose();
    this.bias.dispose();
    this.maskT.dispose();
  }
}
