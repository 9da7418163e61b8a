// The object every preset returns: a TransformedDistribution of a standard normal through a
// Chain of bijectors, plus what training, saving and conditioning need (variables, the BatchNorm
// training switch, weights in a fixed order, context checks with clear errors).
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, normalizeSampleShape, raw, shapeText } from '@densityjs/core';
import { TransformedDistribution, type LogProbOptions, type SampleOptions } from '@densityjs/distributions';
import type { Bijector } from '@densityjs/bijectors';
import { StandardNormal } from './standard-normal.js';

export type FlowPresetName = 'maf' | 'iaf' | 'realNVP' | 'nice' | 'neuralSplineFlow';

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
  /** BatchNormalization bijector between layers (RealNVP paper, second seed). Default false. */
  batchNorm?: boolean;
  /**
   * Reordering between layers, on by default ('reverse'): without it no layer can learn
   * p(x1 | x2) (second seed). MAF/IAF realize it for free through the MADE input orders;
   * coupling flows insert Reverse / Permute bijectors. `false` turns it off.
   */
  permutation?: 'reverse' | 'random' | false;
  /** Hidden activation of the conditioners. Default 'relu'. */
  activation?: 'relu' | 'tanh' | 'elu' | 'leakyrelu' | 'sigmoid';
  /** Seeds the initial weights and random permutations (the flow is rebuilt from it on load). */
  seed?: number;
}

/** The resolved, JSON-able configuration of a flow: `preset(config)` rebuilds its architecture. */
export interface FlowConfig {
  eventSize: number;
  numLayers: number;
  hiddenUnits: number[];
  contextSize: number;
  batchNorm: boolean;
  permutation: 'reverse' | 'random' | false;
  activation: 'relu' | 'tanh' | 'elu' | 'leakyrelu' | 'sigmoid';
  seed: number;
  /** Preset-specific options (spline bins/bound/variant, coupling split, clamps). */
  [key: string]: unknown;
}

/** Any bijector-like member that has a train/eval switch (BatchNormalization). */
interface TrainingSwitch {
  training: boolean;
}

/** Members of a bijector tree (Chain members, the bijector inside Invert), depth first. */
export function bijectorMembers(b: unknown): unknown[] {
  const out: unknown[] = [b];
  const inner = b as { bijectors?: unknown[]; bijector?: unknown };
  if (Array.isArray(inner.bijectors)) for (const m of inner.bijectors) out.push(...bijectorMembers(m));
  else if (inner.bijector && typeof inner.bijector === 'object') out.push(...bijectorMembers(inner.bijector));
  return out;
}

function hasTrainingSwitch(m: unknown): m is TrainingSwitch {
  return typeof m === 'object' && m !== null && typeof (m as TrainingSwitch).training === 'boolean';
}

/** Non-trainable state of a member (BatchNorm running statistics), by duck typing. */
function stateOf(m: unknown): tf.Variable[] {
  const s = m as { nonTrainableVariables?: tf.Variable[]; movingMean?: unknown; movingVariance?: unknown };
  if (s.nonTrainableVariables) return s.nonTrainableVariables;
  // @densityjs/bijectors' BatchNormalization: running mean and variance.
  if (s.movingMean instanceof tf.Variable && s.movingVariance instanceof tf.Variable) return [s.movingMean, s.movingVariance];
  return [];
}

export interface FlowInit {
  preset: FlowPresetName;
  config: FlowConfig;
  bijector: Bijector;
}

/**
 * A normalizing flow: y = f(z), z ~ N(0, I_D), f the preset's Chain (forward = sampling
 * direction). log p(y | c) = log N(f^{-1}(y; c)) + log|det ∂f^{-1}/∂y|. It is a
 * TransformedDistribution, so everything in @densityjs/distributions works on it.
 */
export class Flow extends TransformedDistribution {
  readonly preset: FlowPresetName;
  readonly eventSize: number;
  readonly contextSize: number;
  private readonly _config: FlowConfig;
  private readonly chain: Bijector;
  private disposed = false;

  constructor({ preset, config, bijector }: FlowInit) {
    const d = config.eventSize;
    super({
      distribution: new StandardNormal(d),
      bijector,
    });
    this.preset = preset;
    this.eventSize = d;
    this.contextSize = config.contextSize;
    this._config = config;
    this.chain = bijector;
    this.training = false;
  }

  /** The configuration this flow was built from (a copy). */
  get config(): FlowConfig {
    return JSON.parse(JSON.stringify(this._config)) as FlowConfig;
  }

  /** What an optimizer updates: conditioner weights and BatchNorm log-scale/shift. */
  get trainableVariables(): tf.Variable[] {
    this.checkAlive('trainableVariables');
    return this.chain.trainableVariables;
  }

  /** Non-trainable state saved with the weights (BatchNorm running mean and variance). */
  get stateVariables(): tf.Variable[] {
    const seen = new Set<tf.Variable>();
    for (const m of bijectorMembers(this.chain)) for (const v of stateOf(m)) seen.add(v);
    return [...seen];
  }

  /**
   * Training mode: BatchNormalization layers normalize with batch statistics in the density
   * direction and update their running averages. Off by default; `fit` turns it on while it
   * trains and restores the previous mode after.
   */
  get training(): boolean {
    return bijectorMembers(this.chain).some((m) => hasTrainingSwitch(m) && m.training);
  }

