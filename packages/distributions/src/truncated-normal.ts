import * as tf from '@tensorflow/tfjs-core';
import { argumentError, log1p, logNdtr, ndtri, raw, tryReadSync } from '@densityjs/core';
import { BaseDistribution, broadcastTo, maskOutside, whereConst, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { uniformOpen } from './random.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link TruncatedNormal}: the untruncated normal's location and scale and the bounds. */
export interface TruncatedNormalOptions extends BaseOptions {
  /** Location of the untruncated normal. */
  loc: ParamLike;
  /** Scale of the untruncated normal (> 0). */
  scale: ParamLike;
  /** Lower bound (may be -Infinity). */
  low: ParamLike;
  /** Upper bound (> low; may be Infinity). */
  high: ParamLike;
}

/** log(e^a - e^b) for b <= a (a may be -Infinity only when b is). */
function logDiffExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const d = tf.minimum(tf.sub(b, a), tf.scalar(0)); // <= 0
  const safe = tf.where(tf.isNaN(d), tf.fill(d.shape, -Infinity), d);
  const nearZero = tf.greater(safe, tf.scalar(-Math.LN2));
  const log1mexp = tf.where(nearZero, tf.log(tf.neg(tf.expm1(tf.minimum(safe, tf.scalar(-1e-30))))), log1p(tf.neg(tf.exp(tf.minimum(safe, tf.scalar(-Math.LN2))))));
  // e^a - e^a = 0 exactly.
  return tf.where(tf.equal(safe, tf.scalar(0)), tf.fill(safe.shape, -Infinity), tf.add(a, log1mexp));
}

/** log(e^a + e^b). */
function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const m = tf.maximum(a, b);
  const finite = tf.isFinite(m);
  const safeM = whereConst(finite, m, 0);
  const sum = tf.add(tf.exp(tf.sub(a, safeM)), tf.exp(tf.sub(b, safeM)));
  return tf.where(finite, tf.add(safeM, tf.log(sum)), m);
}

/** Standardized bounds are clamped here: Φ is 0 or 1 to float32 (and log Φ finite) beyond. */
const BOUND = 40;
/** Smallest normal float32 and the largest float32 below 1. */
const TINY = 1.1754944e-38;
const ONE_MINUS = 1 - 2 ** -24;

/**
 * Normal N(loc, scale²) restricted to [low, high] and renormalized.
 *
 * With α = (low - loc)/scale, β = (high - loc)/scale and Z = Φ(β) - Φ(α):
 * log p(x) = -z²/2 - log scale - log(2π)/2 - log Z on [low, high], -Infinity outside.
 * Z, the cdf (Φ(ξ) - Φ(α))/Z and the survival function (Φ(β) - Φ(ξ))/Z are evaluated as
 * differences of log Φ taken on the side of the mean away from the interval (log Φ(-·) when
 * α > 0), so they stay accurate when [low, high] lies far in a tail. quantile(p) = Φ⁻¹(Φ(α) + pZ)
 * (mirrored for α > 0), accurate while the interval's mass under the untruncated normal and
 * its lower end's tail are above float32's smallest normal number (about 13 standard deviations
 * out; a quantile is at most 5.3 standard deviations above the mean on the lower side, where
 * Φ rounds to 1). Mean loc + scale (φ(α) - φ(β))/Z, variance scale² (1 + (αφ(α) - βφ(β))/Z - ((φ(α) -
 * φ(β))/Z)²), mode clip(loc, low, high), entropy log(√(2πe) scale Z) + (αφ(α) - βφ(β))/(2Z).
 * Sampling is reparameterized: the quantile of a uniform draw, differentiable in every parameter.
 */
export class TruncatedNormal extends BaseDistribution {
  override readonly reparameterized = true;
  /** Location of the untruncated normal. */
  readonly loc: tf.Tensor;
  /** Scale of the untruncated normal. */
  readonly scale: tf.Tensor;
  /** Lower end of the support. */
  readonly low: tf.Tensor;
  /** Upper end of the support. */
  readonly high: tf.Tensor;

