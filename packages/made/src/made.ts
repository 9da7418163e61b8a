import * as tf from '@tensorflow/tfjs-core';
import {
  asFloat32,
  argumentError,
  checkContext,
  deriveSeed,
  freshSeed,
  fusedMlp,
  linearInit,
  registerGradients,
  type DenseActivation,
  type FusedLayer,
} from '@densityjs/core';
import {
  checkDegrees,
  checkHiddenUnits,
  createDegreesFor,
  createMasks,
  type HiddenDegrees,
  type InputOrder,
  type MadeDegrees,
} from './degrees.js';
import { checkActivation, maskTensor } from './masked-dense.js';

/** Options of {@link MADE}. */
export interface MADEOptions {
  /** D: size of the event x (and number of autoregressive outputs). */
  eventSize: number;
  /** Widths of the hidden layers (residual: widths of the residual blocks, all equal). */
  hiddenUnits: number[];
  /** Outputs per event dimension: 2 for shift and log-scale (default), more for splines. */
  params?: number;
  /** Size of the conditioning input fed, unmasked, to every hidden layer and the output layer. Default 0. */
  contextSize?: number;
  /** Hidden activation. Default 'relu'. */
  activation?: DenseActivation;
  /** Default 'left-to-right'. An explicit order is a permutation of 1..eventSize. */
  inputOrder?: InputOrder;
  /** Default 'equal'. */
  hiddenDegrees?: HiddenDegrees;
  /** Pre-resolved degrees (from `getConfig()`); overrides inputOrder and hiddenDegrees. */
  degrees?: MadeDegrees;
  /** ResMADE (Durkan et al. 2019): residual blocks of two masked layers. Default false. */
  residual?: boolean;
  /**
   * Scale of the output layer's initial weights and biases relative to PyTorch's nn.Linear
   * default with the masked fan-in (see the class doc). Default 1; smaller values start a flow
   * closer to the identity but train slower.
   */
  outputScale?: number;
  /** Seeds the random order/degrees and the initial weights. */
  seed?: number;
}

/** JSON-able configuration: `new MADE(made.getConfig())` rebuilds the same architecture. */
export interface MADEConfig {
  /** D: size of the event. */
  eventSize: number;
  /** Widths of the hidden layers (of the residual blocks with `residual`). */
  hiddenUnits: number[];
  /** Outputs per event dimension. */
  params: number;
  /** Size of the conditioning input (0: unconditional). */
  contextSize: number;
  /** Hidden activation. */
  activation: DenseActivation;
  /** The resolved input order, a permutation of 1..D. */
  inputOrder: number[];
  /** How the hidden degrees were chosen. */
  hiddenDegrees: HiddenDegrees;
  /** The resolved degrees (input and hidden). */
  degrees: MadeDegrees;
  /** Whether the network is a ResMADE. */
  residual: boolean;
  /** Scale of the output layer's initial weights. */
  outputScale: number;
  /** The seed of the order, degrees and initial weights. */
  seed: number;
}

const OWNER = 'MADE';

/** Initial scale of the last layer of each residual block: near zero, so each block starts as the identity. */
const RESIDUAL_BLOCK_INIT_SCALE = 0.01;

interface LayerSpec {
  rows: number;
  units: number;
  mask: number[][];
  activation: DenseActivation;
  context: boolean;
  skipFrom?: number;
  initScale: number;
}

