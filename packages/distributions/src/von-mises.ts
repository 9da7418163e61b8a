import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, logBesselI0e, ndtr, nonDifferentiable } from '@densityjs/core';
import { BaseDistribution, broadcastTo, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { uniform } from './random.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Parameters of {@link VonMises}: the circular mean and the concentration. */
export interface VonMisesOptions extends BaseOptions {
  /** Circular mean μ. */
  loc: ParamLike;
  /** Concentration κ >= 0 (0 is the uniform distribution on the circle). */
  concentration: ParamLike;
}

/** Best–Fisher proposals per draw (each accepted with probability > 0.65 at any κ). */
const ROUNDS = 20;

/**
 * Best & Fisher's rejection sampler ("Efficient simulation of the von Mises distribution", 1979)
 * for the angle θ - μ in [-π, π], vectorized over ROUNDS proposals. Written with 1 - ρ,
 * s - 1 = (1 - ρ)²/(2ρ) and 1 - w = (s - 1)(1 - z)/(s + z) so that large concentrations (1e4
 * and beyond) keep their digits: the angle is 2 asin(√((1 - w)/2)), not acos(w).
 */
function drawAngle(kappa: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  return tf.tidy(() => {
    const k = tf.maximum(broadcastTo(kappa, shape), tf.scalar(1e-6));
    const root = tf.sqrt(tf.add(tf.scalar(1), tf.mul(tf.scalar(4), tf.square(k))));
    const r = tf.add(tf.scalar(1), root);
    // 1 - ρ = (√(2r) - 1 - 1/(√(1 + 4κ²) + 2κ)) / (2κ), without 2κ - r cancelling.
    const oneMinusRho = tf.div(
      tf.sub(tf.sub(tf.sqrt(tf.mul(tf.scalar(2), r)), tf.scalar(1)), tf.reciprocal(tf.add(root, tf.mul(tf.scalar(2), k)))),
      tf.mul(tf.scalar(2), k),
    );
    const rho = tf.sub(tf.scalar(1), oneMinusRho);
    const sMinus1 = tf.div(tf.square(oneMinusRho), tf.mul(tf.scalar(2), rho));
    const s = tf.add(tf.scalar(1), sMinus1);
    const u1 = uniform([ROUNDS, ...shape], 0, 1, deriveSeed(seed, 0));
    const u2 = tf.clipByValue(uniform([ROUNDS, ...shape], 0, 1, deriveSeed(seed, 1)), 1e-38, 1);
    const halfAngle = tf.mul(tf.scalar(Math.PI / 2), u1);
    const z = tf.cos(tf.mul(tf.scalar(2), halfAngle));
    const oneMinusZ = tf.mul(tf.scalar(2), tf.square(tf.sin(halfAngle)));
    const oneMinusW = tf.div(tf.mul(sMinus1, oneMinusZ), tf.add(s, z));
    const y = tf.mul(k, tf.add(sMinus1, oneMinusW));
    const accept = tf.logicalOr(
      tf.greater(tf.sub(tf.mul(y, tf.sub(tf.scalar(2), y)), u2), tf.scalar(0)),
      tf.greaterEqual(tf.add(tf.sub(tf.log(tf.div(y, u2)), y), tf.scalar(1)), tf.scalar(0)),
    );
    const angle = tf.mul(tf.scalar(2), tf.asin(tf.sqrt(tf.clipByValue(tf.mul(oneMinusW, tf.scalar(0.5)), 0, 1))));
    const acceptRounds = tf.unstack(accept);
    const angleRounds = tf.unstack(angle);
    let result: tf.Tensor = tf.zeros(shape);
    for (let i = ROUNDS - 1; i >= 0; i--) result = tf.where(acceptRounds[i]!, angleRounds[i]!, result);
    const sign = tf.sign(tf.sub(uniform(shape, 0, 1, deriveSeed(seed, 2)), tf.scalar(0.5)));
    return tf.mul(sign, result);
  });
}

/** Terms of the series cdf (κ below SERIES_LIMIT), as TFP's von_mises_cdf. */
const SERIES_TERMS = 20;
const SERIES_LIMIT = 10.5;

/**
 * ∫_{-π}^{t} of the von Mises(0, κ) density for t in [-π, π], extended by G(t + 2π) = G(t) + 1
 * (Hill, "Algorithm 518: incomplete Bessel function I0: the von Mises distribution", 1977, as in
 * TFP's von_mises_cdf): below κ = 10.5 the series 1/2 + t/(2π) + (1/π) Σ_n (I_n(κ)/I_0(κ)) sin(nt)/n
 * with the Bessel ratios by backward recurrence (20 terms); above, Φ of Hill's corrected normal
 * approximation ξ = z - z³/((24κ - 2z² - 16)/3 - (z⁴ + 7z²/4 + 167/2)/(24κ - 56 - z² + 3))²,
 * z = √(2/π) e^κ/I0(κ) sin(t/2). Differentiable in t and κ.
 */
function vonMisesCdfCentred(t: tf.Tensor, kappa: tf.Tensor): tf.Tensor {
  const turns = nonDifferentiable((v) => tf.round(tf.div(v, tf.scalar(2 * Math.PI))), t);
  const x = tf.sub(t, tf.mul(turns, tf.scalar(2 * Math.PI)));
  // Series, on κ clamped into its range (the other branch is discarded by the final where).
  const ks = tf.clipByValue(kappa, 1e-30, SERIES_LIMIT);
  let rn: tf.Tensor = tf.zerosLike(ks);
  let vn: tf.Tensor = tf.zerosLike(tf.add(x, ks));
  for (let n = SERIES_TERMS; n >= 1; n--) {
    rn = tf.reciprocal(tf.add(tf.div(tf.scalar(2 * n), ks), rn));
    vn = tf.mul(rn, tf.add(tf.div(tf.sin(tf.mul(x, tf.scalar(n))), tf.scalar(n)), vn));
  }
  const series = tf.clipByValue(tf.add(tf.add(tf.scalar(0.5), tf.div(x, tf.scalar(2 * Math.PI))), tf.div(vn, tf.scalar(Math.PI))), 0, 1);
  // Hill's normal approximation.
  const kn = tf.maximum(kappa, tf.scalar(SERIES_LIMIT));
  const z = tf.mul(tf.div(tf.scalar(Math.sqrt(2 / Math.PI)), tf.exp(logBesselI0e(kn))), tf.sin(tf.mul(x, tf.scalar(0.5))));
  const z2 = tf.square(z);
  const c = tf.mul(tf.scalar(24), kn);
  const inner = tf.sub(
    tf.div(tf.sub(tf.sub(c, tf.mul(tf.scalar(2), z2)), tf.scalar(16)), tf.scalar(3)),
    tf.div(tf.add(tf.add(tf.square(z2), tf.mul(tf.scalar(7 / 4), z2)), tf.scalar(167 / 2)), tf.add(tf.sub(tf.sub(c, tf.scalar(56)), z2), tf.scalar(3))),
  );
  const xi = tf.sub(z, tf.div(tf.mul(z2, z), tf.square(inner)));
  const normal = ndtr(xi);
  return tf.add(tf.where(tf.less(kappa, tf.scalar(SERIES_LIMIT)), series, normal), turns);
}

/** Coefficients of the large-κ expansions I_ν(κ) ~ e^κ/√(2πκ) Σ_k (-1)^k a_k(ν)/κ^k, ν = 0, 1. */
function besselAsymptoticCoefficients(nu: number, terms: number): number[] {
  const out = [1];
  let a = 1;
  for (let k = 1; k < terms; k++) {
    a *= (4 * nu * nu - (2 * k - 1) ** 2) / (k * 8);
    out.push((k % 2 === 0 ? 1 : -1) * a);
  }
  return out;
}
const ASYMPTOTIC_TERMS = 9;
const I0_SERIES = besselAsymptoticCoefficients(0, ASYMPTOTIC_TERMS);
const I1_SERIES = besselAsymptoticCoefficients(1, ASYMPTOTIC_TERMS);
/** Below this κ the Bessel ratio comes from the backward recurrence, above from the expansions. */
const RATIO_LIMIT = 20;
const RATIO_TERMS = 60;

/** Σ c_k r^k with tensor r (Horner). */
function series(coefficients: readonly number[], r: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, r), tf.scalar(coefficients[i]!));
  return acc;
}

