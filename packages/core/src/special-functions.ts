// Special functions tfjs lacks (lgamma, digamma, erfc in log space, the regularized incomplete
// beta function), written as compositions of differentiable tfjs ops so autodiff gives their
// gradients with no extra registration, and evaluated with float32-friendly formulas.
import * as tf from '@tensorflow/tfjs-core';
import { polyval } from './polyval.js';
import { asFloat32 } from './tensor-utils.js';
import { log1p } from './log1p.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

function scalar(v: number): tf.Scalar {
  return tf.scalar(v, 'float32');
}

/**
 * The remainder of Stirling's series for z >= 8,
 *   log Γ(z) - [(z - 1/2) log z - z + log(2π)/2] = 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7),
 * small (< 0.011) and accurate to ~1e-11 (Abramowitz & Stegun 6.1.41).
 */
function stirlingCorrection(z: tf.Tensor): tf.Tensor {
  const r = tf.reciprocal(z);
  return tf.mul(r, polyval([1 / 12, -1 / 360, 1 / 1260, -1 / 1680], tf.square(r)));
}

/**
 * log Γ(x) for x > 0 (elementwise, float32).
 *
 * For x < 8 the recurrence Γ(x) = Γ(x + 8) / (x (x+1) ... (x+7)) moves the argument to z >= 8,
 * where Stirling's series
 *   log Γ(z) = (z - 1/2) log z - z + log(2π)/2 + 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7)
 * is accurate to ~1e-11 (Abramowitz & Stegun 6.1.41). Its autodiff gradient is digamma.
 * Γ(0) gives +Infinity; negative x is outside the domain.
 */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xf = asFloat32(x);
    const shift = tf.cast(tf.less(xf, scalar(8)), 'float32');
    const z = tf.add(xf, tf.mul(shift, scalar(8)));
    // Clamp before the product so large x (where shift = 0) cannot overflow it.
    const xc = tf.minimum(xf, scalar(8));
    let prod: tf.Tensor = xc;
    for (let k = 1; k < 8; k++) prod = tf.mul(prod, tf.add(xc, scalar(k)));
    const correction = tf.mul(shift, tf.log(prod));
    const series = stirlingCorrection(z);
    // (z - 1/2) log z - z written as (z - 1/2)(log z - 1) - 1/2 keeps the two large terms
    // from cancelling in float32.
    const main = tf.sub(tf.mul(tf.sub(z, scalar(0.5)), tf.sub(tf.log(z), scalar(1))), scalar(0.5));
    return tf.sub(tf.add(tf.add(main, scalar(HALF_LOG_TWO_PI)), series), correction);
  });
}

/**
 * ψ(x) = d/dx log Γ(x) for x > 0 (elementwise, float32).
 *
 * ψ(x) = ψ(x + 6) - Σ_{k=0}^{5} 1/(x + k) for x < 6, then the asymptotic series
 *   ψ(z) = log z - 1/(2z) - 1/(12z^2) + 1/(120z^4) - 1/(252z^6) + 1/(240z^8)
 * (Abramowitz & Stegun 6.3.18), accurate to ~1e-9 for z >= 6.
 */
