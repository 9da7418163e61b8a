import * as tf from '@tensorflow/tfjs-core';
import { argumentError, broadcastShapeOf, checkSeed, fusedRationalQuadraticSpline, nonDifferentiable, shapeText, tfjsSeed } from '@densityjs/core';
import { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';
import { ParameterSet } from './parameter.js';

/** Shape settings of a rational-quadratic spline. */
export interface SplineSettings {
  /** Number of bins K (default 8). Unnormalized parameters per unit: 3K - 1. */
  numBins?: number;
  /** Half-width B of the interval [-B, B] where the spline acts; identity outside (default 4). */
  bound?: number;
  /** Minimum bin width as a fraction of 2B (default 1e-3). */
  minBinWidth?: number;
  /** Minimum bin height as a fraction of 2B (default 1e-3). */
  minBinHeight?: number;
  /** Minimum knot derivative (default 1e-3). */
  minDerivative?: number;
}

/**
 * {@link SplineSettings} with every default filled in.
 * @inline
 */
export interface ResolvedSpline {
  /** Number of bins K. */
  numBins: number;
  /** Half-width B of the interval [-B, B]. */
  bound: number;
  /** Smallest bin width, as a fraction of 2B. */
  minBinWidth: number;
  /** Smallest bin height, as a fraction of 2B. */
  minBinHeight: number;
  /** Smallest derivative at the knots. */
  minDerivative: number;
}

/** The defaults of every spline in densityjs (bijector, transformer, presets): 8 bins on [-4, 4]. */
export const SPLINE_DEFAULTS = {
  /** Number of bins K. */
  numBins: 8,
  /** Half-width B of the interval [-B, B] the spline maps onto itself. */
  bound: 4,
} as const;

export function resolveSpline(owner: string, s: SplineSettings = {}): ResolvedSpline {
  const numBins = s.numBins ?? SPLINE_DEFAULTS.numBins;
  const bound = s.bound ?? SPLINE_DEFAULTS.bound;
  const minBinWidth = s.minBinWidth ?? 1e-3;
  const minBinHeight = s.minBinHeight ?? 1e-3;
  const minDerivative = s.minDerivative ?? 1e-3;
  if (!Number.isInteger(numBins) || numBins < 2) throw argumentError(owner, 'numBins', 'an integer >= 2', s.numBins);
  if (!(bound > 0) || !Number.isFinite(bound)) throw argumentError(owner, 'bound', 'a finite number > 0', s.bound);
  if (!(minBinWidth > 0) || minBinWidth * numBins >= 1) {
    throw argumentError(owner, 'minBinWidth', `in (0, 1/numBins = ${1 / numBins})`, s.minBinWidth);
  }
  if (!(minBinHeight > 0) || minBinHeight * numBins >= 1) {
    throw argumentError(owner, 'minBinHeight', `in (0, 1/numBins = ${1 / numBins})`, s.minBinHeight);
  }
  if (!(minDerivative > 0) || minDerivative >= 1) throw argumentError(owner, 'minDerivative', 'in (0, 1)', s.minDerivative);
  return { numBins, bound, minBinWidth, minBinHeight, minDerivative };
}

/** Number of unnormalized parameters per unit for K bins: K widths, K heights, K-1 derivatives. */
export function splineParamCount(numBins: number): number {
  return 3 * numBins - 1;
}

interface SplineConstants {
  /** [K, K], `[i, j] = 2B` for i < j: left knots = -B + frac @ cumulative. */
  cumulative: tf.Tensor;
  /** [K-1, 2K]: interior derivative j (knot j+1) -> left-derivative slot j+1 and right slot j. */
  derivSelect: tf.Tensor;
  /** [2K]: the boundary derivatives (1 at knot 0 on the left row, knot K on the right row). */
  derivOffset: tf.Tensor;
  /** [K]: 1..K, the bin counts that select each bin. */
  iota1: tf.Tensor;
  /** [2, 1]: per-row scale and floor of the width / height fractions. */
  fracScale: tf.Tensor;
  fracFloor: tf.Tensor;
}

/** Constants per backend and spline setting, kept for the process (a few hundred floats each). */
const constantCache = new Map<string, SplineConstants>();

function constants(s: ResolvedSpline): SplineConstants {
  const { numBins: K, bound: B, minBinWidth: mw, minBinHeight: mh } = s;
  // Per backend: moving a cached tensor off webgpu needs a sync read, which Node's webgpu lacks.
  const key = `${tf.getBackend()}:${K}:${B}:${mw}:${mh}`;
  let c = constantCache.get(key);
  if (!c || Object.values(c).some((t: tf.Tensor) => t.isDisposed)) {
    const cumulative = new Float32Array(K * K);
    for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) cumulative[i * K + j] = 2 * B;
    const select = new Float32Array((K - 1) * 2 * K);
    for (let j = 0; j < K - 1; j++) {
      select[j * 2 * K + (j + 1)] = 1; // left derivative of bin j+1
      select[j * 2 * K + K + j] = 1; // right derivative of bin j
    }
    const offset = new Float32Array(2 * K);
    offset[0] = 1;
    offset[2 * K - 1] = 1;
    c = {
      cumulative: tf.keep(tf.tensor2d(cumulative, [K, K])),
      derivSelect: tf.keep(tf.tensor2d(select, [K - 1, 2 * K])),
      derivOffset: tf.keep(tf.tensor1d(offset)),
      iota1: tf.keep(tf.range(1, K + 1, 1, 'float32')),
      fracScale: tf.keep(tf.tensor2d([[1 - mw * K], [1 - mh * K]])),
      fracFloor: tf.keep(tf.tensor2d([[mw], [mh]])),
    };
    constantCache.set(key, c);
  }
  return c;
}

