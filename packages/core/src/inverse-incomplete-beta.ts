// The inverse of the regularized incomplete beta function I_x(a, b), as tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';
import { recordingGradients } from './kernels/direct-backend.js';
import { nonDifferentiable } from './non-differentiable.js';
import { lbeta, logBetaincPair } from './special-functions.js';

/** Newton steps after the start. */
const NEWTON_STEPS = 8;
/** logit x stays where x and 1 - x are normal float32 numbers. */
const LOGIT_MAX = -Math.log(1e-37);

function scalar(v: number): tf.Scalar {
  return tf.scalar(v, 'float32');
}

/** log(σ(u)) and log(1 - σ(u)) = log σ(-u), each without cancellation. */
function logSigmoids(u: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return [tf.neg(tf.softplus(tf.neg(u))), tf.neg(tf.softplus(u))];
}

/**
 * A start for u = logit x with I_x(a, b) = p (Numerical Recipes' invbetai start): for a, b >= 1
 * the normal approximation x = a / (a + b e^{2w}) (Abramowitz & Stegun 26.5.22), else the power
 * laws of the two ends, x = (a w p)^{1/a} or 1 - x = (b w q)^{1/b} with w = (a/(a+b))^a/a +
 * (b/(a+b))^b/b.
 */
function startLogit(a: tf.Tensor, b: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor, lower: tf.Tensor): tf.Tensor {
  const one = scalar(1);
  const logTail = tf.where(lower, logP, logQ);
  const t = tf.sqrt(tf.mul(scalar(-2), logTail));
  const zAbs = tf.sub(t, tf.div(tf.add(scalar(2.30753), tf.mul(scalar(0.27061), t)), tf.add(one, tf.mul(t, tf.add(scalar(0.99229), tf.mul(scalar(0.04481), t))))));
  const z = tf.where(lower, tf.neg(zAbs), zAbs);
  const al = tf.div(tf.sub(tf.square(z), scalar(3)), scalar(6));
  const ia = tf.reciprocal(tf.sub(tf.mul(scalar(2), a), one));
  const ib = tf.reciprocal(tf.sub(tf.mul(scalar(2), b), one));
  const h = tf.div(scalar(2), tf.add(ia, ib));
  const w = tf.sub(
    tf.div(tf.mul(z, tf.sqrt(tf.maximum(tf.add(al, h), scalar(0)))), h),
    tf.mul(tf.sub(ib, ia), tf.sub(tf.add(al, scalar(5 / 6)), tf.div(scalar(2), tf.mul(scalar(3), h)))),
  );
  const normal = tf.sub(tf.sub(tf.log(a), tf.log(b)), tf.mul(scalar(2), w));

  const s = tf.add(a, b);
  const logT = tf.sub(tf.mul(a, tf.log(tf.div(a, s))), tf.log(a));
  const logU = tf.sub(tf.mul(b, tf.log(tf.div(b, s))), tf.log(b));
  const logW = tf.logSumExp(tf.stack([logT, logU]), 0);
  const useLow = tf.less(logP, tf.sub(logT, logW));
  const logX = tf.minimum(tf.div(tf.add(tf.add(tf.log(a), logW), logP), a), scalar(-1e-7));
  const logY = tf.minimum(tf.div(tf.add(tf.add(tf.log(b), logW), logQ), b), scalar(-1e-7));
  // logit x = log x - log(1 - x), from whichever of x and 1 - x the power law gives.
  const fromX = tf.sub(logX, tf.log(tf.neg(tf.expm1(logX))));
  const fromY = tf.sub(tf.log(tf.neg(tf.expm1(logY))), logY);
  const powers = tf.where(useLow, fromX, fromY);
  const both = tf.logicalAnd(tf.greaterEqual(a, one), tf.greaterEqual(b, one));
  return tf.clipByValue(tf.where(both, normal, powers), -LOGIT_MAX, LOGIT_MAX);
}

/**
 * g(u) = log I_x(a, b) - log p (lower side) or log(1 - I_x(a, b)) - log q, at x = σ(u), and its
 * derivative in u: ±x(1 - x)·density/I (or /(1 - I)), x(1 - x)·density = x^a (1-x)^b / B(a, b).
 */
function objective(a: tf.Tensor, b: tf.Tensor, u: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor, lower: tf.Tensor, lbetaAB: tf.Tensor) {
  const [logX, logY] = logSigmoids(u);
  const { logCdf, logSurvival } = logBetaincPair(a, b, tf.exp(logX), tf.exp(logY));
  const logFront = tf.sub(tf.add(tf.mul(a, logX), tf.mul(b, logY)), lbetaAB);
  const g = tf.where(lower, tf.sub(logCdf, logP), tf.sub(logSurvival, logQ));
  const slope = tf.where(lower, tf.exp(tf.sub(logFront, logCdf)), tf.neg(tf.exp(tf.sub(logFront, logSurvival))));
  return { g, slope };
}

