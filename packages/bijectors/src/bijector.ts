import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkTensor, raw, registerGradients, shapeText } from '@densityjs/core';

/** Per-call options every bijector method accepts. */
export interface BijectorCallOptions {
  /**
   * Conditioning input of shape batch + [contextSize], forwarded to conditioners of
   * conditional bijectors (coupling, autoregressive) and ignored by the others.
   */
  context?: tf.Tensor;
}

/** Options shared by every bijector constructor. */
export interface BijectorBaseOptions {
  /** Name used in error messages; defaults to the class name. */
  name?: string;
}

/** What a subclass tells the {@link Bijector} constructor about itself. */
export interface BijectorConfig {
  /** Minimum event rank the bijector acts on; log-dets are summed over these trailing dims. */
  eventNdims: number;
  /** Size of the last axis when the bijector is tied to one (Permute, couplings, MAF, LU). */
  eventSize?: number;
  /** True when log|det J| is identically 0 (permutations, shifts): Chain skips its log-det. */
  volumePreserving?: boolean;
  /** Name used in error messages. */
  name: string;
}

/**
 * An invertible, differentiable map `f` with a tractable log-Jacobian-determinant.
 *
 * Direction convention (TFP, distrax): `forward` is the sampling direction, base -> data,
 * `y = f(x)`; `inverse` is the density direction, data -> base, `x = f^{-1}(y)`. By the change
 * of variables formula, a base density `p_X` pushed through `f` has
 *
 *     log p_Y(y) = log p_X(f^{-1}(y)) + log|det J_{f^{-1}}(y)|
 *                = log p_X(x) - log|det J_f(x)|,   x = f^{-1}(y).
 *
 * The primitives are the fused pair `forwardAndLogDet(x) -> [y, log|det J_f(x)|]` and
 * `inverseAndLogDet(y) -> [x, log|det J_{f^{-1}}(y)|]`; `forward`, `inverse`,
 * `forwardLogDetJacobian` and `inverseLogDetJacobian` derive from them (as in distrax).
 * Log-dets are summed over the last `eventNdims` dims, so they have the input's shape without
 * its event dims (the batch shape).
 *
 * Subclasses implement `_forwardAndLogDet` / `_inverseAndLogDet`; the public methods validate
 * the input's rank and event size, and run inside `tf.tidy` so nothing leaks.
 */
export abstract class Bijector {
  /** Name used in error messages (the class name unless given). */
  readonly name: string;
  /** Minimum event rank the bijector acts on: 0 elementwise, 1 for maps of vectors; log-dets sum over these trailing dims. */
  readonly eventNdims: number;
  /** Size of the last event axis when fixed by the bijector's parameters, else undefined. */
  readonly eventSize: number | undefined;
  /** True when log|det J| is identically 0; compositions then skip computing it. */
  readonly volumePreserving: boolean;

  constructor(config: BijectorConfig) {
    registerGradients();
    this.name = config.name;
    this.eventNdims = config.eventNdims;
    this.eventSize = config.eventSize;
    this.volumePreserving = config.volumePreserving ?? false;
  }

  /**
   * The bijectors this one is composed of (Chain's members, Invert's bijector); `[]` for a
   * leaf. Containers (a Flow, `fit`, save/load) walk this tree instead of guessing at fields.
   */
  get members(): readonly Bijector[] {
    return [];
  }

  /**
   * True when the map is affine, f(x) = A x + b (then a TransformedDistribution's mean and mode
   * are the map of the base's). A composite is affine when every member is.
   */
  get affine(): boolean {
    const m = this.members;
    return m.length > 0 && m.every((b) => b.affine);
  }

  /** Variables an optimizer should update: by default those of the members, without repeats. */
  get trainableVariables(): tf.Variable[] {
    return uniqueVariables(this.members.map((m) => m.trainableVariables));
  }

  /**
   * State that travels with the weights but is not optimized (BatchNormalization's running
   * statistics): saved, restored by early stopping. By default that of the members.
   */
  get nonTrainableVariables(): tf.Variable[] {
    return uniqueVariables(this.members.map((m) => m.nonTrainableVariables));
  }

  /**
   * Training mode: true while any member computes with batch statistics (BatchNormalization).
   * Setting it sets every member; bijectors without a mode ignore it.
   */
  get training(): boolean {
    return this.members.some((m) => m.training);
  }

