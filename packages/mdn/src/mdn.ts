import * as tf from '@tensorflow/tfjs-core';
import {
  argumentError,
  checkOptionKeys,
  checkSeed,
  fit,
  FormatError,
  freshSeed,
  raw,
  registerGradients,
  shapeText,
  tryReadSync,
  type FitOptions,
  type FitResult,
  type TrainableDensity,
  type TrainingData,
  type TrainingObjective,
} from '@densityjs/core';
import { Categorical, Independent, MixtureSameFamily, MultivariateNormalDiag, MultivariateNormalTriL, Normal, type Distribution } from '@densityjs/distributions';
import { fusedAvailable, fusedLoss, fusedLossValue, registerFusedKernel } from './fused-kernel.js';
import { choleskyFactor } from './full-covariance.js';
import { mdnKernelReady, wasmMdnKernelAvailable } from './wasm-mdn-loss.js';
import { ACTIVATIONS, headSize, initialParams, numParams, type Activation, type Covariance, type MdnLayout } from './layout.js';
import { genericLoss, mixtureLogProb, mixtureParams } from './network.js';

/** Options of {@link MDN}. */
export interface MDNOptions {
  /** Width of the conditioning input x. */
  inputSize: number;
  /** Dimension D of the target y. */
  outputSize: number;
  /** Number K of mixture components (>= 1). */
  numComponents: number;
  /** Hidden layer widths, e.g. 20 or [64, 64]; [] for none (a linear MDN). */
  hiddenUnits: number | number[];
  /** Hidden activation. Default 'tanh' (Bishop 1994). */
  activation?: Activation;
  /** Seeds the initial weights (identical on every backend). Default: random. */
  seed?: number;
  /**
   * Floor of every component scale, sigma = softplus(raw) + minScale, so the likelihood stays
   * bounded when a component collapses onto one point. In the units of y. Default 1e-3.
   */
  minScale?: number;
  /**
   * Use the fused loss kernel (one kernel for forward + NLL + gradient, on cpu and wasm).
   * 'auto' (default): when the active backend has it; false: always composed tfjs ops.
   */
  fused?: 'auto' | boolean;
  /**
   * Standardize inputs and targets with the mean and standard deviation of the data of the
   * first `fit` (per column), and learn in those units; `distribution`, `logProb`, `sample` and
   * the reported losses stay in the original units. Default true: with raw targets spread over
   * +-10 and unit initial scales, training takes several times more epochs (Bishop's example).
   */
  normalize?: boolean;
  /**
   * Covariance of each component. 'diag' (default): N(mu_k, diag sigma_k^2), trained through the
   * fused kernel where available. 'full': N(mu_k, L_k L_k^T) with a Cholesky factor L_k whose
   * diagonal is softplus(raw) + minScale and whose D(D-1)/2 strictly-lower entries are free
   * network outputs (MultivariateNormalTriL components; composed ops on every backend), so one
   * component can follow correlated targets.
   */
  covariance?: Covariance;
}

/** Per-column affine standardization, fixed at the first fit. */
export interface MDNNormalizer {
  /** Mean of each input column, length inputSize. */
  xMean: number[];
  /** Standard deviation of each input column (x' = (x - xMean) / xStd). */
  xStd: number[];
  /** Mean of each target column, length outputSize. */
  yMean: number[];
  /** Standard deviation of each target column (y' = (y - yMean) / yStd). */
  yStd: number[];
}

/** Options of `MDN.fit`: the shared training options plus Keras-style `validationData`. */
export interface MDNFitOptions extends FitOptions {
  /** Held-out [x, y]: monitored for early stopping and reported as `history.valLoss`. */
  validationData?: [tf.Tensor, tf.Tensor];
}

/** The resolved architecture of an MDN ({@link MDNOptions} with every default filled in). */
export interface MDNConfig {
  /** Width of the conditioning input x. */
  inputSize: number;
  /** Dimension D of the target y. */
  outputSize: number;
  /** Number K of mixture components. */
  numComponents: number;
  /** Hidden layer widths ([] for a linear MDN). */
  hiddenUnits: number[];
  /** Hidden activation. */
  activation: Activation;
  /** Floor of every component scale, in the units of y. */
  minScale: number;
  /** The seed of the initial weights (drawn when none was given). */
  seed: number;
  /** Whether inputs and targets are standardized with the first fit's statistics. */
  normalize: boolean;
  /** Missing in models saved before the option existed: 'diag'. */
  covariance: Covariance;
}

