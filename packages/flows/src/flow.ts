// A normalizing flow: a bijector pushed onto a base distribution, trainable with `fit`.
import * as tf from '@tensorflow/tfjs-core';
import {
  asFloat32,
  argumentError,
  checkContext,
  checkSeed,
  normalizeSampleShape,
  raw,
  shapeText,
  StateError,
  type DenseActivation,
  type TrainableDensity,
} from '@densityjs/core';
import { TransformedDistribution, type Distribution, type LogProbOptions, type SampleOptions } from '@densityjs/distributions';
import { ConditionedBijector, type Bijector } from '@densityjs/bijectors';
import { StandardNormal } from './standard-normal.js';

/** The presets, by the name of the function that builds them. */
export type FlowPresetName = 'maf' | 'iaf' | 'realNVP' | 'nice' | 'neuralSplineFlow' | 'naf';

/** Hidden activations of the conditioner networks (core's dense activations but 'linear'). */
export type FlowActivation = Exclude<DenseActivation, 'linear'>;

/** Options every preset takes. */
export interface FlowOptions {
  /** Dimension D of the data. */
  eventSize: number;
  /** Number of flow layers (MADE / coupling blocks). Default 5. */
  numLayers?: number;
  /** Hidden layer widths of each conditioner network. Default [64, 64]. */
  hiddenUnits?: number[];
  /** Size of the conditioning input; > 0 makes a conditional flow p(x | c). Default 0. */
  contextSize?: number;
  /** BatchNormalization bijector between layers (as in the RealNVP paper). Default false. */
  batchNorm?: boolean;
  /**
   * An ActNorm bijector before every layer (Glow): a per-unit affine map initialized from the
   * first training batch so the layer sees standardized inputs. Default false.
   */
  actnorm?: boolean;
  /**
   * 'lu': an invertible linear map (ScaleMatvecLU, Glow's 1x1 convolution) before every layer,
   * in place of the fixed permutations between layers. Default false.
   */
  linear?: 'lu' | false;
  /**
   * Reordering between layers, on by default ('reverse'): without it no layer can learn
   * p(x1 | x2). MAF/IAF realize it for free through the MADE input orders; coupling flows
   * insert Reverse / Permute bijectors. `false` turns it off.
   */
  permutation?: 'reverse' | 'random' | false;
  /** Hidden activation of the conditioners. Default 'relu'. */
  activation?: FlowActivation;
  /**
   * Base distribution with event shape [eventSize] and no batch shape (default: a standard
   * normal). E.g. `new Independent({distribution: new StudentT({df: [3, 3], loc: [0, 0],
   * scale: [1, 1]}), reinterpretedBatchNdims: 1})` for heavy tails. The flow owns it.
   */
  base?: Distribution;
  /** Seeds the initial weights and random permutations (the flow is rebuilt from it on load). */
  seed?: number;
}

/** The resolved, JSON-able configuration of a preset flow: `preset(config)` rebuilds its architecture. */
export interface FlowConfig {
  /** Dimension D of the data. */
  eventSize: number;
  /** Number of flow layers. */
  numLayers: number;
  /** Hidden layer widths of each conditioner network. */
  hiddenUnits: number[];
  /** Size of the conditioning input (0: unconditional). */
  contextSize: number;
  /** Whether BatchNormalization bijectors sit between the layers. */
  batchNorm: boolean;
  /** Missing in configs saved before the option existed: false. */
  actnorm?: boolean;
  /** 'lu': an invertible linear map before every layer (missing in older configs: false). */
  linear?: 'lu' | false;
  /** Reordering between layers. */
  permutation: 'reverse' | 'random' | false;
  /** Hidden activation of the conditioners. */
  activation: FlowActivation;
  /** The seed of the initial weights and random permutations. */
  seed: number;
  /** Preset-specific options (spline bins/bound/variant, coupling split, clamps). */
  [key: string]: unknown;
}

/** What `new Flow(...)` takes: the bijector, and optionally the base and the context size. */
export interface FlowInit {
  /** The map from base samples to data (forward = sampling direction). The flow owns it. */
  bijector: Bijector;
  /**
   * Base distribution with event shape [D] and no batch shape. Default: a standard normal of
   * the bijector's event size. A base with `trainableVariables` is trained with the bijector.
   * The flow owns it (disposes it).
   */
  base?: Distribution;
  /**
   * Size of the conditioning context (0: unconditional). Default: the largest `contextSize` of
   * the bijector's conditioned layers, else 0.
   */
  contextSize?: number;
  /** Set by the presets: the preset and configuration `saveFlow` records to rebuild the flow. */
  preset?: FlowPresetName;
  /** Set by the presets with `preset`: the resolved configuration. */
  config?: FlowConfig;
}

/** Every bijector of a tree (the bijector itself, then its members depth first). */
export function bijectorTree(b: Bijector): Bijector[] {
  return [b, ...b.members.flatMap(bijectorTree)];
}

