// The inverses of the regularized incomplete gamma functions P(a, x) and Q(a, x), as tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';
import { log1p } from './log1p.js';
import { recordingGradients } from './kernels/direct-backend.js';
import { nonDifferentiable } from './non-differentiable.js';
import { lgamma, logIgammaPair } from './special-functions.js';

/** Newton steps after the start (the start is within a few percent; convergence is quadratic). */
const NEWTON_STEPS = 6;
/** log x stays in float32's normal range: [log 1e-37, log 1e38]. */
const LOG_X_MIN = Math.log(1e-37);
const LOG_X_MAX = Math.log(1e38);
/** The largest move of log x in one step toward larger x (the upper tail is steep there). */
const MAX_STEP_UP = 3;

function scalar(v: number): tf.Scalar {
  return tf.scalar(v, 'float32');
}

/**
 * A start for u = log x with P(a, x) = p, Q(a, x) = q (`lower`: p <= q, the target is p).
 * For a > 1, Wilson–Hilferty x = a (1 - 1/(9a) + z/(3√a))³ with z the normal quantile (Abramowitz
 * & Stegun 26.2.22), and on the lower side at least the small-x asymptote P(a, x) ~ x^a / Γ(a+1),
 * which bounds the root from below (P(a, x) <= x^a / Γ(a + 1) for every x). For a <= 1, the start
 * of Numerical Recipes' invgammp: x = (p/t)^{1/a} below t = 1 - a(0.253 + 0.12a), else
 * 1 - log(q / (1 - t)).
 */
function startLogX(a: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor, lower: tf.Tensor, lgammaA1: tf.Tensor): tf.Tensor {
  const logTail = tf.where(lower, logP, logQ);
  const t = tf.sqrt(tf.mul(scalar(-2), logTail));
  const zAbs = tf.sub(t, tf.div(tf.add(scalar(2.30753), tf.mul(scalar(0.27061), t)), tf.add(scalar(1), tf.mul(t, tf.add(scalar(0.99229), tf.mul(scalar(0.04481), t))))));
  const z = tf.where(lower, tf.neg(zAbs), zAbs);
  const base = tf.add(tf.sub(scalar(1), tf.div(scalar(1 / 9), a)), tf.div(z, tf.mul(scalar(3), tf.sqrt(a))));
  const logWilsonHilferty = tf.add(tf.log(a), tf.mul(scalar(3), tf.log(tf.maximum(base, scalar(1e-12)))));
  const logAsymptote = tf.div(tf.add(logP, lgammaA1), a);
  const large = tf.where(lower, tf.maximum(logWilsonHilferty, logAsymptote), logWilsonHilferty);
  const tSmall = tf.sub(scalar(1), tf.mul(a, tf.add(scalar(0.253), tf.mul(scalar(0.12), a))));
  const logPower = tf.div(tf.sub(logP, tf.log(tSmall)), a);
  const logExponential = tf.log(tf.sub(scalar(1), tf.sub(logQ, log1p(tf.neg(tSmall)))));
  const small = tf.where(tf.less(tf.exp(logP), tSmall), logPower, logExponential);
  return tf.clipByValue(tf.where(tf.greater(a, scalar(1)), large, small), LOG_X_MIN, LOG_X_MAX);
}

/**
 * g(u) = log P(a, e^u) - log p (lower side) or log Q(a, e^u) - log q (upper side), and its
 * derivative in u: ±x·density/P (or /Q), with x·density = exp(a u - x - log Γ(a)).
 */
function objective(a: tf.Tensor, u: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor, lower: tf.Tensor, lgammaA: tf.Tensor) {
  const x = tf.exp(u);
  const { logCdf, logSurvival } = logIgammaPair(a, x);
  const logFront = tf.sub(tf.sub(tf.mul(a, u), x), lgammaA);
  const g = tf.where(lower, tf.sub(logCdf, logP), tf.sub(logSurvival, logQ));
  const slope = tf.where(lower, tf.exp(tf.sub(logFront, logCdf)), tf.neg(tf.exp(tf.sub(logFront, logSurvival))));
  return { g, slope };
}

/**
 * x with P(a, x) = p and Q(a, x) = q, given p and q = 1 - p each as accurately as float32 holds
 * them (the caller passes the one it knows exactly and the other as 1 minus it).
 */