  constructor({ loc, scale, low, high, validateArgs, ...unknown }: TruncatedNormalOptions = {} as TruncatedNormalOptions) {
    super('TruncatedNormal', validateArgs, unknown, ['loc', 'scale', 'low', 'high']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.scale = this.param(scale, 'scale');
    this.check(this.scale, Number.isFinite, 'scale', 'finite');
    this.check(this.scale, (v) => v > 0, 'scale', '> 0');
    this.low = this.param(low, 'low');
    this.check(this.low, (v) => v < Infinity, 'low', 'below +Infinity');
    this.high = this.param(high, 'high');
    this.check(this.high, (v) => v > -Infinity, 'high', 'above -Infinity');
    this._batchShape = this.batchOf({ loc: this.loc, scale: this.scale, low: this.low, high: this.high });
    if (this.validateArgs) {
      // Both bounds at the batch shape, so the message can show the first pair out of order.
      const [lows, highs] = [this.low, this.high].map((t) => {
        const full = tf.tidy(() => broadcastTo(t, this._batchShape));
        const values = tryReadSync(full);
        if (full !== t) full.dispose();
        return values;
      });
      if (lows && highs) {
        const i = Array.from(highs).findIndex((h, k) => !(h > lows[k]!));
        if (i >= 0) {
          const where = highs.length > 1 ? ` (at flat index ${i})` : '';
          throw this.fail(argumentError(this.name, 'high', '> low elementwise', raw(`${highs[i]} where low is ${lows[i]}${where}`)));
        }
      }
    }
  }

  private standardize(x: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(x, this.loc), this.scale);
  }

  /**
   * α, β (clamped to ±BOUND: infinite bounds reach no gradient as NaN), whether to work in the
   * upper tail (α > 0), and log Z.
   */
  private bounds(): { a: tf.Tensor; b: tf.Tensor; upper: tf.Tensor; logZ: tf.Tensor } {
    const reach = tf.mul(this.scale, tf.scalar(BOUND));
    const a = this.standardize(tf.maximum(this.low, tf.sub(this.loc, reach)));
    const b = this.standardize(tf.minimum(this.high, tf.add(this.loc, reach)));
    const upper = tf.greater(a, tf.scalar(0));
    const lowerZ = logDiffExp(logNdtr(b), logNdtr(a));
    const upperZ = logDiffExp(logNdtr(tf.neg(a)), logNdtr(tf.neg(b)));
    return { a, b, upper, logZ: tf.where(upper, upperZ, lowerZ) };
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const { logZ } = this.bounds();
    const inside = tf.logicalAnd(tf.greaterEqual(x, this.low), tf.lessEqual(x, this.high));
    const z = this.standardize(x);
    const value = tf.sub(tf.mul(tf.scalar(-0.5), tf.square(z)), tf.add(tf.add(tf.log(this.scale), tf.scalar(HALF_LOG_TWO_PI)), logZ));
    return maskOutside(inside, value);
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    return this._quantile(uniformOpen(this.drawShape(sampleShape), seed));
  }

