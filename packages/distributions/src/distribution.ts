// The Distribution contract and the base class every distribution here extends:
// sampleShape normalization, tidy wrapping of every public method, prob = exp(logProb), the
// default two-pass sampleAndLogProb, parameter conversion and the validateArgs switch.
import * as tf from '@tensorflow/tfjs-core';
import {
  asFloat32,
  NotImplementedError,
  argumentError,
  broadcastShapeOf,
  broadcastShapes,
  checkOptionKeys,
  checkSeed,
  checkTensor,
  checkValues,
  log1p,
  normalizeSampleShape,
  registerGradients,
  shapeText,
  toFloatTensor,
  type TensorLike,
} from '@densityjs/core';

// Also at import: tfjs decides whether an op has a gradient when the op is recorded, so an op
// a user runs inside tf.grad before constructing the first distribution (tf.exp(logScale))
// would otherwise have none on the very first call. Idempotent.
registerGradients();

/** Parameters accept numbers, nested arrays (up to rank 4) and tensors. */
export type ParamLike = TensorLike | number[][][] | number[][][][];

/** Options of `sample` and `sampleAndLogProb`. */
export interface SampleOptions {
  /** Makes the draw reproducible on every backend: any integer, 0 included. */
  seed?: number;
  /** Conditioning input for conditional distributions (flows, MDNs); ignored by others. */
  context?: tf.Tensor;
}

/** Options of `logProb` and `prob`. */
export interface LogProbOptions {
  /** Conditioning input for conditional distributions (flows, MDNs); ignored by others. */
  context?: tf.Tensor;
}

/**
 * A batch of probability distributions. A value has shape `sampleShape + batchShape + eventShape`;
 * `logProb` of it has shape `sampleShape + batchShape`.
 */
export interface Distribution {
  /** Shape of the batch of independent distributions, e.g. [3] for three Normals. */
  readonly batchShape: number[];
  /** Shape of one draw of one distribution: [] for scalar families, [d] for d-variate ones. */
  readonly eventShape: number[];
  /** True when samples are differentiable functions of the parameters. */
  readonly reparameterized?: boolean;
  /**
   * Draws of shape `sampleShape + batchShape + eventShape` (`sampleShape` a number n means [n];
   * default []). With `seed`, the same draws on every backend.
   */
  sample(sampleShape?: number | number[], opts?: SampleOptions): tf.Tensor;
  /**
   * log p(x), the log-density (or log-mass for discrete families) of `x`, whose shape ends with
   * the event shape and broadcasts with `batchShape + eventShape`. Shape: x's sample dims +
   * batchShape. -Infinity outside the support.
   */
  logProb(x: tf.Tensor, opts?: LogProbOptions): tf.Tensor;
  /** p(x) = exp(logProb(x)), same shape as `logProb(x)`. */
  prob(x: tf.Tensor, opts?: LogProbOptions): tf.Tensor;
  /** One pass where possible (flows); the sample and its log-density. */
  sampleAndLogProb(
    sampleShape?: number | number[],
    opts?: SampleOptions,
  ): {
    /** The draw, shape sampleShape + batchShape + eventShape. */
    sample: tf.Tensor;
    /** log p(sample), shape sampleShape + batchShape. */
    logProb: tf.Tensor;
  };
  /** E[X], shape batchShape + eventShape. */
  mean?(): tf.Tensor;
  /** Var[X] = E[(X - E[X])²] per component, shape batchShape + eventShape. */
  variance?(): tf.Tensor;
  /** sqrt(Var[X]), shape batchShape + eventShape. */
  stddev?(): tf.Tensor;
  /** The point of highest density (mass), shape batchShape + eventShape. */
  mode?(): tf.Tensor;
  /** Differential (discrete: Shannon) entropy H = -E[log p(X)] in nats, shape batchShape. */
  entropy?(): tf.Tensor;
  /** F(x) = P(X <= x), shape as `logProb(x)`. */
  cdf?(x: tf.Tensor): tf.Tensor;
  /** log F(x) = log P(X <= x), accurate far into the lower tail where the family allows. */
  logCdf?(x: tf.Tensor): tf.Tensor;
  /** Scalar distributions: the inverse CDF, P(X > x) and its log. */
  quantile?(p: tf.Tensor): tf.Tensor;
  /** S(x) = P(X > x) = 1 - F(x). */
  survivalFunction?(x: tf.Tensor): tf.Tensor;
  /** log S(x) = log P(X > x). */
  logSurvivalFunction?(x: tf.Tensor): tf.Tensor;
  /** Frees the tensors the distribution created from numbers and arrays (never tensors passed in). */
  dispose?(): void;
}