/** What `toJSON` writes and `fromJSON` reads. */
export interface MDNJSON {
  /** Always 'densityjs-mdn'. */
  format: 'densityjs-mdn';
  /** Version of the format (1); `fromJSON` refuses any other. */
  formatVersion: number;
  /** The architecture. */
  config: MDNConfig;
  /** The standardization learned at the first fit (null before, or with normalize: false). */
  normalizer: MDNNormalizer | null;
  /** The flat weight vector (layout: per layer, W row-major [in, out] then b). */
  weights: number[];
}

const FORMAT_VERSION = 1;
const OWNER = 'MDN';

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** The returned mixture owns the parameter tensors MDN.distribution created for it. */
class ConditionalMixture extends MixtureSameFamily {
  constructor(opts: ConstructorParameters<typeof MixtureSameFamily>[0], tensors: tf.Tensor[]) {
    super(opts);
    this.owned.push(...tensors);
  }
}

/**
 * Mixture density network (Bishop 1994): a multilayer perceptron maps x to the parameters of
 *   p(y | x) = sum_k pi_k(x) N(y; mu_k(x), diag sigma_k(x)^2),
 * pi = softmax(logits(x)), sigma = softplus(raw(x)) + minScale, one output matmul producing
 * logits, locations and raw scales. Trained by minimizing the mean negative log-likelihood,
 * computed in log space (log-softmax weights, logSumExp over components), never as
 * log(sum(pi * N)), which underflows to -inf for points far from every component.
 *
 * `distribution(x)` is the conditional MixtureSameFamily (Categorical + Independent Normal,
 * or MultivariateNormalDiag components for outputSize > 1). With `covariance: 'full'` the
 * components are N(mu_k(x), L_k(x) L_k(x)^T) (MultivariateNormalTriL), L_k lower triangular
 * with diagonal softplus(raw) + minScale and free entries below it.
 *
 * All weights live in one variable (`trainableVariables` has one entry): Adam then costs one
 * set of update kernels per step instead of one per layer. On cpu and wasm, training uses a
 * fused kernel computing forward pass, loss and gradient in one plain-JS pass.
 *
 * Reference: C. M. Bishop, "Mixture Density Networks", NCRG/94/004, Aston University, 1994.
 */
export class MDN implements TrainableDensity {
  /** The resolved architecture. */
  readonly config: MDNConfig;
  /** Flat weight vector; see MDNJSON.weights for the layout. */
  readonly params: tf.Variable<tf.Rank.R1>;
  private readonly layout: MdnLayout;
  private readonly fusedMode: 'auto' | boolean;
  private disposed = false;
  private _normalizer: MDNNormalizer | null = null;