  /** log F(x) or log S(x) (`survival`), by differences of log Φ on the tail side. */
  private logTail(x: tf.Tensor, survival: boolean): tf.Tensor {
    const { a, b, upper, logZ } = this.bounds();
    const xi = tf.minimum(tf.maximum(this.standardize(x), a), b);
    // Lower-side form: F = (Φ(ξ) - Φ(α))/Z, S = (Φ(β) - Φ(ξ))/Z.
    const lowerSide = survival ? logDiffExp(logNdtr(b), logNdtr(xi)) : logDiffExp(logNdtr(xi), logNdtr(a));
    // Upper-side form: F = (Φ(-α) - Φ(-ξ))/Z, S = (Φ(-ξ) - Φ(-β))/Z.
    const upperSide = survival ? logDiffExp(logNdtr(tf.neg(xi)), logNdtr(tf.neg(b))) : logDiffExp(logNdtr(tf.neg(a)), logNdtr(tf.neg(xi)));
    return tf.minimum(tf.sub(tf.where(upper, upperSide, lowerSide), logZ), tf.scalar(0));
  }

  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return this.logTail(x, false);
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return this.logTail(x, true);
  }

  protected override _quantile(p: tf.Tensor): tf.Tensor {
    const { a, b, upper, logZ } = this.bounds();
    // Each end is reached by an addition or a subtraction of at most half the mass: from the
    // bottom for p <= 1/2 (p Z), from the top above (with 1 - p, exact in float32 there).
    const fromBottom = tf.lessEqual(p, tf.scalar(0.5));
    const logPZ = tf.add(tf.log(p), logZ);
    const logQZ = tf.add(log1p(tf.neg(p)), logZ);
    // Lower side: Φ(ξ) = Φ(α) + p Z = Φ(β) - (1 - p) Z.
    const lowerLog = tf.where(fromBottom, logAddExp(logNdtr(a), logPZ), logDiffExp(logNdtr(b), logQZ));
    // Upper side: Φ(-ξ) = Φ(-α) - p Z = Φ(-β) + (1 - p) Z.
    const upperLog = tf.where(fromBottom, logDiffExp(logNdtr(tf.neg(a)), logPZ), logAddExp(logNdtr(tf.neg(b)), logQZ));
    // Targets kept inside float32's open unit interval, so neither branch (the unused one
    // included) reaches Φ⁻¹'s infinite ends or their infinite gradients.
    const lowerXi = ndtri(tf.clipByValue(tf.exp(lowerLog), TINY, ONE_MINUS));
    const upperXi = tf.neg(ndtri(tf.clipByValue(tf.exp(upperLog), TINY, ONE_MINUS)));
    const x = tf.add(this.loc, tf.mul(this.scale, tf.where(upper, upperXi, lowerXi)));
    return tf.minimum(tf.maximum(x, this.low), this.high);
  }

  /** φ(t)/Z and t φ(t)/Z (0 at infinite t), from logs. */
  private densityRatios(t: tf.Tensor, logZ: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const finite = tf.isFinite(t);
    const ts = whereConst(finite, t, 0);
    const ratio = tf.exp(tf.sub(tf.sub(tf.mul(tf.scalar(-0.5), tf.square(ts)), tf.scalar(HALF_LOG_TWO_PI)), logZ));
    const r = whereConst(finite, ratio, 0);
    return [r, tf.mul(r, ts)];
  }

  protected override _mean(): tf.Tensor {
    const { a, b, logZ } = this.bounds();
    const [pa] = this.densityRatios(a, logZ);
    const [pb] = this.densityRatios(b, logZ);
    return broadcastTo(tf.add(this.loc, tf.mul(this.scale, tf.sub(pa, pb))), this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    const { a, b, logZ } = this.bounds();
    const [pa, apa] = this.densityRatios(a, logZ);
    const [pb, bpb] = this.densityRatios(b, logZ);
    const v = tf.sub(tf.add(tf.scalar(1), tf.sub(apa, bpb)), tf.square(tf.sub(pa, pb)));
    return broadcastTo(tf.mul(tf.square(this.scale), v), this._batchShape);
  }
  protected override _mode(): tf.Tensor {
    return broadcastTo(tf.minimum(tf.maximum(this.loc, this.low), this.high), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    const { a, b, logZ } = this.bounds();
    const [, apa] = this.densityRatios(a, logZ);
    const [, bpb] = this.densityRatios(b, logZ);
    const h = tf.add(tf.add(tf.add(tf.scalar(0.5 + HALF_LOG_TWO_PI), tf.log(this.scale)), logZ), tf.mul(tf.scalar(0.5), tf.sub(apa, bpb)));
    return broadcastTo(h, this._batchShape);
  }
}