/** Options every distribution constructor accepts. */
export interface BaseOptions {
  /** Cheap construction-time checks of the parameters (default true); off for hot loops. */
  validateArgs?: boolean;
}

/**
 * Shared logic. Subclasses implement `_logProb` and `_sample` (and optionally the moments);
 * the public methods wrap them in `tf.tidy`, so a subclass may create intermediates freely.
 */
export abstract class BaseDistribution implements Distribution {
  /** The family's name ('Normal', 'Flow', ...), used in error messages. */
  readonly name: string;
  /** Whether the constructor checked parameter values (the `validateArgs` option, default true). */
  readonly validateArgs: boolean;
  readonly reparameterized: boolean = false;
  /** Batch shape, set by the subclass constructor (`batchShape` returns a copy). */
  protected _batchShape: number[] = [];
  /** Event shape, set by the subclass constructor (`eventShape` returns a copy). */
  protected _eventShape: number[] = [];
  /** Tensors this object created from numbers/arrays; user tensors are never disposed here. */
  protected readonly owned: tf.Tensor[] = [];

  /**
   * `unknownOptions`: the options a subclass did not destructure, refused (naming the closest of
   * `optionKeys` and validateArgs) when not empty.
   */
  protected constructor(name: string, validateArgs: boolean | undefined, unknownOptions?: object, optionKeys: readonly string[] = []) {
    if (unknownOptions !== undefined && Object.keys(unknownOptions).length > 0) {
      checkOptionKeys(name, unknownOptions, [...optionKeys, 'validateArgs']);
    }
    if (validateArgs !== undefined && typeof validateArgs !== 'boolean') throw argumentError(name, 'validateArgs', 'a boolean', validateArgs);
    this.name = name;
    this.validateArgs = validateArgs ?? true;
    registerGradients();
  }

  get batchShape(): number[] {
    return this._batchShape.slice();
  }

  get eventShape(): number[] {
    return this._eventShape.slice();
  }

  /**
   * A float32 tensor for a parameter; remembers it for dispose() when we created it. NaN is
   * refused (with validateArgs). On any failure the tensors created so far are freed, so a
   * rejected constructor leaks nothing.
   */
  protected param(value: ParamLike | undefined, argument: string): tf.Tensor {
    if (value === undefined || value === null) {
      throw this.fail(argumentError(this.name, argument, 'a number, an array or a Tensor', value));
    }
    let t: tf.Tensor;
    try {
      t = toFloatTensor(value as TensorLike, this.name, argument);
    } catch (e) {
      throw this.fail(e);
    }
    if (t !== value) this.owned.push(t);
    this.check(t, (v) => !Number.isNaN(v), argument, 'a number (not NaN)');
    return t;
  }