function defaultContextSize(bijector: Bijector): number {
  const sizes = bijectorTree(bijector).map((b) => (b instanceof ConditionedBijector ? (b.contextSize ?? 0) : 0));
  return Math.max(0, ...sizes);
}

/**
 * A normalizing flow (zuko, distrax): data y = f(z) with z drawn from the base, f a bijector
 * (forward = sampling direction). log p(y | c) = log p_base(f^{-1}(y; c)) + log|det ∂f^{-1}/∂y|.
 * It is a TransformedDistribution, so everything in @densityjs/distributions works on it, and a
 * trainable density: `fit(flow, x)` trains the bijector's variables and those of a trainable
 * base. The presets (`maf`, `realNVP`, ...) build one; any bijector works:
 *
 *     new Flow({ bijector: new Chain([layer2, new Reverse(), layer1]) })
 */
export class Flow extends TransformedDistribution implements TrainableDensity {
  /** The preset that built this flow (undefined for a flow built by hand). */
  readonly preset: FlowPresetName | undefined;
  /** Dimension D of the data: the event shape is [D]. */
  readonly eventSize: number;
  readonly contextSize: number;
  declare readonly bijector: Bijector;
  private readonly _config: FlowConfig | undefined;
  private disposed = false;

  constructor(init: FlowInit) {
    const owner = init?.preset ?? 'Flow';
    if (init === null || typeof init !== 'object') throw argumentError(owner, 'options', 'an object {bijector, base?, contextSize?}', init);
    const { bijector, base, contextSize, preset, config } = init;
    if (!bijector || typeof bijector.forwardAndLogDet !== 'function' || !Array.isArray(bijector.members)) {
      throw argumentError(owner, 'bijector', 'a Bijector from @densityjs/bijectors', bijector);
    }
    if (base !== undefined) {
      const ok = base && typeof base.logProb === 'function' && Array.isArray(base.eventShape) && base.eventShape.length === 1 && base.batchShape.length === 0;
      if (!ok) {
        throw argumentError(owner, 'base', 'a distribution with event shape [D] and no batch shape (wrap scalar families in Independent)', base && Array.isArray(base.eventShape) ? raw(`a distribution with batch shape ${shapeText(base.batchShape)} and event shape ${shapeText(base.eventShape)}`) : base);
      }
      if (bijector.eventSize !== undefined && base.eventShape[0] !== bijector.eventSize) {
        throw argumentError(owner, 'base', `a distribution of event shape [${bijector.eventSize}] (the bijector's event size)`, raw(`event shape ${shapeText(base.eventShape)}`));
      }
    }
    const d = base?.eventShape[0] ?? bijector.eventSize;
    if (d === undefined) {
      throw argumentError(owner, 'base', 'a distribution of event shape [D] (the bijector does not fix its event size)', base);
    }
    const c = contextSize ?? defaultContextSize(bijector);
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) throw argumentError(owner, 'contextSize', 'a non-negative integer', contextSize);
    super({ distribution: base ?? new StandardNormal(d), bijector, name: owner });
    this.bijector = bijector;
    this.preset = preset;
    this.eventSize = d;
    this.contextSize = c;
    this._config = config;
    this.training = false;
  }

  /** The configuration a preset built this flow from (a copy), or undefined for a hand-built flow. */
  get config(): FlowConfig | undefined {
    return this._config && (JSON.parse(JSON.stringify(this._config)) as FlowConfig);
  }

  /** The base distribution z is drawn from. */
  get base(): Distribution {
    return this.distribution;
  }

  /** What an optimizer updates: the bijector's variables, then those of a trainable base. */
  override get trainableVariables(): tf.Variable[] {
    this.checkAlive('trainableVariables');
    return super.trainableVariables;
  }

  /** Non-trainable state saved with the weights (BatchNorm running mean and variance). */
  get stateVariables(): tf.Variable[] {
    return this.nonTrainableVariables;
  }

  /** Copies of [...trainableVariables, ...stateVariables]; the caller disposes them. */
  getWeights(): tf.Tensor[] {
    this.checkAlive('getWeights');
    return [...this.trainableVariables, ...this.stateVariables].map((v) => tf.clone(v));
  }

  /** Assigns weights in getWeights() order. */
  setWeights(weights: tf.Tensor[]): void {
    this.checkAlive('setWeights');
    const vars = [...this.trainableVariables, ...this.stateVariables];
    const owner = `${this.name}.setWeights`;
    if (!Array.isArray(weights) || weights.length !== vars.length) {
      throw argumentError(owner, 'weights', `an array of ${vars.length} tensors`, Array.isArray(weights) ? raw(`${weights.length} tensors`) : weights);
    }
    weights.forEach((w, i) => {
      if (!(w instanceof tf.Tensor) || w.isDisposed || w.shape.join() !== vars[i]!.shape.join()) {
        throw argumentError(owner, `weights[${i}]`, `a tensor of shape ${shapeText(vars[i]!.shape)}`, w);
      }
    });
    tf.tidy(() => weights.forEach((w, i) => vars[i]!.assign(asFloat32(w))));
  }

  override logProb(x: tf.Tensor, opts: LogProbOptions = {}): tf.Tensor {
    const context = this.checkCall('logProb', x, opts);
    return this.withContext(context, x.shape.slice(0, -1), (c) => super.logProb(x, c === undefined ? {} : { context: c }));
  }

  /** p(y) = exp(log p(y)) for rows `x` of shape batch + [D]; `context` required for a conditional flow. */
  override prob(x: tf.Tensor, opts: LogProbOptions = {}): tf.Tensor {
    const context = this.checkCall('prob', x, opts);
    return this.withContext(context, x.shape.slice(0, -1), (c) => super.prob(x, c === undefined ? {} : { context: c }));
  }

  /**
   * Draws y = f(z), z ~ base, of shape sampleShape + [D]. For a conditional flow `context` is
   * one row [contextSize] or rows sampleShape + [contextSize]. `seed` makes it reproducible.
   */
  override sample(sampleShape?: number | number[], opts: SampleOptions = {}): tf.Tensor {
    const shape = normalizeSampleShape(sampleShape, `${this.name}.sample`);
    const context = this.checkSampleCall('sample', shape, opts);
    return this.withContext(context, shape, (c) => super.sample(shape, { ...opts, context: c }));
  }

  /**
   * Draws y = f(z) and log p(y) = log p_base(z) - log|det ∂f/∂z| in one forward pass (one pass
   * per layer for an IAF; D passes per autoregressive layer for a MAF).
   */
  override sampleAndLogProb(
    sampleShape?: number | number[],
    opts: SampleOptions = {},
  ): {
    /** The draw, shape sampleShape + [D]. */
    sample: tf.Tensor;
    /** log p(sample), shape sampleShape. */
    logProb: tf.Tensor;
  } {
    const shape = normalizeSampleShape(sampleShape, `${this.name}.sampleAndLogProb`);
    const context = this.checkSampleCall('sampleAndLogProb', shape, opts);
    return this.withContext(context, shape, (c) => super.sampleAndLogProb(shape, { ...opts, context: c }));
  }

  /** Frees every variable and tensor of the flow (bijector and base). Idempotent. */
  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.bijector.dispose();
    this.distribution.dispose?.();
    super.dispose();
  }

  /** True once `dispose()` was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * log p(y) = log p_base(f^{-1}(y)) + log|det ∂f^{-1}/∂y|, directly: flow bijectors are defined
   * on all of R^D, so TransformedDistribution's NaN-to--Infinity guard (and its kernels per
   * training step) is not needed.
   */
  protected override _logProb(y: tf.Tensor, { context }: LogProbOptions): tf.Tensor {
    const [x, ildj] = this.bijector.inverseAndLogDet(y, context === undefined ? {} : { context });
    // An elementwise bijector (eventNdims 0) gives one log-det per unit: summed over the event.
    return tf.add(this.distribution.logProb(x), this.bijector.eventNdims === 0 ? tf.sum(ildj, -1) : ildj);
  }

  /** Runs `fn` with a context broadcast to batchShape + [contextSize] when given as [contextSize]. */
  private withContext<T>(context: tf.Tensor | undefined, batchShape: number[], fn: (c: tf.Tensor | undefined) => T): T {
    if (context === undefined || context.rank > 1 || batchShape.length === 0) return fn(context);
    const c = tf.broadcastTo(context, [...batchShape, this.contextSize]);
    try {
      return fn(c);
    } finally {
      c.dispose();
    }
  }

  private checkAlive(method: string): void {
    if (this.disposed) throw new StateError(`${this.name}.${method}: this flow was disposed`);
  }

  private checkCall(method: string, x: unknown, opts: LogProbOptions): tf.Tensor | undefined {
    const owner = `${this.name}.${method}`;
    this.checkAlive(method);
    if (!(x instanceof tf.Tensor)) throw argumentError(owner, 'x', `a tensor of shape [..., ${this.eventSize}]`, x);
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.eventSize) {
      throw argumentError(owner, 'x', `a tensor of shape [..., ${this.eventSize}] (eventSize ${this.eventSize})`, x);
    }
    return checkContext(owner, opts?.context, this.contextSize, x.shape.slice(0, -1), { what: 'flow', allowRow: true });
  }

  private checkSampleCall(method: string, shape: number[], opts: SampleOptions): tf.Tensor | undefined {
    const owner = `${this.name}.${method}`;
    this.checkAlive(method);
    checkSeed(owner, opts?.seed);
    return checkContext(owner, opts?.context, this.contextSize, shape, { what: 'flow', allowRow: true });
  }
}