function solve(a: tf.Tensor, p: tf.Tensor, q: tf.Tensor): tf.Tensor {
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, p.shape);
  const A = tf.broadcastTo(a, shape);
  const P = tf.broadcastTo(p, shape);
  const Q = tf.broadcastTo(q, shape);
  const valid = tf.logicalAnd(tf.greater(A, scalar(0)), tf.logicalAnd(tf.greaterEqual(P, scalar(0)), tf.greaterEqual(Q, scalar(0))));
  const interior = tf.logicalAnd(valid, tf.logicalAnd(tf.greater(P, scalar(0)), tf.greater(Q, scalar(0))));
  // Safe stand-ins where the answer is an endpoint or NaN; patched at the end.
  const As = tf.where(valid, A, tf.onesLike(A));
  const logP = tf.log(tf.where(interior, P, tf.fill(shape, 0.5)));
  const logQ = tf.log(tf.where(interior, Q, tf.fill(shape, 0.5)));
  const lower = tf.lessEqual(logP, logQ);

  const uStar = nonDifferentiable(
    (av, lp, lq) => {
      const lowerSide = tf.lessEqual(lp, lq);
      const lgammaA = lgamma(av);
      const lgammaA1 = tf.add(lgammaA, tf.log(av));
      let u = startLogX(av, lp, lq, lowerSide, lgammaA1);
      for (let i = 0; i < NEWTON_STEPS; i++) {
        const { g, slope } = objective(av, u, lp, lq, lowerSide, lgammaA);
        const raw = tf.div(g, slope);
        // Newton step in u; log P and log Q are concave in u (the log-gamma density is
        // log-concave), so the iteration converges from any start.
        const step = tf.where(tf.logicalOr(tf.equal(g, scalar(0)), tf.isNaN(raw)), tf.zerosLike(raw), raw);
        u = tf.clipByValue(tf.sub(u, tf.maximum(step, scalar(-MAX_STEP_UP))), LOG_X_MIN, LOG_X_MAX);
      }
      return u;
    },
    As,
    logP,
    logQ,
  );

  let u: tf.Tensor = uStar;
  if (recordingGradients()) {
    // The implicit-function gradient: one Newton correction whose value is exactly zero but whose
    // derivative is -(∂g/∂θ)/g' (dx/dp = 1/density, dx/da = -(∂P/∂a)/density).
    const lgammaA = lgamma(As);
    const { g, slope } = objective(As, uStar, tf.log(tf.where(interior, P, tf.fill(shape, 0.5))), tf.log(tf.where(interior, Q, tf.fill(shape, 0.5))), lower, lgammaA);
    const frozen = nonDifferentiable((v) => tf.clone(v), g);
    const frozenSlope = nonDifferentiable((v) => tf.clone(v), slope);
    const correction = tf.div(tf.sub(g, frozen), frozenSlope);
    u = tf.sub(uStar, tf.where(tf.isFinite(correction), correction, tf.zerosLike(correction)));
  }
  let x = tf.exp(u);
  x = tf.where(tf.logicalAnd(valid, tf.equal(P, scalar(0))), tf.zerosLike(x), x);
  x = tf.where(tf.logicalAnd(valid, tf.equal(Q, scalar(0))), tf.fill(shape, Infinity), x);
  return tf.where(valid, x, tf.fill(shape, NaN));
}

/**
 * The inverse of the regularized lower incomplete gamma function: the x >= 0 with P(a, x) = p,
 * elementwise for a > 0 and p in [0, 1] (0 at p = 0, +Infinity at p = 1, NaN outside).
 *
 * Newton's method on u = log x, on g(u) = log P(a, e^u) - log p when p <= 1/2 and on
 * log Q(a, e^u) - log(1 - p) above (1 - p is exact in float32 there), with g'(u) = ±x·density/P
 * (or /Q). Both are concave in u (the log of a gamma variable has a log-concave density), so the
 * iteration converges from any start; it starts from Wilson–Hilferty (a > 1, with the
 * small-x asymptote P ~ x^a/Γ(a+1) as a lower bound) or Numerical Recipes' invgammp start
 * (a <= 1). Accurate to float32 precision in both tails, from p = 1e-38 to 1 - 2^-24, for the
 * shapes igamma resolves (a up to ~100 with its default iterations).
 *
 * Differentiable in a and p: dx/dp = 1/density(x), dx/da = -(∂P/∂a)/density(x) (implicit
 * function theorem, by one zero-valued Newton correction the tape differentiates).
 */
export function igammaInv(a: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const af = asFloat32(a);
    const pf = asFloat32(p);
    return solve(af, pf, tf.sub(scalar(1), pf));
  });
}

/**
 * The inverse of the regularized upper incomplete gamma function: the x >= 0 with Q(a, x) = q
 * (+Infinity at q = 0, 0 at q = 1, NaN outside [0, 1]). The same method as igammaInv, with q
 * taken exactly, so the far upper tail (q down to 1e-38) keeps float32 precision.
 */
export function igammacInv(a: tf.Tensor, q: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const af = asFloat32(a);
    const qf = asFloat32(q);
    return solve(af, tf.sub(scalar(1), qf), qf);
  });
}