  /**
   * Value check at construction, skipped with validateArgs: false (and on webgpu in Node).
   * Frees the tensors created so far before it throws.
   */
  protected check(t: tf.Tensor, ok: (v: number) => boolean, argument: string, expected: string): void {
    if (!this.validateArgs) return;
    try {
      checkValues(t, ok, this.name, argument, expected);
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Refuses a parameter without a category axis (rank 0, or a last axis of size 0). */
  protected checkCategoryAxis(t: tf.Tensor, argument: string): void {
    if (t.rank < 1 || t.shape[t.rank - 1]! < 1) {
      throw this.fail(argumentError(this.name, argument, 'a tensor of rank >= 1 (batch + [K]) with K >= 1', t));
    }
  }

  /** Frees the tensors this object created, for a constructor about to throw `error`. */
  protected fail(error: unknown): unknown {
    tf.dispose(this.owned);
    this.owned.length = 0;
    return error;
  }

  /** Batch shape of several parameters (with their trailing `eventRank` dims dropped). */
  protected batchOf(named: Record<string, tf.Tensor>, eventRank: Record<string, number> = {}): number[] {
    const shapes: Record<string, number[]> = {};
    for (const [key, t] of Object.entries(named)) {
      const k = eventRank[key] ?? 0;
      shapes[key] = t.shape.slice(0, t.rank - k);
    }
    try {
      return broadcastShapes(this.name, shapes);
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * log p(x) for a checked float32 `x` with at least one element; runs inside `tf.tidy`.
   * Shape: x's sample dims + batchShape.
   */
  protected abstract _logProb(x: tf.Tensor, opts: LogProbOptions): tf.Tensor;
  /**
   * Draws of shape `sampleShape + batchShape + eventShape` (non-empty) with the checked options
   * (an integer seed or none); runs inside `tf.tidy`.
   */
  protected abstract _sample(sampleShape: number[], opts: SampleOptions): tf.Tensor;

  /** Shape of a draw: sampleShape + batchShape + eventShape. */
  protected drawShape(sampleShape: number[]): number[] {
    return [...sampleShape, ...this._batchShape, ...this._eventShape];
  }

  sample(sampleShape?: number | number[], opts: SampleOptions = {}): tf.Tensor {
    const shape = normalizeSampleShape(sampleShape, this.name);
    const o = this.sampleOptions(opts);
    const draw = this.drawShape(shape);
    if (draw.includes(0)) return tf.zeros(draw, this.sampleDtype());
    return tf.tidy(() => this._sample(shape, o));
  }

  /**
   * The dtype of samples ('int32' for the discrete families). Empty draws and log-densities
   * (a 0 in the shape) are returned as zeros of their shape without running any kernel: the
   * wasm backend can corrupt its memory on chains of empty tensors.
   */
  protected sampleDtype(): tf.DataType {
    return 'float32';
  }

  /** Shape of logProb(x): x's batch dims broadcast with the batch shape. */
  private logProbShape(x: tf.Tensor): number[] {
    return broadcastShapeOf(x.shape.slice(0, x.rank - this._eventShape.length), this._batchShape) ?? [];
  }

  /** Zeros of logProb(x)'s shape when it is empty, else undefined. */
  private emptyLogProb(x: tf.Tensor): tf.Tensor | undefined {
    const shape = this.logProbShape(x);
    return x.size === 0 || shape.includes(0) ? tf.zeros(shape) : undefined;
  }

  /** Checks the options of sample/sampleAndLogProb: an object, a valid seed, a live context. */
  protected sampleOptions(opts: SampleOptions): SampleOptions {
    if (opts === null || typeof opts !== 'object') throw argumentError(this.name, 'options', 'an object', opts);
    checkSeed(this.name, opts.seed);
    if (opts.context !== undefined) checkTensor(this.name, 'context', opts.context);
    return opts;
  }

  logProb(x: tf.Tensor, opts: LogProbOptions = {}): tf.Tensor {
    this.checkInput(x, 'x');
    const empty = this.emptyLogProb(x);
    if (empty) return empty;
    return tf.tidy(() => this._logProb(asFloat32(x), opts));
  }

  prob(x: tf.Tensor, opts: LogProbOptions = {}): tf.Tensor {
    this.checkInput(x, 'x');
    const empty = this.emptyLogProb(x);
    if (empty) return empty;
    return tf.tidy(() => tf.exp(this._logProb(asFloat32(x), opts)));
  }

  sampleAndLogProb(
    sampleShape?: number | number[],
    opts: SampleOptions = {},
  ): {
    /** The draw, shape sampleShape + batchShape + eventShape. */
    sample: tf.Tensor;
    /** log p(sample), shape sampleShape + batchShape. */
    logProb: tf.Tensor;
  } {
    const shape = normalizeSampleShape(sampleShape, this.name);
    const o = this.sampleOptions(opts);
    const draw = this.drawShape(shape);
    if (draw.includes(0)) return { sample: tf.zeros(draw, this.sampleDtype()), logProb: tf.zeros([...shape, ...this._batchShape]) };
    return tf.tidy(() => {
      const sample = this._sample(shape, o);
      const logProb = this._logProb(sample, o);
      return { sample, logProb };
    });
  }

  mean(): tf.Tensor {
    return tf.tidy(() => this._mean());
  }
  variance(): tf.Tensor {
    return tf.tidy(() => this._variance());
  }
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this._variance()));
  }
  mode(): tf.Tensor {
    return tf.tidy(() => this._mode());
  }
  entropy(): tf.Tensor {
    return tf.tidy(() => this._entropy());
  }
  cdf(x: tf.Tensor): tf.Tensor {
    this.checkInput(x, 'x');
    const empty = this.emptyLogProb(x);
    if (empty) return empty;
    return tf.tidy(() => this._cdf(tf.cast(x, 'float32')));
  }
  logCdf(x: tf.Tensor): tf.Tensor {
    this.checkInput(x, 'x');
    const empty = this.emptyLogProb(x);
    if (empty) return empty;
    return tf.tidy(() => this._logCdf(tf.cast(x, 'float32')));
  }

  /** E[X] (inside `tf.tidy`); throws unless the family overrides it. */
  protected _mean(): tf.Tensor {
    throw this.notImplemented('mean');
  }
  /** Var[X] (inside `tf.tidy`); throws unless the family overrides it. `stddev` is its square root. */
  protected _variance(): tf.Tensor {
    throw this.notImplemented('variance');
  }
  /** The mode (inside `tf.tidy`); throws unless the family overrides it. */
  protected _mode(): tf.Tensor {
    throw this.notImplemented('mode');
  }
  /** The entropy in nats (inside `tf.tidy`); throws unless the family overrides it. */
  protected _entropy(): tf.Tensor {
    throw this.notImplemented('entropy');
  }
  /** F(x) for a checked float32 `x`; default exp(_logCdf(x)). */
  protected _cdf(x: tf.Tensor): tf.Tensor {
    return tf.exp(this._logCdf(x));
  }
  /** log F(x) for a checked float32 `x`; throws unless the family overrides it. */
  protected _logCdf(_x: tf.Tensor): tf.Tensor {
    throw this.notImplemented('cdf/logCdf');
  }

  /** The error a method throws when the family does not define it. */
  protected notImplemented(method: string): NotImplementedError {
    return new NotImplementedError(`${this.name}: ${method} is not implemented for this distribution`);
  }

  /**
   * The value must be a live float32, int32 or bool tensor whose shape broadcasts with
   * batchShape + eventShape (its trailing dims then match the event shape).
   */
  protected checkInput(value: unknown, argument: string): void {
    const x = checkTensor(this.name, argument, value, { dtype: ['float32', 'int32', 'bool'] });
    const e = this._eventShape;
    const full = [...this._batchShape, ...e];
    const tail: number[] = x.shape.slice(x.rank - e.length);
    // A size-1 dimension of x broadcasts over the event; the event never stretches to x.
    if (x.rank < e.length || tail.some((d: number, i: number) => d !== e[i] && d !== 1)) {
      throw argumentError(this.name, argument, `a tensor whose shape ends with the event shape ${shapeText(e)}`, x);
    }
    if (broadcastShapeOf(x.shape, full) === undefined) {
      throw argumentError(
        this.name,
        argument,
        `a tensor whose shape broadcasts with batch shape ${shapeText(this._batchShape)} + event shape ${shapeText(e)}`,
        x,
      );
    }
  }

  /** Frees the parameter tensors this distribution created (not tensors passed in). */
  dispose(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
  }

  /** S(x) = P(X > x) = 1 - cdf(x), computed without the cancellation of 1 - cdf in the upper tail where the family allows. */
  survivalFunction(x: tf.Tensor): tf.Tensor {
    this.checkInput(x, 'x');
    const empty = this.emptyLogProb(x);
    if (empty) return empty;
    return tf.tidy(() => this._survivalFunction(tf.cast(x, 'float32')));
  }

  /** log S(x) = log P(X > x), finite far into the upper tail where the family allows. */
  logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    this.checkInput(x, 'x');
    const empty = this.emptyLogProb(x);
    if (empty) return empty;
    return tf.tidy(() => this._logSurvivalFunction(tf.cast(x, 'float32')));
  }