/**
 * Monotone rational-quadratic spline of Durkan et al. (2019), "Neural Spline Flows", applied
 * elementwise: K bins on [-B, B] with knots (x_k, y_k) and positive knot derivatives d_k,
 * identity outside [-B, B] (the boundary derivatives are 1, so the map is C^1 there).
 *
 * From unnormalized parameters `params` of shape [..., 3K-1] (K width logits, K height logits,
 * K-1 interior derivative pre-activations; the leading dims broadcast against `x`): bin widths
 * `w = 2B (m_w + (1 - K m_w) softmax(u_w))`, heights likewise, interior derivatives
 * `d = m_d + softplus(u_d)`. Inside bin k with `theta = (x - x_k) / w_k`, `s_k = h_k / w_k`:
 *
 *     y = y_k + h_k [s_k theta^2 + d_k theta (1 - theta)] / [s_k + (d_k + d_{k+1} - 2 s_k) theta (1 - theta)]
 *     dy/dx = s_k^2 [d_{k+1} theta^2 + 2 s_k theta (1 - theta) + d_k (1 - theta)^2] / [denominator]^2
 *
 * The inverse solves the quadratic `a theta^2 + b theta + c = 0` with the cancellation-free root
 * `theta = 2c / (-b - sqrt(b^2 - 4ac))` (Durkan et al., eq. 29). The bin of each input is found
 * by comparisons with the knots and selected with a one-hot mask (no gather, so gradients need
 * no scatter kernel on any backend). Tails: the spline is evaluated at the input clamped to
 * [-B, B] and `x - clamp(x)` is added back; since the spline maps +-B to +-B with slope 1 there,
 * this is the identity outside with a 0 log-det, without masks.
 *
 * Returns `[value, log|dvalue/dinput|]`, both elementwise (of the broadcast shape).
 */