/**
 * κ (1 - I1(κ)/I0(κ)), without the cancellation of 1 - A(κ) at large κ: below κ = 20 the ratio
 * A = I1/I0 by the backward recurrence r_n = 1/(2n/κ + r_{n+1}) (60 terms), above it κ (S0 - S1)/S0
 * with S0, S1 the asymptotic series of e^{-κ}√(2πκ) I0 and I1 (9 terms, their difference taken
 * coefficient by coefficient).
 */
function kappaOneMinusBesselRatio(kappa: tf.Tensor): tf.Tensor {
  const ks = tf.clipByValue(kappa, 1e-30, RATIO_LIMIT);
  let r: tf.Tensor = tf.zerosLike(ks);
  for (let n = RATIO_TERMS; n >= 1; n--) r = tf.reciprocal(tf.add(tf.div(tf.scalar(2 * n), ks), r));
  const small = tf.mul(ks, tf.sub(tf.scalar(1), r));
  const kl = tf.maximum(kappa, tf.scalar(RATIO_LIMIT));
  const inv = tf.reciprocal(kl);
  const difference = series(I0_SERIES.map((c, i) => c - I1_SERIES[i]!), inv);
  const large = tf.div(tf.mul(kl, difference), series(I0_SERIES, inv));
  return tf.where(tf.less(kappa, tf.scalar(RATIO_LIMIT)), small, large);
}