  /**
   * The quantile (inverse CDF) of a scalar distribution: the smallest x with cdf(x) >= p, for p
   * in [0, 1] broadcasting with the batch shape (values outside [0, 1] are refused with
   * validateArgs, NaN otherwise).
   */
  quantile(p: tf.Tensor): tf.Tensor {
    if (this._eventShape.length !== 0) throw this.notImplemented('quantile (scalar events only)');
    this.checkInput(p, 'p');
    if (this.validateArgs) checkValues(p, (v) => v >= 0 && v <= 1, this.name, 'p', 'a probability in [0, 1]');
    const empty = this.emptyLogProb(p);
    if (empty) return empty;
    return tf.tidy(() => this._quantile(tf.cast(p, 'float32')));
  }

  /**
   * Default S(x) = exp(log S(x)). Sound wherever `_logSurvivalFunction` is (families override
   * either with closed forms).
   */
  protected _survivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.exp(this._logSurvivalFunction(x));
  }

  /**
   * Default log S(x) = log(1 - exp(log cdf(x))) (log1mexp): exact in the lower tail and in the
   * bulk; in the upper tail it is as accurate as logCdf is near 0, so families whose logCdf
   * rounds to 0 there override it with a closed form.
   */
  protected _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    const logCdf = this._logCdf(x);
    const a = tf.neg(logCdf);
    // log1mexp(a) = log(1 - e^{-a}) for a > 0 (Mächler 2012); a = 0 gives -Infinity.
    return tf.where(tf.less(a, tf.scalar(Math.LN2)), tf.log(tf.neg(tf.expm1(logCdf))), log1p(tf.neg(tf.exp(logCdf))));
  }

  /** The quantile for a checked float32 `p` in [0, 1]; throws unless the family overrides it. */
  protected _quantile(_p: tf.Tensor): tf.Tensor {
    throw this.notImplemented('quantile');
  }
}

/** `t` broadcast to `shape` (a no-op when it already has it). */
export function broadcastTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return t;
  return tf.broadcastTo(t, shape);
}

/**
 * `x` where `inside`, else the constant `fill`; keeps logs of out-of-support values finite so no
 * NaN reaches a gradient. `x` is broadcast first because tfjs' where-gradient does not reduce.
 */
export function whereConst(inside: tf.Tensor, x: tf.Tensor, fill: number): tf.Tensor {
  const shape = broadcastShapeOf(inside.shape, x.shape);
  if (shape === undefined) throw new Error(`whereConst: shapes ${shapeText(inside.shape)} and ${shapeText(x.shape)} do not broadcast`);
  return tf.where(inside, broadcastTo(x, shape), tf.scalar(fill));
}

/** -Infinity outside the support: `where(inside, value, -inf)` broadcasting both. */
export function maskOutside(inside: tf.Tensor, value: tf.Tensor): tf.Tensor {
  return whereConst(inside, value, -Infinity);
}
