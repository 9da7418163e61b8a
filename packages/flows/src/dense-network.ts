// The conditioner network of coupling layers (RealNVP, NICE, coupling spline flows): a plain
// MLP, optionally conditioned on a context, run as one fused op (@densityjs/core's fusedMlp) so
// that its backward pass needs no registered gradient and avoids wasm's transposed matMul.
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, deriveSeed, fusedMlp, linearInit, registerGradients, type DenseActivation, type FusedLayer } from '@densityjs/core';

/** Options of {@link DenseNetwork}. */
export interface DenseNetworkOptions {
  /** Width of the input (context excluded). */
  inputSize: number;
  /** Shape of the output per example, e.g. [d, 2] for d shifts and log-scales. */
  outputShape: number[];
  /** Widths of the hidden layers ([] for a single affine layer). */
  hiddenUnits: number[];
  /** Size of a conditioning input concatenated to every layer's input. Default 0. */
  contextSize?: number;
  /** Hidden activation. Default 'relu'. */
  activation?: DenseActivation;
  /**
   * Scale of the output layer's initial weights and biases relative to the other layers'.
   * Default 1 (PyTorch's nn.Linear default everywhere): a near-zero output layer starts the flow
   * at the identity but slows training down several-fold.
   */
  outputScale?: number;
  /** Seeds the initial weights (any integer, 0 included). */
  seed: number;
}

/**
 * h_{l+1} = act([h_l, c] W_l + b_l), output = [h_L, c] W_L + b_L reshaped to batch + outputShape.
 * The context (when contextSize > 0) enters every layer, as in conditional RealNVP. Every layer
 * starts as PyTorch's nn.Linear: weights and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn)) (core's
 * `linearInit`), the output layer times `outputScale`.
 */
export class DenseNetwork {
  /** Width of the input (context excluded). */
  readonly inputSize: number;
  /** Shape of the output per example. */
  readonly outputShape: number[];
  /** Size of the conditioning input (0: none). */
  readonly contextSize: number;
  private readonly layers: FusedLayer[] = [];
  private readonly variables: tf.Variable[] = [];
  private readonly options: DenseNetworkOptions;

  constructor(opts: DenseNetworkOptions) {
    registerGradients();
    this.options = JSON.parse(JSON.stringify(opts)) as DenseNetworkOptions;
    const { inputSize, outputShape, hiddenUnits, contextSize = 0, activation = 'relu', outputScale = 1, seed } = opts;
    this.inputSize = inputSize;
    this.outputShape = [...outputShape];
    this.contextSize = contextSize;
    const units = [...hiddenUnits, outputShape.reduce((a, b) => a * b, 1)];
    let width = inputSize;
    units.forEach((u, i) => {
      const last = i === units.length - 1;
      const rows = width + (contextSize > 0 ? contextSize : 0);
      const init = linearInit({ rows, cols: u, scale: last ? outputScale : 1, seed: deriveSeed(seed, i)! });
      const kernel = tf.variable(init.kernel);
      const bias = tf.variable(init.bias);
      tf.dispose([init.kernel, init.bias]);
      this.variables.push(kernel, bias);
      this.layers.push({
        kernel: kernel as tf.Variable<tf.Rank.R2>,
        bias: bias as tf.Variable<tf.Rank.R1>,
        activation: last ? 'linear' : activation,
        context: contextSize > 0,
      });
      width = u;
    });
  }

  /** The options it was built with (JSON-able): `new DenseNetwork(net.getConfig())` rebuilds its architecture. */
  getConfig(): DenseNetworkOptions {
    return JSON.parse(JSON.stringify(this.options)) as DenseNetworkOptions;
  }

  /** x: batch + [inputSize], context: batch + [contextSize]; returns batch + outputShape. */
  call(x: tf.Tensor, { context }: { context?: tf.Tensor } = {}): tf.Tensor {
    if (this.contextSize > 0 && !context) {
      throw argumentError('DenseNetwork.call', 'context', `a tensor of shape [..., ${this.contextSize}]`, context);
    }
    return fusedMlp(x, this.contextSize > 0 ? context : undefined, this.layers, { outputShape: this.outputShape });
  }

  /** [W_0, b_0, W_1, b_1, ...]. */
  get trainableVariables(): tf.Variable[] {
    return [...this.variables];
  }

  /** Frees the network's weights. */
  dispose(): void {
    tf.dispose(this.variables);
    this.variables.length = 0;
  }
}