/**
 * Von Mises distribution on the circle: p(x) = exp(κ cos(x - μ)) / (2π I0(κ)).
 *
 * log p(x) = κ cos(x - μ) - log 2π - log I0(κ), evaluated as -2κ sin²((x - μ)/2) - log 2π -
 * log(e^{-κ} I0(κ)) (core's logBesselI0e) so it stays exact at large κ; like TFP
 * the density is periodic and defined for every real x. Mean and mode μ. The cdf is that of the
 * samples' support [-π, π): F(x) = ∫_{-π}^{x} p, 0 below -π and 1 from π on, as
 * G(x - μ) - G(-π - μ) with G Hill's centred cdf (see vonMisesCdfCentred); entropy
 * log(2π) + log I0(κ) - κ I1(κ)/I0(κ), as log 2π + log(e^{-κ} I0(κ)) + κ(1 - I1(κ)/I0(κ)). Samples lie in
 * [μ - π, μ + π] wrapped to [-π, π) (Best & Fisher's sampler, see drawAngle); reparameterized in
 * loc (the draw is loc plus an angle), not in concentration.
 */
export class VonMises extends BaseDistribution {
  override readonly reparameterized = true;
  /** Circular mean μ. */
  readonly loc: tf.Tensor;
  /** Concentration κ. */
  readonly concentration: tf.Tensor;

  constructor({ loc, concentration, validateArgs, ...unknown }: VonMisesOptions = {} as VonMisesOptions) {
    super('VonMises', validateArgs, unknown, ['loc', 'concentration']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.concentration = this.param(concentration, 'concentration');
    this.check(this.concentration, Number.isFinite, 'concentration', 'finite');
    this.check(this.concentration, (v) => v >= 0, 'concentration', '>= 0');
    this._batchShape = this.batchOf({ loc: this.loc, concentration: this.concentration });
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    // κ cos θ - log I0(κ) = -2κ sin²(θ/2) - log(e^{-κ} I0(κ)): no cancellation at large κ.
    const k = this.concentration;
    const half = tf.sin(tf.mul(tf.sub(x, this.loc), tf.scalar(0.5)));
    return tf.sub(tf.mul(tf.scalar(-2), tf.mul(k, tf.square(half))), tf.add(tf.scalar(LOG_TWO_PI), logBesselI0e(k)));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const angle = nonDifferentiable((k) => drawAngle(k, shape, seed), this.concentration);
    const x = tf.add(angle, this.loc);
    // Wrapped to [-π, π); the wrap is piecewise constant, so the gradient to loc stays 1.
    const turns = nonDifferentiable((v) => tf.floor(tf.div(tf.add(v, tf.scalar(Math.PI)), tf.scalar(2 * Math.PI))), x);
    return tf.sub(x, tf.mul(turns, tf.scalar(2 * Math.PI)));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const k = this.concentration;
    const value = tf.sub(vonMisesCdfCentred(tf.sub(x, this.loc), k), vonMisesCdfCentred(tf.sub(tf.scalar(-Math.PI), this.loc), k));
    const inside = tf.clipByValue(value, 0, 1);
    const below = tf.less(x, tf.scalar(-Math.PI));
    const above = tf.greaterEqual(x, tf.scalar(Math.PI));
    const shape = inside.shape;
    return tf.where(broadcastTo(below, shape), tf.zerosLike(inside), tf.where(broadcastTo(above, shape), tf.onesLike(inside), inside));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return tf.log(this._cdf(x));
  }
  protected override _entropy(): tf.Tensor {
    const k = this.concentration;
    const h = tf.add(tf.add(tf.scalar(LOG_TWO_PI), logBesselI0e(k)), kappaOneMinusBesselRatio(k));
    return broadcastTo(h, this._batchShape);
  }
  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
  protected override _mode(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
}
