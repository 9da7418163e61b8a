// Seeded random draws shared by the distributions. tfjs generates randomNormal/randomUniform in
// JS (tfjs-core, seedrandom), so one seed gives the same values on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, igammaGradA, lgamma, tfjsSeed } from '@densityjs/core';

/** Smallest positive normal float32 and the largest float32 below 1. */
const TINY = 1.1754944e-38;
const ONE_MINUS = 1 - 2 ** -24;

// Every draw goes through these helpers, which hand the seed to tfjs through core's tfjsSeed
// (tfjs would treat seed 0 as no seed).

/** Uniform draws in [low, high). */
export function uniform(shape: number[], low: number, high: number, seed: number | undefined): tf.Tensor {
  return tf.randomUniform(shape, low, high, 'float32', tfjsSeed(seed));
}

/** Uniform draws in the open interval (0, 1): safe under log(u) and log1p(-u). */
export function uniformOpen(shape: number[], seed: number | undefined): tf.Tensor {
  return tf.clipByValue(uniform(shape, 0, 1, seed), TINY, ONE_MINUS);
}

/** Standard normal draws. */
export function standardNormal(shape: number[], seed: number | undefined): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', tfjsSeed(seed));
}

/** Number of Marsaglia–Tsang proposals per draw; each is accepted with probability >= 0.95. */
const GAMMA_ROUNDS = 6;

/**
 * Standard Gamma(concentration, 1) draws of shape `shape` (concentration broadcasts to it), by
 * Marsaglia & Tsang (2000), "A simple method for generating gamma variables", vectorized: each
 * element gets GAMMA_ROUNDS proposals and keeps the first accepted one (all six rejected has
 * probability < 0.05^6 ~ 2e-8; such an element keeps d, the mode-side start). Concentration
 * < 1 uses Gamma(a) = Gamma(a + 1) U^(1/a).
 *
 * Reparameterized by implicit differentiation (Figurnov, Mohamed & Mnih 2018, "Implicit
 * reparameterization gradients"), as TFP: with P(a, x) the Gamma(a, 1) CDF held fixed,
 * dx/da = -(∂P/∂a)(a, x) / p(x; a), with ∂P/∂a from core's igammaGradA.
 */
export function standardGamma(concentration: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  // Broadcast outside the custom gradient, so autodiff reduces the gradient to the parameter.
  const a = tf.broadcastTo(concentration, shape);
  const draw = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const aIn = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const x = drawStandardGamma(aIn, shape, seed);
    save([aIn, x]);
    return {
      value: x,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [aS, xS] = saved as [tf.Tensor, tf.Tensor];
        return tf.tidy(() => {
          const dPda = igammaGradA(aS, xS);
          // log p(x; a) = (a - 1) log x - x - log Γ(a)
          const logDensity = tf.sub(tf.sub(tf.mul(tf.sub(aS, tf.scalar(1)), tf.log(xS)), xS), lgamma(aS));
          const dxda = tf.neg(tf.mul(dPda, tf.exp(tf.neg(logDensity))));
          // Where the density underflows (far tails) the ratio is 0/0: no gradient there.
          return tf.mul(dy, tf.where(tf.isFinite(dxda), dxda, tf.zerosLike(dxda)));
        });
      },
    };
  });
  return draw(a);
}

function drawStandardGamma(a: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  return tf.tidy(() => {
    const small = tf.less(a, tf.scalar(1));
    const boosted = tf.where(small, tf.add(a, tf.scalar(1)), a);
    const d = tf.sub(boosted, tf.scalar(1 / 3));
    const c = tf.rsqrt(tf.mul(d, tf.scalar(9)));
    const z = standardNormal([GAMMA_ROUNDS, ...shape], deriveSeed(seed, 0));
    const u = uniformOpen([GAMMA_ROUNDS, ...shape], deriveSeed(seed, 1));
    const t = tf.add(tf.scalar(1), tf.mul(c, z));
    const v = tf.mul(tf.square(t), t); // t³ without Pow (slower, and NaN for t < 0 on some backends)
    const vSafe = tf.maximum(v, tf.scalar(TINY));
    // accept when v > 0 and log u < z²/2 + d - d v + d log v
    const bound = tf.add(tf.mul(tf.scalar(0.5), tf.square(z)), tf.mul(d, tf.add(tf.sub(tf.scalar(1), vSafe), tf.log(vSafe))));
    const accept = tf.logicalAnd(tf.greater(v, tf.scalar(0)), tf.less(tf.log(u), bound));
    const candidates = tf.mul(d, vSafe);
    const acceptRounds = tf.unstack(accept);
    const candidateRounds = tf.unstack(candidates);
    let result: tf.Tensor = d;
    for (let r = GAMMA_ROUNDS - 1; r >= 0; r--) result = tf.where(acceptRounds[r]!, candidateRounds[r]!, result);
    const boost = tf.pow(uniformOpen(shape, deriveSeed(seed, 2)), tf.reciprocal(a));
    return tf.where(small, tf.mul(result, boost), result);
  });
}

/**
 * log of standard Gamma(concentration, 1) draws, finite for concentrations far below 1 where the
 * draws themselves underflow float32: for α < 1, log G = log G' + log(U)/α with G' ~ Gamma(α + 1)
 * (the boost of standardGamma, taken in log space); for α >= 1, log G. Reparameterized: through
 * standardGamma's implicit gradient in α + 1 and the pathwise derivative -log(U)/α² of the boost.
 */
export function logStandardGamma(concentration: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  const a = tf.broadcastTo(concentration, shape);
  const small = tf.less(a, tf.scalar(1));
  const boosted = tf.where(small, tf.add(a, tf.scalar(1)), a);
  const g = standardGamma(boosted, shape, deriveSeed(seed, 3));
  const u = uniformOpen(shape, deriveSeed(seed, 4));
  const safeA = tf.where(small, a, tf.onesLike(a));
  return tf.add(tf.log(g), tf.where(small, tf.div(tf.log(u), safeA), tf.zerosLike(a)));
}