export function rationalQuadraticSpline(
  x: tf.Tensor,
  params: tf.Tensor,
  settings: SplineSettings & { inverse?: boolean } = {},
): [tf.Tensor, tf.Tensor] {
  const resolved = resolveSpline('rationalQuadraticSpline', settings);
  const { numBins: K, bound: B, minDerivative } = resolved;
  const inverse = settings.inverse ?? false;
  const P = params.shape[params.rank - 1];
  if (P !== splineParamCount(K)) {
    throw argumentError(
      'rationalQuadraticSpline',
      'params',
      `a tensor whose last dimension is 3 * numBins - 1 = ${splineParamCount(K)}`,
      params,
    );
  }
  const shape = broadcastShapeOf(x.shape, params.shape.slice(0, -1));
  if (shape === undefined) {
    throw argumentError('rationalQuadraticSpline', 'x', `a tensor that broadcasts with the batch shape of params, ${shapeText(params.shape.slice(0, -1))}`, x);
  }
  // One kernel each way on cpu and wasm when params match x's shape; the composed ops elsewhere.
  const fused = fusedRationalQuadraticSpline(x, params, { ...resolved, inverse });
  if (fused) return fused;
  return tf.tidy(() => {
    const c = constants(resolved);
    // Broadcast x and params to one shape, then work on flat [n] / [n, ., K] tensors: rank <= 3
    // keeps every backend on its fast paths (webgpu's rank-5 broadcasting shaders fail).
    const n = shape.reduce((a, b) => a * b, 1);
    const sameShape = (s: number[]): boolean => s.length === shape.length && s.every((d, i) => d === shape[i]);
    const pFull = sameShape(params.shape.slice(0, -1)) ? params : tf.broadcastTo(params, [...shape, P]);
    const xFull = sameShape(x.shape) ? x : tf.broadcastTo(x, shape);
    const v = tf.reshape(xFull, [n]);
    const [uwh, ud] = tf.split(tf.reshape(pFull, [n, P]), [2 * K, K - 1], -1) as [tf.Tensor, tf.Tensor];
    // Widths (row 0) and heights (row 1) together: [n, 2, K] fractions on the simplex, floored.
    const frac = tf.add(tf.mul(tf.softmax(tf.reshape(uwh, [n, 2, K])), c.fracScale), c.fracFloor);
    const sizes = tf.mul(frac, 2 * B);
    const left = tf.add(tf.reshape(tf.matMul(tf.reshape(frac, [2 * n, K]), c.cumulative), [n, 2, K]), -B);
    // Derivatives: row 0 = d_k (left knot of bin k), row 1 = d_{k+1}; 1 at -B and B.
    const interior = tf.add(tf.softplus(ud), minDerivative);
    const derivs = tf.reshape(tf.add(tf.matMul(interior as tf.Tensor2D, c.derivSelect as tf.Tensor2D), c.derivOffset), [n, 2, K]);
    // Per-bin table [n, 6, K]: x_k, y_k, w_k, h_k, d_k, d_{k+1}.
    const table = tf.concat([left, sizes, derivs], 1);
    const knots = tf.slice(table, [0, inverse ? 1 : 0, 0], [n, 1, K]);

    const vc = tf.clipByValue(v, -B, B);
    // One-hot of the bin: bin k is selected when exactly k+1 left knots are <= v.
    const onehot = nonDifferentiable(
      (t, k) =>
        tf.cast(tf.equal(tf.sum(tf.cast(tf.greaterEqual(tf.reshape(t, [n, 1, 1]), k), 'float32'), -1, true), c.iota1), 'float32'),
      vc,
      knots,
    );
    // Selected bin quantities [n, 6]: x_k, y_k, w_k, h_k, d_k, d_{k+1}.
    const picked = tf.sum(tf.mul(onehot, table), -1);
    const packed = rqSplineFormula(vc, picked, inverse);
    const [value, ld] = tf.unstack(packed, -1) as [tf.Tensor, tf.Tensor];
    // Identity tails: add back what the clamp removed (0 inside [-B, B]).
    const out = tf.reshape(tf.add(value, tf.sub(v, vc)), shape);
    return [out, tf.reshape(ld, shape)];
  }) as [tf.Tensor, tf.Tensor];
}

/**
 * The rational-quadratic formula of one bin as ONE custom-gradient op (the spline's hot part:
 * autodiff of the ~40 elementwise ops would cost ~300 kernels per call on wasm).
 *
 * Inputs: `v` [n] (inside [-B, B]) and the selected bin `picked` [n, 6] = (x_k, y_k, w, h, d0, d1).
 * Output [n, 2]: (value, log-det) of the forward map (v = x) or of the inverse (v = y).
 * With delta = h / w, theta the position in the bin, q = theta (1 - theta),
 * den = delta + (d0 + d1 - 2 delta) q, N = d1 theta^2 + 2 delta q + d0 (1 - theta)^2,
 * F = (delta theta^2 + d0 q) / den:  y = y_k + h F,  log dy/dx = log(delta^2 N / den^2).
 *
 * Backward by hand: with Y_theta = dy/dtheta = h delta N / den^2 and
 *   Y_delta = h (theta^2 den - (delta theta^2 + d0 q)(1 - 2q)) / den^2,
 *   Y_d0 = h q (den - F den) / den^2, Y_d1 = -h F q / den,
 *   L_theta = N_theta / N - 2 c2 (1 - 2 theta) / den, L_delta = 2/delta + 2q/N - 2(1 - 2q)/den,
 *   L_d0 = (1 - theta)^2 / N - 2q / den, L_d1 = theta^2 / N - 2q / den,
 * the forward chain uses theta = (x - x_k)/w, delta = h/w; the inverse differentiates the
 * implicit theta(y) through dtheta = (dy - dy_k - F dh - Y_delta ddelta - Y_d0 dd0 - Y_d1 dd1) / Y_theta.
 */