/**
 * MADE: masked autoencoder for distribution estimation (Germain et al. 2015), the conditioner
 * of MAF and IAF (Papamakarios et al. 2017; Kingma et al. 2016). One network computes, for
 * every dimension i at once, `params` numbers that depend only on the inputs x_j with
 * degree(j) < degree(i): the weights are multiplied by 0/1 masks built from the degrees (see
 * `createMasks`). `context` (conditional MADE) enters every hidden layer and the output layer unmasked.
 *
 * `made.call(x, {context})` maps batch + [D] to batch + [D, params]. With `residual: true` the
 * network is ResMADE as in neural spline flows: a masked input layer, `hiddenUnits.length`
 * residual blocks h <- h + L2(act(L1(h, c))) (hidden degrees shared by all layers, so the skip
 * respects the order), and the masked output layer.
 *
 * Initialization: PyTorch's nn.Linear default with the real fan-in of a masked layer. Unit j's
 * weights and bias start U(-a_j, a_j), a_j = 1 / sqrt(n_j), n_j = the inputs its mask lets
 * through (plus the context), not the layer's full width (the masks zero most inputs, and the
 * full width would start the network with too small a signal); the output layer is scaled by
 * `outputScale` (core's `linearInit`). The log-scales of the flows built on it are soft-clamped,
 * so a fresh flow stays finite at every seed.
 *
 * The whole network is one fused `tf.customGrad` op (`fusedMlp`): masks applied once per call,
 * bias and activation fused into the matMul, and a backward pass with explicit transposes, so
 * wasm never takes its slow transposed-matMul path and no registered gradient is needed.
 */
export class MADE {
  /** D: size of the event x. */
  readonly eventSize: number;
  /** Widths of the hidden layers (of the residual blocks with `residual`). */
  readonly hiddenUnits: number[];
  /** Outputs per event dimension: `call` returns batch + [D, params]. */
  readonly params: number;
  /** Size of the conditioning input (0: unconditional). */
  readonly contextSize: number;
  /** Hidden activation. */
  readonly activation: DenseActivation;
  /** How the hidden degrees were chosen. */
  readonly hiddenDegrees: HiddenDegrees;
  /** Whether the network is a ResMADE (residual blocks). */
  readonly residual: boolean;
  /** Scale of the output layer's initial weights. */
  readonly outputScale: number;
  /** The seed actually used (drawn when none was given), so `getConfig()` rebuilds the same network. */
  readonly seed: number;
  /** The resolved degrees; `degrees.input` is the autoregressive order (1-based). */
  readonly degrees: MadeDegrees;
  /** Masks in kernel layout (createMasks(degrees)), output mask not yet tiled over params. */
  readonly masks: number[][][];
  private readonly specs: LayerSpec[];
  private readonly kernels: tf.Variable<tf.Rank.R2>[] = [];
  private readonly biases: tf.Variable<tf.Rank.R1>[] = [];
  private readonly maskTensors: tf.Tensor2D[] = [];
  private disposed = false;