export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xf = asFloat32(x);
    const shift = tf.cast(tf.less(xf, scalar(6)), 'float32');
    const z = tf.add(xf, tf.mul(shift, scalar(6)));
    let sum: tf.Tensor = tf.reciprocal(xf);
    for (let k = 1; k < 6; k++) sum = tf.add(sum, tf.reciprocal(tf.add(xf, scalar(k))));
    const r = tf.reciprocal(z);
    const r2 = tf.square(r);
    const series = tf.mul(r2, polyval([-1 / 12, 1 / 120, -1 / 252, 1 / 240], r2));
    const psi = tf.add(tf.sub(tf.log(z), tf.mul(scalar(0.5), r)), series);
    return tf.sub(psi, tf.mul(shift, sum));
  });
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b) for a, b > 0 (elementwise, broadcasting).
 *
 * With s = min(a, b), l = max(a, b), t = a + b, the log-gammas are not subtracted where they
 * are large (their float32 rounding, ~1e-5 at log Γ(50), would swamp a result near 1):
 * - s >= 8: Stirling's series for all three, with the large terms cancelled analytically,
 *     log B = (s - 1/2) log(s/t) + l log1p(-s/t) - (log l)/2 + log(2π)/2 + c(s) + c(l) - c(t),
 * - l >= 8 > s: log Γ(s) plus log Γ(l) - log Γ(t) from the same series,
 *     (l - 1/2) log1p(-s/t) - s log t + s + c(l) - c(t),
 * - l < 8: the three log-gammas (each below 27 in magnitude),
 * where c is the remainder of Stirling's series. Its autodiff gradient is ψ(a) - ψ(a + b).
 */
export function lbeta(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // Both at the broadcast shape, so tf.where's gradient needs no reduction; where rather than
    // minimum/maximum, whose gradients would both go to a when a = b.
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const af = tf.broadcastTo(asFloat32(a), shape);
    const bf = tf.broadcastTo(asFloat32(b), shape);
    const aSmaller = tf.lessEqual(af, bf);
    const small = tf.where(aSmaller, af, bf);
    const large = tf.where(aSmaller, bf, af);
    const eight = scalar(8);
    const half = scalar(0.5);
    const c = stirlingCorrection;
    // Each series branch sees its arguments clamped to >= 8, the range it is used in, so the
    // branches tf.where discards stay finite and pass no NaN into the gradient.
    const l = tf.maximum(large, eight);
    const sBoth = tf.maximum(small, eight);
    const tBoth = tf.add(sBoth, l);
    const ratioBoth = tf.div(sBoth, tBoth);
    const bothLarge = tf.add(
      tf.add(tf.mul(tf.sub(sBoth, half), tf.log(ratioBoth)), tf.mul(l, log1p(tf.neg(ratioBoth)))),
      tf.add(tf.sub(scalar(HALF_LOG_TWO_PI), tf.mul(half, tf.log(l))), tf.sub(tf.add(c(sBoth), c(l)), c(tBoth))),
    );
    const tOne = tf.add(small, l);
    const gammaRatio = tf.add(
      tf.sub(tf.mul(tf.sub(l, half), log1p(tf.neg(tf.div(small, tOne)))), tf.mul(small, tf.log(tOne))),
      tf.add(small, tf.sub(c(l), c(tOne))),
    );
    const oneLarge = tf.add(lgamma(small), gammaRatio);
    const direct = tf.sub(tf.add(lgamma(af), lgamma(bf)), lgamma(tf.add(af, bf)));
    return tf.where(tf.greaterEqual(small, eight), bothLarge, tf.where(tf.greaterEqual(large, eight), oneLarge, direct));
  });
}

// Chebyshev fit of erfc (Numerical Recipes, `erfcc`): erfc(z) = t exp(-z^2 + P(t)),
// t = 1 / (1 + z/2), relative error < 1.2e-7 for every z >= 0.
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/**
 * |z| as -z where `below` holds and z elsewhere: the derivative at z = 0 is that of the branch
 * z = 0 belongs to (tf.abs has derivative 0 there, which would zero erfc's gradient at 0).
 */
function reflected(z: tf.Tensor, below: tf.Tensor): tf.Tensor {
  return tf.where(below, tf.neg(z), z);
}

/** log erfc(z) for z >= 0: log t - z^2 + P(t), t = 1 / (1 + z/2). */
function logErfcNonNegative(z: tf.Tensor): tf.Tensor {
  const t = tf.reciprocal(tf.add(scalar(1), tf.mul(scalar(0.5), z)));
  return tf.add(tf.sub(tf.log(t), tf.square(z)), polyval(ERFC_COEFFICIENTS, t));
}