export function rqSplineFormula(v: tf.Tensor, picked: tf.Tensor, inverse: boolean): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const [vIn, pIn, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [xk, yk, w, h, d0, d1] = tf.unstack(pIn, -1) as Six;
    const delta = tf.div(h, w);
    const c2 = tf.sub(tf.add(d0, d1), tf.mul(delta, 2));
    let theta: tf.Tensor;
    if (!inverse) {
      theta = tf.div(tf.sub(vIn, xk), w);
    } else {
      const dy = tf.sub(vIn, yk);
      const dyc2 = tf.mul(dy, c2);
      const a = tf.add(tf.mul(h, tf.sub(delta, d0)), dyc2);
      const b = tf.sub(tf.mul(h, d0), dyc2);
      const cc = tf.mul(delta, dy); // = -c of a theta^2 + b theta + c
      const disc = tf.relu(tf.add(tf.square(b), tf.mul(tf.mul(a, cc), 4)));
      theta = tf.div(tf.mul(cc, -2), tf.sub(tf.neg(b), tf.sqrt(disc)));
    }
    const oneMinus = tf.sub(1, theta);
    const q = tf.mul(theta, oneMinus);
    const den = tf.add(delta, tf.mul(c2, q));
    const theta2 = tf.square(theta);
    const value = inverse
      ? tf.add(tf.mul(theta, w), xk)
      : tf.add(yk, tf.div(tf.mul(h, tf.add(tf.mul(delta, theta2), tf.mul(d0, q))), den));
    const n = tf.add(tf.add(tf.mul(d1, theta2), tf.mul(tf.mul(delta, q), 2)), tf.mul(d0, tf.square(oneMinus)));
    const ld = tf.log(tf.div(tf.mul(tf.square(delta), n), tf.square(den)));
    save([pIn, theta]);
    return {
      value: tf.stack([value, inverse ? tf.neg(ld) : ld], -1),
      gradFunc: (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [pS, th] = saved as [tf.Tensor, tf.Tensor];
        const [gv, gl] = tf.unstack(dyIn as tf.Tensor, -1) as [tf.Tensor, tf.Tensor];
        const [, , wS, hS, a0, a1] = tf.unstack(pS, -1) as Six;
        const dl = tf.div(hS, wS);
        const cc2 = tf.sub(tf.add(a0, a1), tf.mul(dl, 2));
        const om = tf.sub(1, th);
        const qq = tf.mul(th, om);
        const oneMinus2q = tf.sub(1, tf.mul(qq, 2));
        const dn = tf.add(dl, tf.mul(cc2, qq));
        const th2 = tf.square(th);
        const om2 = tf.square(om);
        const nn = tf.add(tf.add(tf.mul(a1, th2), tf.mul(tf.mul(dl, qq), 2)), tf.mul(a0, om2));
        const invDen = tf.reciprocal(dn);
        const invN = tf.reciprocal(nn);
        const f = tf.mul(tf.add(tf.mul(dl, th2), tf.mul(a0, qq)), invDen); // F
        const hOverDen = tf.mul(hS, invDen);
        const yTheta = tf.mul(tf.mul(hOverDen, tf.mul(dl, nn)), invDen);
        const yDelta = tf.mul(hOverDen, tf.sub(th2, tf.mul(f, oneMinus2q)));
        const yD0 = tf.mul(tf.mul(hOverDen, qq), tf.sub(1, f));
        const yD1 = tf.neg(tf.mul(tf.mul(hOverDen, qq), f));
        const nTheta = tf.mul(tf.sub(tf.add(tf.mul(a1, th), tf.mul(dl, tf.sub(1, tf.mul(th, 2)))), tf.mul(a0, om)), 2);
        const twoQOverDen = tf.mul(tf.mul(qq, 2), invDen);
        const lTheta = tf.sub(tf.mul(nTheta, invN), tf.mul(tf.mul(tf.mul(cc2, tf.sub(1, tf.mul(th, 2))), 2), invDen));
        const lDelta = tf.sub(tf.add(tf.div(2, dl), tf.mul(tf.mul(qq, 2), invN)), tf.mul(tf.mul(oneMinus2q, 2), invDen));
        const lD0 = tf.sub(tf.mul(om2, invN), twoQOverDen);
        const lD1 = tf.sub(tf.mul(th2, invN), twoQOverDen);
        const invW = tf.reciprocal(wS);
        let dv: tf.Tensor, dxk: tf.Tensor, dyk: tf.Tensor, dw: tf.Tensor, dh: tf.Tensor, dd0: tf.Tensor, dd1: tf.Tensor;
        if (!inverse) {
          const gTheta = tf.add(tf.mul(gv, yTheta), tf.mul(gl, lTheta));
          const gDelta = tf.add(tf.mul(gv, yDelta), tf.mul(gl, lDelta));
          dv = tf.mul(gTheta, invW);
          dxk = tf.neg(dv);
          dyk = gv;
          dw = tf.neg(tf.mul(tf.add(tf.mul(gTheta, th), tf.mul(gDelta, dl)), invW));
          dh = tf.add(tf.mul(gv, f), tf.mul(gDelta, invW));
          dd0 = tf.add(tf.mul(gv, yD0), tf.mul(gl, lD0));
          dd1 = tf.add(tf.mul(gv, yD1), tf.mul(gl, lD1));
        } else {
          // x = x_k + theta w, ld = -L(theta, delta, d0, d1), theta implicit in y.
          const r = tf.div(tf.sub(tf.mul(gv, wS), tf.mul(gl, lTheta)), yTheta);
          dv = r;
          dyk = tf.neg(r);
          dxk = gv;
          const gDelta = tf.neg(tf.add(tf.mul(gl, lDelta), tf.mul(r, yDelta)));
          dw = tf.sub(tf.mul(gv, th), tf.mul(tf.mul(gDelta, dl), invW));
          dh = tf.add(tf.neg(tf.mul(r, f)), tf.mul(gDelta, invW));
          dd0 = tf.neg(tf.add(tf.mul(gl, lD0), tf.mul(r, yD0)));
          dd1 = tf.neg(tf.add(tf.mul(gl, lD1), tf.mul(r, yD1)));
        }
        return [dv, tf.stack([dxk, dyk, dw, dh, dd0, dd1], -1)];
      },
    };
  });
  return op(v, picked);
}