/** logit x with I_x(a, b) = p, 1 - I_x(a, b) = q = 1 - p (p, q >= 0; NaN for invalid a, b). */
function solveLogit(a: tf.Tensor, b: tf.Tensor, p: tf.Tensor, q: tf.Tensor): tf.Tensor {
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape), p.shape);
  const A = tf.broadcastTo(a, shape);
  const B = tf.broadcastTo(b, shape);
  const P = tf.broadcastTo(p, shape);
  const Q = tf.broadcastTo(q, shape);
  const valid = tf.logicalAnd(
    tf.logicalAnd(tf.greater(A, scalar(0)), tf.greater(B, scalar(0))),
    tf.logicalAnd(tf.greaterEqual(P, scalar(0)), tf.greaterEqual(Q, scalar(0))),
  );
  const interior = tf.logicalAnd(valid, tf.logicalAnd(tf.greater(P, scalar(0)), tf.greater(Q, scalar(0))));
  const As = tf.where(valid, A, tf.onesLike(A));
  const Bs = tf.where(valid, B, tf.onesLike(B));
  const logP = tf.log(tf.where(interior, P, tf.fill(shape, 0.5)));
  const logQ = tf.log(tf.where(interior, Q, tf.fill(shape, 0.5)));
  const lower = tf.lessEqual(logP, logQ);

  const uStar = nonDifferentiable(
    (av, bv, lp, lq) => {
      const lowerSide = tf.lessEqual(lp, lq);
      const lbetaAB = lbeta(av, bv);
      let u = startLogit(av, bv, lp, lq, lowerSide);
      for (let i = 0; i < NEWTON_STEPS; i++) {
        const { g, slope } = objective(av, bv, u, lp, lq, lowerSide, lbetaAB);
        const raw = tf.div(g, slope);
        // log I and log(1 - I) are concave in logit x (the logit of a beta variable has a
        // log-concave density), so Newton converges from any start: monotonically from the
        // near side, and an overshoot lands in a tail where log I (or log(1 - I)) is linear in u,
        // which the next step solves.
        const step = tf.where(tf.logicalOr(tf.equal(g, scalar(0)), tf.isNaN(raw)), tf.zerosLike(raw), raw);
        u = tf.clipByValue(tf.sub(u, step), -LOGIT_MAX, LOGIT_MAX);
      }
      return u;
    },
    As,
    Bs,
    logP,
    logQ,
  );

  let u: tf.Tensor = uStar;
  if (recordingGradients()) {
    // Implicit-function gradient: a zero-valued Newton correction (see igammaInv).
    const lbetaAB = lbeta(As, Bs);
    const lp = tf.log(tf.where(interior, P, tf.fill(shape, 0.5)));
    const lq = tf.log(tf.where(interior, Q, tf.fill(shape, 0.5)));
    const { g, slope } = objective(As, Bs, uStar, lp, lq, lower, lbetaAB);
    const frozen = nonDifferentiable((v) => tf.clone(v), g);
    const frozenSlope = nonDifferentiable((v) => tf.clone(v), slope);
    const correction = tf.div(tf.sub(g, frozen), frozenSlope);
    u = tf.sub(uStar, tf.where(tf.isFinite(correction), correction, tf.zerosLike(correction)));
  }
  u = tf.where(tf.logicalAnd(valid, tf.equal(P, scalar(0))), tf.fill(shape, -Infinity), u);
  u = tf.where(tf.logicalAnd(valid, tf.equal(Q, scalar(0))), tf.fill(shape, Infinity), u);
  return tf.where(valid, u, tf.fill(shape, NaN));
}

/**
 * logit x = log(x / (1 - x)) for the x in [0, 1] with I_x(a, b) = p (a, b > 0, p in [0, 1];
 * -Infinity at p = 0, +Infinity at p = 1, NaN outside). Both x = σ(u) and 1 - x = σ(-u) follow
 * from it without cancellation, which a caller needs when x lies next to 1 (StudentT's quantile).
 *
 * Newton's method on u = logit x, on log I_x(a, b) - log p when p <= 1/2 and on
 * log(1 - I_x(a, b)) - log(1 - p) above (1 - p is exact in float32 there), with derivative
 * ±x^a (1-x)^b / (B(a, b) I) (or / (1 - I)). Both are concave in u (the logit of a beta variable
 * has a log-concave density), so the iteration converges from any start; it starts from
 * Numerical Recipes' invbetai guess. Accurate to float32 precision in both tails for the
 * parameters betainc resolves (a, b up to ~1e3 with its default iterations).
 *
 * Differentiable in a, b and p (implicit function theorem: dx/dp = 1/density, dx/dθ =
 * -(∂I/∂θ)/density, by one zero-valued Newton correction the tape differentiates).
 */
export function betaincInvLogit(a: tf.Tensor, b: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const pf = asFloat32(p);
    return solveLogit(tf.cast(a, 'float32'), tf.cast(b, 'float32'), pf, tf.sub(scalar(1), pf));
  });
}

/**
 * The inverse of the regularized incomplete beta function: the x in [0, 1] with I_x(a, b) = p,
 * elementwise for a, b > 0 and p in [0, 1] (0 at p = 0, 1 at p = 1, NaN outside); σ of
 * betaincInvLogit, see there for the method and its accuracy.
 */
export function betaincInv(a: tf.Tensor, b: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sigmoid(betaincInvLogit(a, b, p)));
}