/**
 * log erfc(z) for every real z, stable for any large z: for z >= 0, log t - z^2 + P(t) with the
 * Chebyshev form of Numerical Recipes' `erfcc` (relative error of erfc < 1.2e-7); for z < 0,
 * log(2 - erfc(-z)) (erfc(z) is then in (1, 2]).
 */
export function logErfc(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const below = tf.less(z, scalar(0));
    const positive = logErfcNonNegative(reflected(z, below));
    const negative = tf.log(tf.sub(scalar(2), tf.exp(positive)));
    return tf.where(below, negative, positive);
  });
}

/** erfc(z) for every real z, with relative error < ~2e-7 (see logErfc). */
export function erfc(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const below = tf.less(z, scalar(0));
    const e = tf.exp(logErfcNonNegative(reflected(z, below)));
    return tf.where(below, tf.sub(scalar(2), e), e);
  });
}

/**
 * log Φ(z), the standard normal log-CDF, stable in both tails: for z <= 0,
 * log Φ(z) = log(1/2) + log erfc(-z/√2); for z > 0, log Φ(z) = log1p(-erfc(z/√2)/2).
 */
export function logNdtr(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const below = tf.lessEqual(z, scalar(0));
    const le = logErfcNonNegative(tf.mul(reflected(z, below), scalar(Math.SQRT1_2)));
    const left = tf.sub(le, scalar(Math.LN2));
    const right = log1p(tf.mul(scalar(-0.5), tf.exp(le)));
    return tf.where(below, left, right);
  });
}

/** Φ(z), the standard normal CDF, with small relative error in the lower tail. */
export function ndtr(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const below = tf.lessEqual(z, scalar(0));
    const half = tf.mul(scalar(0.5), tf.exp(logErfcNonNegative(tf.mul(reflected(z, below), scalar(Math.SQRT1_2)))));
    return tf.where(below, half, tf.sub(scalar(1), half));
  });
}

function clampTiny(v: tf.Tensor): tf.Tensor {
  const tiny = scalar(1e-30);
  return tf.where(tf.less(tf.abs(v), tiny), tf.fill(v.shape, 1e-30), v);
}

/**
 * The continued fraction of I_x(a, b) by the modified Lentz method (Numerical Recipes'
 * betacf), `iterations` even-odd steps: I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) times the
 * returned value, on the side x < (a + 1) / (a + b + 2) where it converges fast.
 */