  set training(value: boolean) {
    if (typeof value !== 'boolean') throw argumentError(`${this.preset}`, 'training', 'a boolean', value);
    for (const m of bijectorMembers(this.chain)) if (hasTrainingSwitch(m)) m.training = value;
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
    const owner = `${this.preset}.setWeights`;
    if (!Array.isArray(weights) || weights.length !== vars.length) {
      throw argumentError(owner, 'weights', `an array of ${vars.length} tensors`, Array.isArray(weights) ? raw(`${weights.length} tensors`) : weights);
    }
    weights.forEach((w, i) => {
      if (!(w instanceof tf.Tensor) || w.shape.join() !== vars[i]!.shape.join()) {
        throw argumentError(owner, `weights[${i}]`, `a tensor of shape ${shapeText(vars[i]!.shape)}`, w);
      }
    });
    tf.tidy(() => weights.forEach((w, i) => vars[i]!.assign(w.dtype === 'float32' ? w : tf.cast(w, 'float32'))));
  }

  override logProb(x: tf.Tensor, opts: LogProbOptions = {}): tf.Tensor {
    const context = this.checkCall('logProb', x, opts);
    return this.withContext(context, x.shape.slice(0, -1), (c) => super.logProb(x, c === undefined ? {} : { context: c }));
  }

  override prob(x: tf.Tensor, opts: LogProbOptions = {}): tf.Tensor {
    const context = this.checkCall('prob', x, opts);
    return this.withContext(context, x.shape.slice(0, -1), (c) => super.prob(x, c === undefined ? {} : { context: c }));
  }

  override sample(sampleShape?: number | number[], opts: SampleOptions = {}): tf.Tensor {
    const shape = normalizeSampleShape(sampleShape, `${this.preset}.sample`);
    const context = this.checkSampleCall('sample', shape, opts);
    return this.withContext(context, shape, (c) => super.sample(shape, { ...opts, context: c }));
  }

  override sampleAndLogProb(sampleShape?: number | number[], opts: SampleOptions = {}): { sample: tf.Tensor; logProb: tf.Tensor } {
    const shape = normalizeSampleShape(sampleShape, `${this.preset}.sampleAndLogProb`);
    const context = this.checkSampleCall('sampleAndLogProb', shape, opts);
    if (context === undefined || context.rank > 1 || shape.length === 0) {
      return super.sampleAndLogProb(shape, { ...opts, context });
    }
    const c = tf.broadcastTo(context, [...shape, this.contextSize]);
    try {
      return super.sampleAndLogProb(shape, { ...opts, context: c });
    } finally {
      c.dispose();
    }
  }

  /** Frees every variable and tensor of the flow. Idempotent. */
  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.chain.dispose();
    this.distribution.dispose?.();
    super.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * log p(y) = log N(f^{-1}(y)) + log|det ∂f^{-1}/∂y|, directly: the flow's bijectors are
   * defined on all of R^D, so TransformedDistribution's NaN-to--Infinity guard (and its ~15
   * kernels per training step) is not needed.
   */
  protected override _logProb(y: tf.Tensor, { context }: LogProbOptions): tf.Tensor {
    const [x, ildj] = this.chain.inverseAndLogDet(y, context === undefined ? {} : { context });
    return tf.add(this.distribution.logProb(x), ildj);
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
    if (this.disposed) throw new Error(`${this.preset}.${method}: this flow was disposed`);
  }

  private checkCall(method: string, x: unknown, opts: LogProbOptions): tf.Tensor | undefined {
    const owner = `${this.preset}.${method}`;
    this.checkAlive(method);
    if (!(x instanceof tf.Tensor)) throw argumentError(owner, 'x', `a tensor of shape [..., ${this.eventSize}]`, x);
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.eventSize) {
      throw argumentError(owner, 'x', `a tensor of shape [..., ${this.eventSize}] (eventSize ${this.eventSize})`, x);
    }
    return this.checkContext(owner, opts?.context, x.shape.slice(0, -1));
  }

  private checkSampleCall(method: string, shape: number[], opts: SampleOptions): tf.Tensor | undefined {
    const owner = `${this.preset}.${method}`;
    this.checkAlive(method);
    if (opts?.seed !== undefined && (typeof opts.seed !== 'number' || !Number.isFinite(opts.seed))) {
      throw argumentError(owner, 'seed', 'a finite number', opts.seed);
    }
    return this.checkContext(owner, opts?.context, shape);
  }

  private checkContext(owner: string, context: unknown, batchShape: number[]): tf.Tensor | undefined {
    if (this.contextSize === 0) {
      if (context !== undefined) {
        throw argumentError(owner, 'context', 'undefined (this flow is unconditional: build it with contextSize to condition it)', context);
      }
      return undefined;
    }
    const expected = `a tensor of shape ${shapeText([...batchShape, this.contextSize])} or [${this.contextSize}] (this flow is conditional, contextSize ${this.contextSize})`;
    if (context === undefined) throw argumentError(owner, 'context', expected, context);
    if (!(context instanceof tf.Tensor)) throw argumentError(owner, 'context', expected, context);
    const ok =
      context.shape[context.rank - 1] === this.contextSize &&
      (context.rank === 1 || context.shape.slice(0, -1).join() === batchShape.join());
    if (!ok) throw argumentError(owner, 'context', expected, context);
    return context;
  }
}