  constructor(options: MADEOptions) {
    if (options === null || typeof options !== 'object') throw argumentError(OWNER, 'options', 'an object', options);
    const {
      params = 2,
      contextSize = 0,
      activation = 'relu',
      inputOrder = 'left-to-right',
      hiddenDegrees = 'equal',
      residual = false,
      outputScale = 1,
    } = options;
    const eventSize = options.eventSize;
    if (typeof eventSize !== 'number' || !Number.isInteger(eventSize) || eventSize < 1) {
      throw argumentError(OWNER, 'eventSize', 'a positive integer', eventSize);
    }
    const hiddenUnits = checkHiddenUnits(OWNER, options.hiddenUnits, eventSize);
    if (!Number.isInteger(params) || params < 1) throw argumentError(OWNER, 'params', 'a positive integer', params);
    if (!Number.isInteger(contextSize) || contextSize < 0) {
      throw argumentError(OWNER, 'contextSize', 'a non-negative integer', contextSize);
    }
    if (typeof residual !== 'boolean') throw argumentError(OWNER, 'residual', 'a boolean', residual);
    if (typeof outputScale !== 'number' || !(outputScale >= 0) || !Number.isFinite(outputScale)) {
      throw argumentError(OWNER, 'outputScale', 'a finite number >= 0', outputScale);
    }
    if (options.seed !== undefined && (typeof options.seed !== 'number' || !Number.isFinite(options.seed))) {
      throw argumentError(OWNER, 'seed', 'a finite number or undefined', options.seed);
    }
    if (residual) {
      if (hiddenUnits.length === 0 || hiddenUnits.some((u) => u !== hiddenUnits[0])) {
        throw argumentError(OWNER, 'hiddenUnits', 'a non-empty array of equal widths when residual is true', hiddenUnits);
      }
    }
    this.activation = checkActivation(OWNER, activation);
    const seed = options.seed ?? freshSeed();

    // Degrees. Residual blocks share one set of hidden degrees so that the identity skip
    // (unit k -> unit k) keeps the autoregressive property.
    let degrees: MadeDegrees;
    if (options.degrees !== undefined) {
      const d = checkDegrees(OWNER, options.degrees);
      if (d !== eventSize) throw argumentError(OWNER, 'degrees.input', `a permutation of 1..${eventSize}`, options.degrees.input);
      const widths = options.degrees.hidden.map((l) => l.length);
      const expected = residual ? new Array<number>(2 * hiddenUnits.length + 1).fill(hiddenUnits[0]!) : hiddenUnits;
      if (widths.join() !== expected.join()) {
        throw argumentError(OWNER, 'degrees.hidden', `layers of widths [${expected}]`, `\u0000layers of widths [${widths}]`);
      }
      if (residual && options.degrees.hidden.some((l) => l.join() !== options.degrees!.hidden[0]!.join())) {
        // The skip h -> h + f(h) adds unit k to unit k: only safe when every layer has the same degrees.
        throw argumentError(OWNER, 'degrees.hidden', 'identical layers when residual is true', `\u0000layers that differ`);
      }
      degrees = { input: [...options.degrees.input], hidden: options.degrees.hidden.map((l) => [...l]) };
    } else {
      const base = createDegreesFor(OWNER, {
        eventSize,
        hiddenUnits: residual ? [hiddenUnits[0]!] : hiddenUnits,
        inputOrder,
        hiddenDegrees,
        seed: deriveSeed(seed, 1000),
      });
      degrees = residual
        ? { input: base.input, hidden: Array.from({ length: 2 * hiddenUnits.length + 1 }, () => [...base.hidden[0]!]) }
        : base;
    }
    if (hiddenDegrees !== 'equal' && hiddenDegrees !== 'random') {
      throw argumentError(OWNER, 'hiddenDegrees', "'equal' or 'random'", hiddenDegrees);
    }
    registerGradients();

    this.eventSize = eventSize;
    this.hiddenUnits = hiddenUnits;
    this.params = params;
    this.contextSize = contextSize;
    this.hiddenDegrees = hiddenDegrees;
    this.residual = residual;
    this.outputScale = outputScale;
    this.seed = seed;
    this.degrees = degrees;
    this.masks = createMasks(degrees);

    // Layer plan. Output column i * params + p belongs to dimension i, so the output reshapes
    // to [..., D, params] and the output mask repeats each column `params` times.
    const masks = this.masks;
    const outMask = masks[masks.length - 1]!.map((row) => row.flatMap((v) => new Array<number>(params).fill(v)));
    const specs: LayerSpec[] = [];
    let width = eventSize;
    const act = this.activation;
    degrees.hidden.forEach((layer, l) => {
      let activation: DenseActivation = act;
      let initScale = 1;
      let skipFrom: number | undefined;
      let context = contextSize > 0;
      if (residual && l > 0 && l % 2 === 0) {
        // Second layer of a block: linear, near-zero init (the block starts as the identity),
        // adds the block input back.
        activation = 'linear';
        initScale = RESIDUAL_BLOCK_INIT_SCALE;
        skipFrom = l - 1;
        context = false;
      }
      specs.push({ rows: width, units: layer.length, mask: masks[l]!, activation, context, initScale, ...(skipFrom !== undefined ? { skipFrom } : {}) });
      width = layer.length;
    });
    specs.push({
      rows: width,
      units: eventSize * params,
      mask: outMask,
      activation: 'linear',
      // Context also enters the output layer unmasked (TFP's conditional_input_layers='all_layers'):
      // the first dimension in the order has no hidden unit to read from, and p(x_1 | c) must
      // still depend on c.
      context: contextSize > 0,
      initScale: outputScale,
    });
    this.specs = specs;
    specs.forEach((spec, i) => {
      const rows = spec.rows + (spec.context ? contextSize : 0);
      const init = linearInit({ rows, cols: spec.units, mask: spec.mask, scale: spec.initScale, seed: deriveSeed(seed, i)! });
      this.kernels.push(tf.variable(init.kernel));
      this.biases.push(tf.variable(init.bias));
      tf.dispose([init.kernel, init.bias]);
      this.maskTensors.push(tf.keep(maskTensor(spec.mask, spec.context ? contextSize : 0)));
    });
  }