function betaincFraction(aa: tf.Tensor, bb: tf.Tensor, xx: tf.Tensor, iterations: number): tf.Tensor {
  const one = scalar(1);
  const qab = tf.add(aa, bb);
  const qap = tf.add(aa, one);
  const qam = tf.sub(aa, one);
  let c: tf.Tensor = tf.onesLike(xx);
  let d = tf.reciprocal(clampTiny(tf.sub(one, tf.div(tf.mul(qab, xx), qap))));
  let h = d;
  for (let m = 1; m <= iterations; m++) {
    const m2 = 2 * m;
    const even = tf.div(
      tf.mul(tf.mul(scalar(m), tf.sub(bb, scalar(m))), xx),
      tf.mul(tf.add(qam, scalar(m2)), tf.add(aa, scalar(m2))),
    );
    d = tf.reciprocal(clampTiny(tf.add(one, tf.mul(even, d))));
    c = clampTiny(tf.add(one, tf.div(even, c)));
    h = tf.mul(h, tf.mul(d, c));
    const odd = tf.div(
      tf.neg(tf.mul(tf.mul(tf.add(aa, scalar(m)), tf.add(qab, scalar(m))), xx)),
      tf.mul(tf.add(aa, scalar(m2)), tf.add(qap, scalar(m2))),
    );
    d = tf.reciprocal(clampTiny(tf.add(one, tf.mul(odd, d))));
    c = clampTiny(tf.add(one, tf.div(odd, c)));
    h = tf.mul(h, tf.mul(d, c));
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1.
 *
 * Continued fraction (modified Lentz, Numerical Recipes §6.4) with a fixed number of
 * `iterations` (tensor ops cannot stop early), applied to I_x(a, b) where
 * x < (a + 1)/(a + b + 2) and to 1 - I_{1-x}(b, a) elsewhere, so it converges in
 * O(sqrt(max(a, b))) steps. The default 48 covers a, b up to ~1e3 in float32.
 */
export function betainc(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor, iterations = 48): tf.Tensor {
  return tf.tidy(() => {
    const zeros = tf.zerosLike(tf.add(tf.add(a, b), x));
    const A = tf.add(a, zeros);
    const B = tf.add(b, zeros);
    const X = tf.add(x, zeros);
    const one = scalar(1);
    const flip = tf.greater(X, tf.div(tf.add(A, one), tf.add(tf.add(A, B), scalar(2))));
    const aa = tf.where(flip, B, A);
    const bb = tf.where(flip, A, B);
    // Keep x strictly inside (0, 1) for the logs; the endpoints are patched at the end.
    const xRaw = tf.where(flip, tf.sub(one, X), X);
    const xx = tf.clipByValue(xRaw, 1e-37, 1 - 1e-7);

    const h = betaincFraction(aa, bb, xx, iterations);
    const logFront = tf.sub(
      tf.add(tf.mul(aa, tf.log(xx)), tf.mul(bb, log1p(tf.neg(xx)))),
      tf.add(lbeta(aa, bb), tf.log(aa)),
    );
    const partial = tf.mul(tf.exp(logFront), h);
    let result = tf.where(flip, tf.sub(one, partial), partial);
    result = tf.where(tf.lessEqual(X, scalar(0)), tf.zerosLike(result), result);
    result = tf.where(tf.greaterEqual(X, one), tf.onesLike(result), result);
    return result;
  });
}

/**
 * log I_x(a, b) and log(1 - I_x(a, b)) for a, b > 0, with the point given twice, as x and as
 * y = 1 - x (each as accurate as float32 holds it, so points next to 1 keep their digits).
 * The continued fraction of betainc runs on the side where it converges and its result,
 * log(x^a y^b / (a B(a, b))) + log(fraction), stays in log space: the tail it computes is
 * finite where it underflows float32; the other one is log1p(-exp(·)) of it. Endpoints: x = 0
 * gives (-Infinity, 0), y = 0 gives (0, -Infinity).
 */
export function logBetaincPair(
  a: tf.Tensor,
  b: tf.Tensor,
  x: tf.Tensor,
  y: tf.Tensor,
  iterations = 48,
): {
  /** log I_x(a, b). */
  logCdf: tf.Tensor;
  /** log(1 - I_x(a, b)). */
  logSurvival: tf.Tensor;
} {
  return tf.tidy(() => {
    const zeros = tf.zerosLike(tf.add(tf.add(a, b), tf.add(x, y)));
    const A = tf.add(a, zeros);
    const B = tf.add(b, zeros);
    const X = tf.add(x, zeros);
    const Y = tf.add(y, zeros);
    const one = scalar(1);
    const flip = tf.greater(X, tf.div(tf.add(A, one), tf.add(tf.add(A, B), scalar(2))));
    const aa = tf.where(flip, B, A);
    const bb = tf.where(flip, A, B);
    const xx = tf.clipByValue(tf.where(flip, Y, X), 1e-37, 1 - 1e-7);
    const yy = tf.clipByValue(tf.where(flip, X, Y), 1e-37, 1);
    const h = betaincFraction(aa, bb, xx, iterations);
    const logPartial = tf.minimum(
      tf.add(
        tf.sub(tf.add(tf.mul(aa, tf.log(xx)), tf.mul(bb, tf.log(yy))), tf.add(lbeta(aa, bb), tf.log(aa))),
        tf.log(tf.maximum(h, scalar(1e-37))),
      ),
      scalar(0),
    );
    const logRest = log1p(tf.neg(tf.exp(logPartial)));
    let logCdf = tf.where(flip, logRest, logPartial);
    let logSurvival = tf.where(flip, logPartial, logRest);
    const atZero = tf.lessEqual(X, scalar(0));
    const atOne = tf.lessEqual(Y, scalar(0));
    logCdf = tf.where(atZero, tf.fill(logCdf.shape, -Infinity), tf.where(atOne, tf.zerosLike(logCdf), logCdf));
    logSurvival = tf.where(atOne, tf.fill(logSurvival.shape, -Infinity), tf.where(atZero, tf.zerosLike(logSurvival), logSurvival));
    return { logCdf, logSurvival };
  });
}

/**
 * log I_x(a, b), the log of the regularized incomplete beta function (see betainc), in log space:
 * finite in the lower tail where I_x itself underflows float32.
 */
export function logBetainc(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor, iterations = 48): tf.Tensor {
  return tf.tidy(() => {
    const { logCdf, logSurvival } = logBetaincPair(a, b, x, tf.sub(scalar(1), x), iterations);
    tf.dispose(logSurvival);
    return logCdf;
  });
}

/** The two branches of P(a, x): log P by the series (x < a + 1) and Q = 1 - P by the fraction. */
function igammaParts(a: tf.Tensor, x: tf.Tensor, iterations: number) {
  const zeros = tf.zerosLike(tf.add(a, x));
  const A = tf.add(a, zeros);
  const X = tf.maximum(tf.add(x, zeros), tf.scalar(0));
  const useSeries = tf.less(X, tf.add(A, tf.scalar(1)));
  // Each branch sees only arguments in its own domain, so the other one stays finite.
  const xs = tf.where(useSeries, X, tf.add(A, tf.scalar(1)));
  const xc = tf.where(useSeries, tf.add(A, tf.scalar(1)), X);
  const logFront = (xv: tf.Tensor) => tf.sub(tf.sub(tf.mul(A, tf.log(tf.maximum(xv, tf.scalar(1e-37)))), xv), lgamma(A));

  // Series: sum = Σ_n del_n, del_0 = 1/a, del_n = del_{n-1} x/(a + n).
  let del: tf.Tensor = tf.reciprocal(A);
  let sum: tf.Tensor = del;
  for (let n = 1; n <= iterations; n++) {
    del = tf.mul(del, tf.div(xs, tf.add(A, tf.scalar(n))));
    sum = tf.add(sum, del);
  }
  const logSeries = tf.add(tf.log(sum), logFront(xs));

  // Continued fraction for Q.
  let b = tf.sub(tf.add(xc, tf.scalar(1)), A);
  let c: tf.Tensor = tf.fill(b.shape, 1e30);
  let d = tf.reciprocal(clampTiny(b));
  let h = d;
  for (let i = 1; i <= iterations; i++) {
    const an = tf.mul(tf.scalar(-i), tf.sub(tf.scalar(i), A));
    b = tf.add(b, tf.scalar(2));
    d = tf.reciprocal(clampTiny(tf.add(tf.mul(an, d), b)));
    c = clampTiny(tf.add(b, tf.div(an, c)));
    h = tf.mul(h, tf.mul(d, c));
  }
  const logFraction = tf.add(logFront(xc), tf.log(tf.maximum(h, tf.scalar(1e-37))));
  const q = tf.clipByValue(tf.exp(logFraction), 0, 1);
  return { X, useSeries, logSeries, logFraction, q };
}

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) for a > 0, x >= 0
 * (the Gamma(a, 1) CDF). Series Σ x^n/(a (a+1) ... (a+n)) for x < a + 1, Legendre's
 * continued fraction for Q = 1 - P elsewhere (Numerical Recipes §6.2, modified Lentz), each
 * with a fixed number of `iterations` (tensor ops cannot stop early); both converge in
 * O(sqrt(a)) steps, so the default 64 covers a up to ~100 in float32.
 */
export function igamma(a: tf.Tensor, x: tf.Tensor, iterations = 64): tf.Tensor {
  return tf.tidy(() => {
    const { X, useSeries, logSeries, q } = igammaParts(a, x, iterations);
    const result = tf.where(useSeries, tf.clipByValue(tf.exp(logSeries), 0, 1), tf.sub(tf.scalar(1), q));
    return tf.where(tf.lessEqual(X, tf.scalar(0)), tf.zerosLike(result), result);
  });
}

/** log P(a, x), computed in log space so the far left tail does not underflow (see igamma). */
export function logIgamma(a: tf.Tensor, x: tf.Tensor, iterations = 64): tf.Tensor {
  return tf.tidy(() => {
    const { X, useSeries, logSeries, q } = igammaParts(a, x, iterations);
    const result = tf.where(useSeries, tf.minimum(logSeries, tf.scalar(0)), log1p(tf.neg(q)));
    return tf.where(tf.lessEqual(X, tf.scalar(0)), tf.fill(result.shape, -Infinity), result);
  });
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x) = Γ(a, x)/Γ(a) for a > 0,
 * x >= 0 (the Gamma(a, 1) survival function), from the same series / continued fraction as
 * igamma, without the cancellation of 1 - P in the upper tail (Q is relative-accurate where
 * x >= a + 1).
 */
export function igammac(a: tf.Tensor, x: tf.Tensor, iterations = 64): tf.Tensor {
  return tf.tidy(() => {
    const { X, useSeries, logSeries, q } = igammaParts(a, x, iterations);
    const result = tf.where(useSeries, tf.sub(tf.scalar(1), tf.clipByValue(tf.exp(logSeries), 0, 1)), q);
    return tf.where(tf.lessEqual(X, tf.scalar(0)), tf.onesLike(result), result);
  });
}

/**
 * log Q(a, x) (see igammac), in log space: finite far into the upper tail, where Q itself
 * underflows float32 (log Q = a log x - x - log Γ(a) + log of the continued fraction).
 */
export function logIgammac(a: tf.Tensor, x: tf.Tensor, iterations = 64): tf.Tensor {
  return tf.tidy(() => {
    const { X, useSeries, logSeries, logFraction } = igammaParts(a, x, iterations);
    const p = tf.exp(tf.minimum(logSeries, tf.scalar(0)));
    const result = tf.where(useSeries, log1p(tf.neg(p)), tf.minimum(logFraction, tf.scalar(0)));
    return tf.where(tf.lessEqual(X, tf.scalar(0)), tf.zerosLike(result), result);
  });
}

/**
 * log P(a, x) and log Q(a, x) from one evaluation of the series / continued fraction (see
 * logIgamma and logIgammac): x = 0 gives (-Infinity, 0).
 */
export function logIgammaPair(
  a: tf.Tensor,
  x: tf.Tensor,
  iterations = 64,
): {
  /** log P(a, x), the regularized lower incomplete gamma function. */
  logCdf: tf.Tensor;
  /** log Q(a, x) = log(1 - P(a, x)). */
  logSurvival: tf.Tensor;
} {
  return tf.tidy(() => {
    const { X, useSeries, logSeries, logFraction, q } = igammaParts(a, x, iterations);
    const logP = tf.minimum(logSeries, tf.scalar(0));
    const atZero = tf.lessEqual(X, tf.scalar(0));
    const logCdf = tf.where(atZero, tf.fill(logP.shape, -Infinity), tf.where(useSeries, logP, log1p(tf.neg(q))));
    const logQ = tf.where(useSeries, log1p(tf.neg(tf.exp(logP))), tf.minimum(logFraction, tf.scalar(0)));
    const logSurvival = tf.where(atZero, tf.zerosLike(logQ), logQ);
    return { logCdf, logSurvival };
  });
}

/**
 * ∂P(a, x)/∂a, the derivative of the regularized lower incomplete gamma function in its shape
 * parameter (needed for implicit reparameterization of Gamma samples). Forward-mode
 * differentiation of the same series / continued fraction as igamma (each quantity carried
 * with its a-derivative), since tfjs cannot nest tf.grad inside a backward pass.
 */
export function igammaGradA(a: tf.Tensor, x: tf.Tensor, iterations = 64): tf.Tensor {
  return tf.tidy(() => {
    const zeros = tf.zerosLike(tf.add(a, x));
    const A = tf.add(a, zeros);
    const X = tf.maximum(tf.add(x, zeros), tf.scalar(1e-37));
    const one = tf.scalar(1);
    const useSeries = tf.less(X, tf.add(A, one));
    const xs = tf.where(useSeries, X, tf.add(A, one));
    const xc = tf.where(useSeries, tf.add(A, one), X);
    const dLogFrontPart = tf.neg(digamma(A)); // + log x, added per branch
    const logFront = (xv: tf.Tensor) => tf.sub(tf.sub(tf.mul(A, tf.log(xv)), xv), lgamma(A));

    // Series: del_n = del_{n-1} x/(a+n); d del_n = d del_{n-1} x/(a+n) - del_{n-1} x/(a+n)².
    let del: tf.Tensor = tf.reciprocal(A);
    let ddel: tf.Tensor = tf.neg(tf.square(del));
    let sum: tf.Tensor = del;
    let dsum: tf.Tensor = ddel;
    for (let n = 1; n <= iterations; n++) {
      const r = tf.div(xs, tf.add(A, tf.scalar(n)));
      const dr = tf.neg(tf.div(r, tf.add(A, tf.scalar(n))));
      ddel = tf.add(tf.mul(ddel, r), tf.mul(del, dr));
      del = tf.mul(del, r);
      sum = tf.add(sum, del);
      dsum = tf.add(dsum, ddel);
    }
    // P = e^{logFront} S  =>  dP = e^{logFront} (S (log x - ψ(a)) + dS)
    const dSeries = tf.mul(
      tf.exp(logFront(xs)),
      tf.add(tf.mul(sum, tf.add(tf.log(xs), dLogFrontPart)), dsum),
    );

    // Continued fraction for Q with derivatives: an = -i (i - a), b = x + 1 - a + 2i.
    let b = tf.sub(tf.add(xc, one), A);
    const db = tf.scalar(-1);
    let c: tf.Tensor = tf.fill(b.shape, 1e30);
    let dc: tf.Tensor = tf.zerosLike(b);
    let d = tf.reciprocal(clampTiny(b));
    let dd = tf.neg(tf.mul(db, tf.square(d)));
    let h = d;
    let dh = dd;
    for (let i = 1; i <= iterations; i++) {
      const an = tf.mul(tf.scalar(-i), tf.sub(tf.scalar(i), A));
      const dan = tf.scalar(i);
      b = tf.add(b, tf.scalar(2));
      const t = clampTiny(tf.add(tf.mul(an, d), b));
      const dt = tf.add(tf.add(tf.mul(dan, d), tf.mul(an, dd)), db);
      d = tf.reciprocal(t);
      dd = tf.neg(tf.mul(dt, tf.square(d)));
      const cNew = clampTiny(tf.add(b, tf.div(an, c)));
      dc = tf.add(db, tf.div(tf.sub(tf.mul(dan, c), tf.mul(an, dc)), tf.square(c)));
      c = cNew;
      const dc2 = tf.mul(d, c);
      dh = tf.add(tf.mul(dh, dc2), tf.mul(h, tf.add(tf.mul(dd, c), tf.mul(d, dc))));
      h = tf.mul(h, dc2);
    }
    // Q = e^{logFront} h, dP = -dQ
    const dCf = tf.neg(tf.mul(tf.exp(logFront(xc)), tf.add(tf.mul(h, tf.add(tf.log(xc), dLogFrontPart)), dh)));
    return tf.where(useSeries, dSeries, dCf);
  });
}