type Six = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

/** Options of {@link RationalQuadraticSpline}: the spline settings and its parameters (given, or trainable and initialized). */
export interface RationalQuadraticSplineOptions extends ElementwiseOptions, SplineSettings {
  /**
   * Fixed unnormalized parameters of shape [...paramShape, 3K-1] (not trained). Without it the
   * bijector owns a trainable variable of shape [...shape, 3K-1].
   */
  params?: tf.Tensor;
  /** Shape of the trainable parameter set, broadcast against x (default []: one spline). */
  shape?: number[];
  /** Std-dev of the random initial parameters (default 0: the identity map). */
  initScale?: number;
  /** Seed of the random initial parameters. */
  seed?: number;
}

/**
 * Elementwise rational-quadratic spline bijector with its own parameters (see
 * `rationalQuadraticSpline` for the math). Coupling and autoregressive layers use the function
 * with parameters produced by a conditioner instead (`SplineCoupling`,
 * `MaskedAutoregressiveSpline`).
 */
export class RationalQuadraticSpline extends ElementwiseBijector {
  /** The spline settings with every default filled in. */
  readonly settings: ResolvedSpline;
  private readonly paramSet = new ParameterSet();
  private readonly params: tf.Tensor;

  constructor(opts: RationalQuadraticSplineOptions = {}) {
    super(opts, 'RationalQuadraticSpline', false, ['numBins', 'bound', 'minBinWidth', 'minBinHeight', 'minDerivative', 'params', 'shape', 'initScale', 'seed']);
    this.settings = resolveSpline(this.name, opts);
    const P = splineParamCount(this.settings.numBins);
    if (opts.params !== undefined) {
      const p = this.paramSet.tensor(opts.params, this.name, 'params');
      if (p.rank < 1 || p.shape[p.rank - 1] !== P) {
        const error = argumentError(this.name, 'params', `a tensor of shape [..., ${P}] (3 * numBins - 1)`, p);
        this.paramSet.dispose();
        throw error;
      }
      this.params = p;
    } else {
      const shape = opts.shape ?? [];
      if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
        throw argumentError(this.name, 'shape', 'an array of positive integers', shape);
      }
      const scale = opts.initScale ?? 0;
      const init = tf.tidy(() => {
        const K = this.settings.numBins;
        // Zero width/height logits = uniform bins; derivative logits log(e^(1-m) - 1) give d = 1.
        const m = this.settings.minDerivative;
        const base = tf.concat(
          [tf.zeros([...shape, 2 * K]), tf.fill([...shape, K - 1], Math.log(Math.expm1(1 - m)))],
          -1,
        );
        return scale > 0 ? tf.add(base, tf.randomNormal([...shape, P], 0, scale, 'float32', tfjsSeed(checkSeed(this.name, opts.seed)))) : base;
      });
      this.params = this.paramSet.variable(init, 'rq_spline_params');
    }
    this.parameterShapes.params = this.params.shape.slice(0, -1);
  }

  override get trainableVariables(): tf.Variable[] {
    return this.paramSet.trainableVariables;
  }

  override dispose(): void {
    this.paramSet.dispose();
  }

  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return rationalQuadraticSpline(x, this.params, { ...this.settings, inverse: false });
  }

  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return rationalQuadraticSpline(y, this.params, { ...this.settings, inverse: true });
  }
}