  /** The autoregressive order: input degrees, 1-based (output i depends on x_j iff order[j] < order[i]). */
  get inputOrder(): number[] {
    return [...this.degrees.input];
  }

  /**
   * x: batch + [eventSize]; context: batch + [contextSize] (or [contextSize], shared) when the
   * MADE was built with a contextSize. Returns batch + [eventSize, params].
   */
  call(x: tf.Tensor, { context }: { context?: tf.Tensor } = {}): tf.Tensor {
    const owner = 'MADE.call';
    if (this.disposed) throw new Error('MADE: used after dispose()');
    if (!(x instanceof tf.Tensor) || x.rank < 1 || x.shape[x.rank - 1] !== this.eventSize) {
      throw argumentError(owner, 'x', `a tensor of shape [..., ${this.eventSize}]`, x);
    }
    checkContext(owner, context, this.contextSize, x.shape.slice(0, -1), { what: 'network', allowRow: true });
    return tf.tidy(() => {
      const layers: FusedLayer[] = this.specs.map((spec, i) => ({
        kernel: this.kernels[i]!,
        bias: this.biases[i]!,
        mask: this.maskTensors[i]!,
        activation: spec.activation,
        context: spec.context,
        ...(spec.skipFrom !== undefined ? { skipFrom: spec.skipFrom } : {}),
      }));
      const xf = asFloat32(x);
      const cf = context && asFloat32(context);
      return fusedMlp(xf, cf, layers, { outputShape: [this.eventSize, this.params] });
    });
  }

  /** Kernels and biases, layer by layer: [W_0, b_0, W_1, b_1, ...]. */
  get trainableVariables(): tf.Variable[] {
    return this.specs.flatMap((_, i) => [this.kernels[i]!, this.biases[i]!]);
  }

  /** The architecture as JSON-able data: `new MADE(made.getConfig())` builds the same network (weights freshly initialized from the same seed). */
  getConfig(): MADEConfig {
    return {
      eventSize: this.eventSize,
      hiddenUnits: [...this.hiddenUnits],
      params: this.params,
      contextSize: this.contextSize,
      activation: this.activation,
      inputOrder: this.inputOrder,
      hiddenDegrees: this.hiddenDegrees,
      degrees: { input: [...this.degrees.input], hidden: this.degrees.hidden.map((l) => [...l]) },
      residual: this.residual,
      outputScale: this.outputScale,
      seed: this.seed,
    };
  }

  /** `new MADE(config)`, for a config read with `getConfig()`. */
  static fromConfig(config: MADEConfig): MADE {
    return new MADE(config);
  }

  /** Copies of the weights in `trainableVariables` order; the caller disposes them. */
  getWeights(): tf.Tensor[] {
    if (this.disposed) throw new Error('MADE: used after dispose()');
    return this.trainableVariables.map((v) => tf.clone(v));
  }

  /** Assigns weights given in `trainableVariables` order (shapes must match). */
  setWeights(weights: tf.Tensor[]): void {
    if (this.disposed) throw new Error('MADE: used after dispose()');
    const vars = this.trainableVariables;
    if (!Array.isArray(weights) || weights.length !== vars.length) {
      throw argumentError('MADE.setWeights', 'weights', `an array of ${vars.length} tensors`, Array.isArray(weights) ? `\u0000${weights.length} entries` : weights);
    }
    weights.forEach((w, i) => {
      const v = vars[i]!;
      if (!(w instanceof tf.Tensor) || w.shape.join() !== v.shape.join()) {
        throw argumentError('MADE.setWeights', `weights[${i}]`, `a tensor of shape [${v.shape}]`, w);
      }
    });
    tf.tidy(() => weights.forEach((w, i) => vars[i]!.assign(asFloat32(w))));
  }

  /** Frees the weights and masks; the network cannot be used afterwards. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of [...this.kernels, ...this.biases, ...this.maskTensors]) t.dispose();
  }
}