  /** Sets the training mode of every member (a boolean). */
  set training(value: boolean) {
    if (typeof value !== 'boolean') throw argumentError(this.name, 'training', 'a boolean', value);
    for (const m of this.members) m.training = value;
  }

  /** Frees the tensors and variables this bijector owns, members included. Idempotent. */
  dispose(): void {
    for (const m of this.members) m.dispose();
  }

  /** `[y, log|det J_f(x)|]` with `y = f(x)`: sampling direction. */
  forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions = {}): [tf.Tensor, tf.Tensor] {
    this.checkInput(x, 'x');
    return tf.tidy(() => this._forwardAndLogDet(x, opts)) as [tf.Tensor, tf.Tensor];
  }

  /** `[x, log|det J_{f^{-1}}(y)|]` with `x = f^{-1}(y)`: density direction. */
  inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions = {}): [tf.Tensor, tf.Tensor] {
    this.checkInput(y, 'y');
    return tf.tidy(() => this._inverseAndLogDet(y, opts)) as [tf.Tensor, tf.Tensor];
  }

  /** `y = f(x)`. */
  forward(x: tf.Tensor, opts: BijectorCallOptions = {}): tf.Tensor {
    this.checkInput(x, 'x');
    return tf.tidy(() => this._forward(x, opts));
  }

  /** `x = f^{-1}(y)`. */
  inverse(y: tf.Tensor, opts: BijectorCallOptions = {}): tf.Tensor {
    this.checkInput(y, 'y');
    return tf.tidy(() => this._inverse(y, opts));
  }

  /** `log|det J_f(x)|`, summed over the event dims. */
  forwardLogDetJacobian(x: tf.Tensor, opts: BijectorCallOptions = {}): tf.Tensor {
    this.checkInput(x, 'x');
    return tf.tidy(() => this._forwardAndLogDet(x, opts)[1]);
  }

  /** `log|det J_{f^{-1}}(y)|` = `-log|det J_f(f^{-1}(y))|`, summed over the event dims. */
  inverseLogDetJacobian(y: tf.Tensor, opts: BijectorCallOptions = {}): tf.Tensor {
    this.checkInput(y, 'y');
    return tf.tidy(() => this._inverseAndLogDet(y, opts)[1]);
  }

  /**
   * `[f(x), log|det J_f(x)|]` for a checked `x` (rank >= eventNdims, float32); the log-det has
   * x's shape without its event dims. Runs inside `tf.tidy`.
   */
  protected abstract _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor];
  /**
   * `[f⁻¹(y), log|det J_{f⁻¹}(y)|]` for a checked `y`; the log-det has y's shape without its
   * event dims. Runs inside `tf.tidy`.
   */
  protected abstract _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor];

  /** Override where the value alone is cheaper than value and log-det. */
  protected _forward(x: tf.Tensor, opts: BijectorCallOptions): tf.Tensor {
    return this._forwardAndLogDet(x, opts)[0];
  }

  /** Override where the inverse value alone is cheaper than value and log-det. */
  protected _inverse(y: tf.Tensor, opts: BijectorCallOptions): tf.Tensor {
    return this._inverseAndLogDet(y, opts)[0];
  }

  /** Rank >= eventNdims and, where fixed, the last axis equal to eventSize. */
  protected checkInput(value: unknown, argument: string): void {
    // Non-tensors, disposed tensors and other dtypes fail here, named, before any tfjs op sees them.
    const t = checkTensor(this.name, argument, value, { dtype: 'float32' });
    if (t.rank < this.eventNdims) {
      throw argumentError(
        this.name,
        argument,
        `a tensor of rank >= ${this.eventNdims} (batch dims + event dims)`,
        raw(`a tensor of shape ${shapeText(t.shape)}`),
      );
    }
    if (this.eventSize !== undefined && t.shape[t.rank - 1] !== this.eventSize) {
      throw argumentError(
        this.name,
        argument,
        `a tensor whose last dimension is the event size ${this.eventSize}`,
        raw(`a tensor of shape ${shapeText(t.shape)}`),
      );
    }
  }
}

function uniqueVariables(lists: tf.Variable[][]): tf.Variable[] {
  return [...new Set(lists.flat())];
}