  constructor(options: MDNOptions) {
    if (options === null || typeof options !== 'object') throw argumentError(OWNER, 'options', 'an object', options);
    checkOptionKeys(OWNER, options, ['inputSize', 'outputSize', 'numComponents', 'hiddenUnits', 'activation', 'seed', 'minScale', 'fused', 'normalize', 'covariance']);
    const { inputSize, outputSize, numComponents, activation = 'tanh', minScale = 1e-3, fused = 'auto', normalize = true, covariance = 'diag' } = options;
    if (!isPositiveInteger(inputSize)) throw argumentError(OWNER, 'inputSize', 'a positive integer', inputSize);
    if (!isPositiveInteger(outputSize)) throw argumentError(OWNER, 'outputSize', 'a positive integer', outputSize);
    if (!isPositiveInteger(numComponents)) {
      throw argumentError(OWNER, 'numComponents', 'an integer >= 1', numComponents);
    }
    const hidden = typeof options.hiddenUnits === 'number' ? [options.hiddenUnits] : options.hiddenUnits;
    if (!Array.isArray(hidden) || !hidden.every(isPositiveInteger)) {
      throw argumentError(OWNER, 'hiddenUnits', 'a positive integer or an array of them', options.hiddenUnits);
    }
    if (!ACTIVATIONS.includes(activation)) {
      throw argumentError(OWNER, 'activation', `one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, activation);
    }
    if (!(typeof minScale === 'number' && Number.isFinite(minScale) && minScale > 0)) {
      throw argumentError(OWNER, 'minScale', 'a finite number > 0', minScale);
    }
    if (!(fused === 'auto' || typeof fused === 'boolean')) {
      throw argumentError(OWNER, 'fused', "'auto', true or false", fused);
    }
    if (typeof normalize !== 'boolean') throw argumentError(OWNER, 'normalize', 'a boolean', normalize);
    if (covariance !== 'diag' && covariance !== 'full') throw argumentError(OWNER, 'covariance', "'diag' or 'full'", covariance);
    if (covariance === 'full' && fused === true) {
      throw argumentError(OWNER, 'fused', "'auto' or false with covariance: 'full' (the fused kernel covers diagonal components)", fused);
    }
    const seed = checkSeed(OWNER, options.seed) ?? freshSeed();

    registerGradients();
    registerFusedKernel();
    this.config = { inputSize, outputSize, numComponents, hiddenUnits: hidden.slice(), activation, minScale, seed, normalize, covariance };
    this.layout = {
      sizes: [inputSize, ...hidden, headSize(numComponents, outputSize, covariance)],
      numComponents,
      outputSize,
      activation,
      minScale,
      ...(covariance === 'full' ? { covariance } : {}),
    };
    this.fusedMode = fused;
    const init = tf.tensor1d(initialParams(this.layout, seed));
    this.params = tf.variable(init, true, undefined, 'float32') as tf.Variable<tf.Rank.R1>;
    init.dispose(); // the variable holds its own reference to the data
  }

  /** The variables `fit` trains: the one flat weight vector. */
  get trainableVariables(): tf.Variable[] {
    return [this.params];
  }

  /** The standardization fixed at the first fit (null before it, or with normalize: false). */
  get normalizer(): MDNNormalizer | null {
    return this._normalizer && structuredClone(this._normalizer);
  }

  /** (x - xMean) / xStd, or x itself without a normalizer. Call inside a tidy. */
  private standardX(x: tf.Tensor2D): tf.Tensor2D {
    const nz = this._normalizer;
    const xf = tf.cast(x, 'float32') as tf.Tensor2D;
    return nz ? (tf.div(tf.sub(xf, tf.tensor1d(nz.xMean)), tf.tensor1d(nz.xStd)) as tf.Tensor2D) : xf;
  }

  private standardY(y: tf.Tensor2D): tf.Tensor2D {
    const nz = this._normalizer;
    const yf = tf.cast(y, 'float32') as tf.Tensor2D;
    return nz ? (tf.div(tf.sub(yf, tf.tensor1d(nz.yMean)), tf.tensor1d(nz.yStd)) as tf.Tensor2D) : yf;
  }

  /** sum_d log yStd: the log-density of y = yMean + yStd * y' is that of y' minus this. */
  private get logJacobian(): number {
    return this._normalizer ? this._normalizer.yStd.reduce((acc, v) => acc + Math.log(v), 0) : 0;
  }

  /** Column means and standard deviations of x and y (std 0 or non-finite -> 1). */
  private static async fitNormalizer(x: tf.Tensor2D, y: tf.Tensor2D): Promise<MDNNormalizer> {
    const stats = async (t: tf.Tensor2D): Promise<[number[], number[]]> => {
      const [mean, std] = tf.tidy(() => {
        const m = tf.moments(tf.cast(t, 'float32'), 0);
        return [m.mean, tf.sqrt(m.variance)];
      });
      const out: [number[], number[]] = [Array.from(await mean!.data()), Array.from(await std!.data())];
      tf.dispose([mean!, std!]);
      return out;
    };
    const fix = (std: number[], mean: number[]) => std.map((v, i) => (Number.isFinite(v) && v > 1e-6 * Math.max(1, Math.abs(mean[i]!)) ? v : 1));
    const [xMean, xStdRaw] = await stats(x);
    const [yMean, yStdRaw] = await stats(y);
    return { xMean, xStd: fix(xStdRaw, xMean), yMean, yStd: fix(yStdRaw, yMean) };
  }

  /** Number of weights. */
  get numParams(): number {
    return numParams(this.layout.sizes);
  }

  /**
   * Whether a loss over `rows` examples runs through the fused kernel on the active backend.
   * 'auto' takes it on cpu always (tfjs-cpu's matMul is plain JS too) and on wasm wherever its
   * WebAssembly SIMD module runs (measured faster than the composed ops up to hidden layers of
   * [256, 256] at 1000 rows); with only its JS fallback, on wasm while the work is small
   * (numParams * rows <= 4e6 multiply-adds): beyond that, XNNPACK's SIMD matMul outweighs the
   * ~200 kernel launches of the composed ops.
   */
  usesFusedKernel(rows = 1000): boolean {
    if (this.fusedMode === false || this.config.covariance === 'full') return false;
    const available = fusedAvailable();
    if (this.fusedMode === true) {
      if (!available) {
        throw new Error(`${OWNER}: fused: true, but the fused kernel has no implementation on backend '${tf.getBackend()}' (it has cpu and wasm); use fused: 'auto'`);
      }
      return true;
    }
    return available && (tf.getBackend() === 'cpu' || wasmMdnKernelAvailable(this.layout) || this.numParams * rows <= 4e6);
  }

  private assertLive(): void {
    if (this.disposed) throw new Error(`${OWNER}: this model was disposed`);
  }

  /** x as a float32 [N, inputSize] tensor; throws naming `argument` otherwise. */
  private checkX(x: unknown, argument = 'x'): tf.Tensor2D {
    if (!(x instanceof tf.Tensor)) throw argumentError(OWNER, argument, 'a 2-D tensor [batch, inputSize]', x);
    if (x.rank !== 2 || x.shape[1] !== this.config.inputSize) {
      throw argumentError(OWNER, argument, `a 2-D tensor of shape [batch, ${this.config.inputSize}] (inputSize ${this.config.inputSize})`, raw(`shape ${shapeText(x.shape)}`));
    }
    return x as tf.Tensor2D;
  }

  private checkY(y: unknown, batch: number, argument = 'y', xArgument = 'x'): tf.Tensor2D {
    if (!(y instanceof tf.Tensor)) throw argumentError(OWNER, argument, 'a 2-D tensor [batch, outputSize]', y);
    if (y.rank !== 2 || y.shape[1] !== this.config.outputSize) {
      throw argumentError(OWNER, argument, `a 2-D tensor of shape [batch, ${this.config.outputSize}] (outputSize ${this.config.outputSize})`, raw(`shape ${shapeText(y.shape)}`));
    }
    if (y.shape[0] !== batch) {
      throw argumentError(OWNER, argument, `a tensor with as many rows as ${xArgument} (${batch})`, raw(`${y.shape[0]} rows`));
    }
    return y as tf.Tensor2D;
  }

  /**
   * Mixture parameters for inputs x [N, inputSize]: logits [N, K], locs and scales [N, K, D],
   * and with full covariance the Cholesky factors `scaleTril` [N, K, D, D] (whose diagonal is
   * `scales`). The caller owns (disposes) the tensors.
   */
  mixtureParams(x: tf.Tensor): {
    /** Unnormalized log mixture weights, [N, K]. */
    logits: tf.Tensor2D;
    /** Component locations μ_k(x), [N, K, D]. */
    locs: tf.Tensor3D;
    /** Component scales σ_k(x) > 0, [N, K, D]. */
    scales: tf.Tensor3D;
    /** Cholesky factors L_k(x), [N, K, D, D] (full covariance only). */
    scaleTril?: tf.Tensor4D;
  } {
    this.assertLive();
    const x2 = this.checkX(x);
    const p = tf.tidy(() => {
      const m = mixtureParams(this.layout, this.params, this.standardX(x2));
      const tril = m.offDiagonal ? [choleskyFactor(m.scales, m.offDiagonal)] : [];
      const nz = this._normalizer;
      if (!nz) return [m.logits, m.locs, m.scales, ...tril];
      // y = yMean + yStd * y': locations move and scale, Cholesky rows scale by yStd_i.
      const yStd = tf.tensor1d(nz.yStd);
      const rows = tril.map((L) => tf.mul(L, tf.reshape(yStd, [-1, 1])));
      return [m.logits, tf.add(tf.mul(m.locs, yStd), tf.tensor1d(nz.yMean)), tf.mul(m.scales, yStd), ...rows];
    });
    return {
      logits: p[0] as tf.Tensor2D,
      locs: p[1] as tf.Tensor3D,
      scales: p[2] as tf.Tensor3D,
      ...(p[3] ? { scaleTril: p[3] as tf.Tensor4D } : {}),
    };
  }

  /**
   * The conditional distribution p(y | x) for each row of x [N, inputSize]: a
   * MixtureSameFamily with batch shape [N] and event shape [D]. It owns its parameter tensors:
   * call `dispose()` on it when done (logProb, sample and mean results are the caller's).
   */
  distribution(x: tf.Tensor): MixtureSameFamily {
    const { logits, locs, scales, scaleTril } = this.mixtureParams(x);
    const D = this.config.outputSize;
    const components: Distribution = scaleTril
      ? new MultivariateNormalTriL({ loc: locs, scaleTril, validateArgs: false })
      : D === 1
        ? new Independent({ distribution: new Normal({ loc: locs, scale: scales, validateArgs: false }), reinterpretedBatchNdims: 1 })
        : new MultivariateNormalDiag({ loc: locs, scaleDiag: scales, validateArgs: false });
    return new ConditionalMixture(
      {
        mixtureDistribution: new Categorical({ logits, validateArgs: false }),
        componentsDistribution: components,
        validateArgs: false,
      },
      scaleTril ? [logits, locs, scales, scaleTril] : [logits, locs, scales],
    );
  }

  /** The event shape of y, `[outputSize]`, as for any density (`fit` trains on rows of this size). */
  get eventShape(): number[] {
    return [this.config.outputSize];
  }

  /** The size of x, `inputSize`: the MDN is p(y | x), x being its context. */
  get contextSize(): number {
    return this.config.inputSize;
  }

  /**
   * log p(y | x) per row: [N]. Called as any conditional density, `logProb(y, {context: x})`;
   * the form `logProb(x, y)` (inputs first) is still accepted.
   */
  logProb(y: tf.Tensor, opts: { context?: tf.Tensor } | tf.Tensor = {}): tf.Tensor1D {
    this.assertLive();
    // Inputs-first form: logProb(x, y).
    const [xIn, yIn, xName] = opts instanceof tf.Tensor ? [y, opts, 'x'] : [opts?.context, y, 'context'];
    const x2 = this.checkX(xIn, xName);
    const y2 = this.checkY(yIn, x2.shape[0], 'y', xName);
    return tf.tidy(() => {
      const lp = mixtureLogProb(this.layout, this.params, this.standardX(x2), this.standardY(y2));
      return this._normalizer ? (tf.sub(lp, this.logJacobian) as tf.Tensor1D) : lp;
    });
  }

  /**
   * Mean negative log-likelihood of the rows of (x, y) in nats: the training loss,
   * differentiable with respect to `params` (through the fused kernel where available).
   */
  loss(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    this.assertLive();
    const x2 = this.checkX(x);
    const y2 = this.checkY(y, x2.shape[0]);
    const fused = this.usesFusedKernel(x2.shape[0]);
    const offset = this.logJacobian;
    return tf.tidy(() => {
      const xs = this.standardX(x2);
      const ys = this.standardY(y2);
      if (fused) return fusedLoss(this.layout, this.params, xs, ys, null, offset);
      const loss = genericLoss(this.layout, this.params, xs, ys);
      return offset === 0 ? loss : (tf.add(loss, offset) as tf.Scalar);
    });
  }

  /**
   * Draws from p(y | x): shape sampleShape + [N, D] (by default one draw per row, [N, D]).
   * `seed` makes the draw reproducible on every backend.
   */
  sample(x: tf.Tensor, { seed, sampleShape = [] }: { seed?: number; sampleShape?: number | number[] } = {}): tf.Tensor {
    const dist = this.distribution(x);
    try {
      return dist.sample(sampleShape, seed === undefined ? {} : { seed });
    } finally {
      dist.dispose();
    }
  }

  /**
   * The most probable y per row, approximately: the component location with the highest
   * mixture density (the exact mode of a Gaussian mixture has no closed form; with separated
   * components it lies next to one of the locations). Shape [N, D].
   */
  mode(x: tf.Tensor): tf.Tensor2D {
    const dist = this.distribution(x);
    try {
      return tf.tidy(() => {
        const p = this.mixtureParams(x);
        // One component: its location (tfjs' oneHot refuses depth 1).
        if (this.config.numComponents === 1) return tf.squeeze(p.locs, [1]) as tf.Tensor2D;
        const candidates = tf.transpose(p.locs, [1, 0, 2]); // [K, N, D]
        const density = dist.logProb(candidates); // [K, N]
        // int32 oneHot, then cast: tfjs-backend-wasm 4.22 writes int32 bits into a float32
        // oneHot (1 reads as 1.4e-45).
        const best = tf.cast(tf.oneHot(tf.argMax(density, 0), this.config.numComponents), 'float32'); // [N, K]
        return tf.sum(tf.mul(p.locs, tf.expandDims(best, 2)), 1) as tf.Tensor2D;
      });
    } finally {
      dist.dispose();
    }
  }

  /**
   * Trains by minimizing the mean NLL of y given x: `fit(mdn, y, {context: x, ...})` from
   * @densityjs/core with the inputs first, Keras-style (`validationData: [x, y]`). Shuffled
   * minibatches (full batch when batchSize >= N), Adam by default, validation with early
   * stopping that restores the best weights, onEpochEnd, AbortSignal, and divergence guards.
   * With `normalize` (default), the first fit fixes the standardization of x and y.
   */
  async fit(x: tf.Tensor, y: tf.Tensor, opts: MDNFitOptions = {}): Promise<FitResult> {
    this.assertLive();
    if (opts === null || typeof opts !== 'object') throw argumentError(`${OWNER}.fit`, 'options', 'an object', opts);
    const { validationData, ...rest } = opts;
    if (validationData !== undefined && (!Array.isArray(validationData) || validationData.length !== 2)) {
      throw argumentError(`${OWNER}.fit`, 'validationData', 'an array [x, y] of two 2-D tensors', validationData);
    }
    return fit(this, y, { ...rest, context: x, ...(validationData ? { validationData } : {}) });
  }

  /**
   * The MDN's training objective for `fit`: fixes the normalizer at the first fit (undone when
   * the fit fails), standardizes the data once, and uses the fused loss kernel where it is faster.
   */
  async trainingObjective(data: TrainingData): Promise<TrainingObjective> {
    this.assertLive();
    const { x: y2, context, validationX: valY, validationContext: valX, batchSize } = data;
    const x2 = context!;
    const n = x2.shape[0];
    const fused = this.usesFusedKernel(Math.min(n, batchSize));
    // Browsers may compile the kernel's WebAssembly asynchronously: the whole run waits for it,
    // so every step uses the same implementation.
    if (fused) await mdnKernelReady();
    const setNormalizer = this.config.normalize && !this._normalizer;
    if (setNormalizer) this._normalizer = await MDN.fitNormalizer(x2, y2);
    // Standardized float32 copies, made once for the whole run.
    const [xs, ys, vx, vy] = tf.tidy(() => [
      this.standardX(x2),
      this.standardY(y2),
      ...(valX && valY ? [this.standardX(valX), this.standardY(valY)] : []),
    ]) as tf.Tensor2D[];
    const owned = [xs!, ys!, vx, vy].filter((t): t is tf.Tensor2D => t !== undefined && t !== x2 && t !== y2 && t !== valX && t !== valY);
    const layout = this.layout;
    const params = this.params;
    const offset = this.logJacobian;
    const withOffset = (loss: tf.Scalar): tf.Scalar => (offset === 0 ? loss : (tf.add(loss, offset) as tf.Scalar));
    return {
      batchLoss: (indices) => {
        // A full batch is a permutation of all rows: the mean loss does not depend on it.
        const all = indices.shape[0] === n;
        if (fused) return fusedLoss(layout, params, xs!, ys!, all ? null : indices, offset);
        if (all) return withOffset(genericLoss(layout, params, xs!, ys!));
        return withOffset(genericLoss(layout, params, tf.gather(xs!, indices), tf.gather(ys!, indices)));
      },
      ...(vx && vy
        ? { validationLoss: () => (fused ? fusedLossValue(layout, params, vx, vy, null, offset) : withOffset(genericLoss(layout, params, vx, vy))) }
        : {}),
      finish: (failed) => {
        tf.dispose(owned);
        if (failed && setNormalizer) this._normalizer = null;
      },
    };
  }

  /** Config, weights and format version, as plain JSON (reads the weights synchronously). */
  toJSON(): MDNJSON {
    this.assertLive();
    const values = tryReadSync(this.params);
    if (!values) {
      throw new Error(`${OWNER}.toJSON: backend '${tf.getBackend()}' cannot read tensors synchronously; use await mdn.toJSONAsync()`);
    }
    return { format: 'densityjs-mdn', formatVersion: FORMAT_VERSION, config: { ...this.config, hiddenUnits: this.config.hiddenUnits.slice() }, normalizer: this.normalizer, weights: Array.from(values) };
  }

  /** `toJSON` for backends without synchronous reads (webgpu). */
  async toJSONAsync(): Promise<MDNJSON> {
    this.assertLive();
    const values = await this.params.data();
    return { format: 'densityjs-mdn', formatVersion: FORMAT_VERSION, config: { ...this.config, hiddenUnits: this.config.hiddenUnits.slice() }, normalizer: this.normalizer, weights: Array.from(values) };
  }

  /** Rebuilds a model saved with `toJSON` (the object or its JSON string). */
  static fromJSON(json: MDNJSON | string, { fused = 'auto' }: { fused?: 'auto' | boolean } = {}): MDN {
    const where = 'MDN.fromJSON';
    let obj: Partial<MDNJSON> | null;
    try {
      obj = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<MDNJSON> | null;
    } catch (error) {
      throw new FormatError(`${where}: json is not valid JSON (${(error as Error).message.slice(0, 200)})`);
    }
    if (obj === null || typeof obj !== 'object' || obj.format !== 'densityjs-mdn') {
      throw argumentError(where, 'json', "an object with format 'densityjs-mdn' (from mdn.toJSON())", typeof obj === 'object' && obj ? raw(`format ${JSON.stringify(obj.format)}`) : obj);
    }
    if (obj.formatVersion !== FORMAT_VERSION) {
      throw argumentError(where, 'json.formatVersion', `${FORMAT_VERSION} (this version of @densityjs/mdn)`, obj.formatVersion);
    }
    const config = obj.config;
    if (!config || typeof config !== 'object') throw argumentError(where, 'json.config', 'an object', config);
    const model = new MDN({ ...config, fused });
    const weights = obj.weights;
    if (!Array.isArray(weights) || weights.length !== model.numParams || !weights.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      model.dispose();
      const what = Array.isArray(weights) ? (weights.length === model.numParams ? 'a non-finite or non-numeric entry' : `an array of length ${weights.length}`) : typeof weights;
      throw new FormatError(`${where}: json.weights must be an array of ${model.numParams} finite numbers, received ${what}`);
    }
    const nz = obj.normalizer;
    if (nz !== undefined && nz !== null) {
      const ok = (v: unknown, len: number, positive: boolean) =>
        Array.isArray(v) && v.length === len && v.every((e) => typeof e === 'number' && Number.isFinite(e) && (!positive || e > 0));
      const { inputSize, outputSize } = model.config;
      if (!(ok(nz.xMean, inputSize, false) && ok(nz.xStd, inputSize, true) && ok(nz.yMean, outputSize, false) && ok(nz.yStd, outputSize, true))) {
        model.dispose();
        throw argumentError(where, 'json.normalizer', `null or {xMean, xStd} of length ${inputSize} and {yMean, yStd} of length ${outputSize} (std > 0)`, raw(JSON.stringify(nz)));
      }
      model._normalizer = structuredClone(nz);
    }
    tf.tidy(() => model.params.assign(tf.tensor1d(weights, 'float32')));
    return model;
  }

  /** Frees the weights. The model is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
  }
}
