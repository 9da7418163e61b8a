import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkValues } from '@densityjs/core';
import { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';
import { nonDifferentiable } from './ops.js';
import { ParameterSet } from './parameter.js';

/** Shape settings of a rational-quadratic spline. */
export interface SplineSettings {
  /** Number of bins K (default 8). Unnormalized parameters per unit: 3K - 1. */
  numBins?: number;
  /** Half-width B of the interval [-B, B] where the spline acts; identity outside (default 3). */
  bound?: number;
  /** Minimum bin width as a fraction of 2B (default 1e-3). */
  minBinWidth?: number;
  /** Minimum bin height as a fraction of 2B (default 1e-3). */
  minBinHeight?: number;
  /** Minimum knot derivative (default 1e-3). */
  minDerivative?: number;
}

export interface ResolvedSpline {
  numBins: number;
  bound: number;
  minBinWidth: number;
  minBinHeight: number;
  minDerivative: number;
}

export function resolveSpline(owner: string, s: SplineSettings = {}): ResolvedSpline {
  const numBins = s.numBins ?? 8;
  const bound = s.bound ?? 3;
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

/** Cache of the constant matrices per (K, B) and backend-independent values. */
const constantCache = new Map<string, { cumulative: tf.Tensor; iota: tf.Tensor }>();

function constants(K: number, B: number): { cumulative: tf.Tensor; iota: tf.Tensor } {
  const key = `${K}:${B}`;
  let c = constantCache.get(key);
  if (!c || c.cumulative.isDisposed || c.iota.isDisposed) {
    // cumulative[i, j] = 2B for i < j: left knots = -B + (w @ cumulative) for w on the simplex.
    const m = new Float32Array(K * K);
    for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) m[i * K + j] = 2 * B;
    c = {
      cumulative: tf.keep(tf.tensor2d(m, [K, K])),
      iota: tf.keep(tf.range(0, K, 1, 'float32')),
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
 * From unnormalized parameters `params` of shape [..., 3K-1] (broadcasting against `x` + [3K-1]):
 * bin widths `w = 2B (m_w + (1 - K m_w) softmax(u_w))`, heights likewise, interior derivatives
 * `d = m_d + softplus(u_d)`. Inside bin k with `theta = (x - x_k) / w_k`, `s_k = h_k / w_k`:
 *
 *     y = y_k + h_k [s_k theta^2 + d_k theta (1 - theta)] / [s_k + (d_k + d_{k+1} - 2 s_k) theta (1 - theta)]
 *     dy/dx = s_k^2 [d_{k+1} theta^2 + 2 s_k theta (1 - theta) + d_k (1 - theta)^2] / [denominator]^2
 *
 * The inverse solves the quadratic `a theta^2 + b theta + c = 0` with the cancellation-free root
 * `theta = 2c / (-b - sqrt(b^2 - 4ac))` (Durkan et al., eq. 29). The bin of each input is found
 * by comparisons with the knots and selected with one-hot masks (no gather, so gradients need no
 * scatter kernel on any backend).
 *
 * Returns `[value, log|dvalue/dinput|]`, both elementwise (of the broadcast shape).
 */
export function rationalQuadraticSpline(
  x: tf.Tensor,
  params: tf.Tensor,
  settings: SplineSettings & { inverse?: boolean } = {},
): [tf.Tensor, tf.Tensor] {
  const { numBins: K, bound: B, minBinWidth, minBinHeight, minDerivative } = resolveSpline('rationalQuadraticSpline', settings);
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
  return tf.tidy(() => {
    const { cumulative, iota } = constants(K, B);
    const [uw, uh, ud] = tf.split(params, [K, K, K - 1], -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const lead = uw.shape.slice(0, -1);
    const n = lead.reduce((a, b) => a * b, 1);
    // Bin sizes on the simplex with a floor, times 2B; left knots by one matMul (exact -B start).
    const binSizes = (u: tf.Tensor, floor: number): [tf.Tensor, tf.Tensor] => {
      const frac = tf.add(tf.mul(tf.softmax(u), 1 - floor * K), floor);
      const left = tf.reshape(tf.add(tf.matMul(tf.reshape(frac, [n, K]), cumulative), -B), [...lead, K]);
      return [tf.mul(frac, 2 * B), left];
    };
    const [widths, leftX] = binSizes(uw, minBinWidth);
    const [heights, leftY] = binSizes(uh, minBinHeight);
    // Knot derivatives: 1 at -B and B (matching the identity tails), m_d + softplus inside.
    const interior = tf.add(tf.softplus(ud), minDerivative);
    const derivs = tf.pad(interior, [...lead.map((): [number, number] => [0, 0]), [1, 1]], 1);
    const [dLeftAll, dRightAll] = [
      tf.slice(derivs, new Array(lead.length + 1).fill(0), [...lead, K]),
      tf.slice(derivs, [...new Array(lead.length).fill(0), 1], [...lead, K]),
    ];

    const v = inverse ? x : x;
    const vc = tf.clipByValue(v, -B, B);
    const knots = inverse ? leftY : leftX;
    // One-hot of the bin containing vc: bin = #(left knots <= vc) - 1, in [0, K-1].
    const onehot = nonDifferentiable(
      (t, k) => {
        const ge = tf.cast(tf.greaterEqual(tf.expandDims(t, -1), k), 'float32');
        const bin = tf.sub(tf.sum(ge, -1, true), 1);
        return tf.cast(tf.equal(bin, iota), 'float32');
      },
      vc,
      knots,
    );
    const pick = (t: tf.Tensor): tf.Tensor => tf.sum(tf.mul(onehot, t), -1);
    const xk = pick(leftX);
    const wk = pick(widths);
    const yk = pick(leftY);
    const hk = pick(heights);
    const dk = pick(dLeftAll);
    const dk1 = pick(dRightAll);
    const delta = tf.div(hk, wk);
    const c2 = tf.sub(tf.add(dk, dk1), tf.mul(delta, 2));

    let out: tf.Tensor;
    let theta: tf.Tensor;
    if (!inverse) {
      theta = tf.div(tf.sub(vc, xk), wk);
    } else {
      const dy = tf.sub(vc, yk);
      const dyc2 = tf.mul(dy, c2);
      const a = tf.add(tf.mul(hk, tf.sub(delta, dk)), dyc2);
      const b = tf.sub(tf.mul(hk, dk), dyc2);
      const c = tf.neg(tf.mul(delta, dy));
      const disc = tf.relu(tf.sub(tf.square(b), tf.mul(tf.mul(a, c), 4)));
      theta = tf.div(tf.mul(c, 2), tf.sub(tf.neg(b), tf.sqrt(disc)));
    }
    const oneMinus = tf.sub(1, theta);
    const t1m = tf.mul(theta, oneMinus);
    const den = tf.add(delta, tf.mul(c2, t1m));
    if (!inverse) {
      const num = tf.mul(hk, tf.add(tf.mul(delta, tf.square(theta)), tf.mul(dk, t1m)));
      out = tf.add(yk, tf.div(num, den));
    } else {
      out = tf.add(tf.mul(theta, wk), xk);
    }
    const derivNum = tf.mul(
      tf.square(delta),
      tf.add(tf.add(tf.mul(dk1, tf.square(theta)), tf.mul(tf.mul(delta, t1m), 2)), tf.mul(dk, tf.square(oneMinus))),
    );
    let ld = tf.sub(tf.log(derivNum), tf.mul(tf.log(den), 2));
    if (inverse) ld = tf.neg(ld);

    const inside = nonDifferentiable((t) => tf.logicalAnd(tf.greaterEqual(t, -B), tf.lessEqual(t, B)), v);
    const vb = tf.add(v, tf.zerosLike(out)); // x broadcast to the output shape
    return [tf.where(inside, out, vb), tf.where(inside, ld, tf.zerosLike(ld))];
  }) as [tf.Tensor, tf.Tensor];
}

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
  readonly settings: ResolvedSpline;
  private readonly paramSet = new ParameterSet();
  private readonly params: tf.Tensor;

  constructor(opts: RationalQuadraticSplineOptions = {}) {
    super(opts, 'RationalQuadraticSpline');
    this.settings = resolveSpline(this.name, opts);
    const P = splineParamCount(this.settings.numBins);
    if (opts.params !== undefined) {
      const p = this.paramSet.tensor(opts.params, this.name, 'params');
      if (p.rank < 1 || p.shape[p.rank - 1] !== P) {
        throw argumentError(this.name, 'params', `a tensor of shape [..., ${P}] (3 * numBins - 1)`, p);
      }
      checkValues(p, Number.isFinite, this.name, 'params', 'finite');
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
        return scale > 0 ? tf.add(base, tf.randomNormal([...shape, P], 0, scale, 'float32', opts.seed)) : base;
      });
      this.params = this.paramSet.variable(init, 'rq_spline_params');
    }
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
