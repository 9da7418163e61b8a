import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys, nonDifferentiable } from '@densityjs/core';
import { conditionerShapeError } from './conditioner.js';
import type { Transformer } from './transformer.js';

/** Options of the {@link deepSigmoid} transformer. */
export interface DeepSigmoidOptions {
  /** Number H of sigmoid units of each unit's map (3H conditioner outputs per unit). Default 8. */
  hiddenUnits?: number;
}

/** Default number of sigmoid units of the deep sigmoidal transformer. */
export const DEEP_SIGMOID_DEFAULT_UNITS = 8;

/** Smallest slope a_j: keeps every sigmoid strictly increasing and the inversion bracket finite. */
const MIN_SLOPE = 1e-3;

/**
 * Halvings of the inversion bracket. The bracket is at most (|v| + max|b|) / MIN_SLOPE wide, so 40
 * halvings leave it 2^-40 ≈ 1e-12 of that (below float32 resolution for |v| up to 1e4 once the
 * closing Newton step has run).
 */
const BISECTION_STEPS = 40;

/**
 * The deep sigmoidal transformer of neural autoregressive flows (Huang et al. 2018, DSF), with H
 * sigmoid units per transformed unit. Its **inverse** (the density direction of a layer, data ->
 * base) is the closed-form map
 *
 *     tau^{-1}(y) = logit( sum_j w_j sigmoid(a_j y + b_j) ),   a_j = softplus(ã_j) + 1e-3,
 *                                                              w = softmax(w̃),
 *
 * from 3H conditioner outputs per unit laid out `[ã_1..ã_H, b_1..b_H, w̃_1..w̃_H]`. With
 * C = sum_j w_j sigmoid(u_j), u_j = a_j y + b_j, everything is evaluated in log space:
 *
 *     log C     = logSumExp_j(log w_j + log sigmoid(u_j)),
 *     log(1-C)  = logSumExp_j(log w_j + log sigmoid(-u_j)),        (1 - C = sum_j w_j sigmoid(-u_j))
 *     tau^{-1}  = log C - log(1 - C),
 *     log|d tau^{-1}/dy| = logSumExp_j(log w_j + log a_j + log sigmoid(u_j) + log sigmoid(-u_j))
 *                          - log C - log(1 - C),
 *
 * so it stays finite where C rounds to 0 or 1. It is strictly increasing from R onto R (it grows
 * like min_j a_j |y| in the tails), and a mixture of sigmoids in between: the universal
 * monotone family of NAF, the most expressive transformer per layer.
 *
 * Its **forward** (sampling direction) has no closed form and is solved by bisection: since
 * min_j u_j <= tau^{-1}(y) <= max_j u_j, the solution of tau^{-1}(y) = x lies in
 * [min_j (x - b_j)/a_j, max_j (x - b_j)/a_j]; 40 halvings of that bracket are followed by one
 * Newton step y - (tau^{-1}(y) - x) / (d tau^{-1}/dy), which also carries the gradients (by the
 * implicit function theorem: dy/dx = 1 / tau^{-1}'(y), dy/dtheta = -(d tau^{-1}/dtheta) /
 * tau^{-1}'(y)). The result agrees with the exact inverse to float32 rounding.
 *
 * Used in a MaskedAutoregressive layer (the `naf` preset), the density costs one conditioner
 * pass per layer and sampling D passes of the bisection.
 */
export function deepSigmoid(opts: DeepSigmoidOptions = {}): Transformer {
  if (opts === null || typeof opts !== 'object') throw argumentError('deepSigmoid', 'options', 'an object such as {hiddenUnits: 8}', opts);
  checkOptionKeys('deepSigmoid', opts, ['hiddenUnits']);
  const H = opts.hiddenUnits ?? DEEP_SIGMOID_DEFAULT_UNITS;
  if (typeof H !== 'number' || !Number.isInteger(H) || H < 1) throw argumentError('deepSigmoid', 'hiddenUnits', 'a positive integer', opts.hiddenUnits);
  const P = 3 * H;
  const check = (v: tf.Tensor, params: tf.Tensor, owner: string): void => {
    const expected = [...v.shape, P];
    if (params.shape.length !== expected.length || params.shape.some((d, i) => d !== expected[i])) {
      throw conditionerShapeError(owner, `a tensor of shape [${expected}] (3 * hiddenUnits per unit)`, params);
    }
  };
  return {
    kind: 'deepSigmoid',
    paramsPerUnit: P,
    volumePreserving: false,
    forward: (v, params, owner) => {
      check(v, params, owner);
      return deepSigmoidSolve(v, params);
    },
    inverse: (v, params, owner) => {
      check(v, params, owner);
      const [out, logDeriv] = deepSigmoidMap(v, params);
      return [out, tf.sum(logDeriv, -1)];
    },
    toJSON: () => ({ kind: 'deepSigmoid', hiddenUnits: H }),
  };
}

interface SigmoidUnits {
  a: tf.Tensor;
  b: tf.Tensor;
  logW: tf.Tensor;
}

function units(params: tf.Tensor): SigmoidUnits {
  const [aRaw, b, wRaw] = tf.split(params, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  return { a: tf.add(tf.softplus(aRaw), MIN_SLOPE), b, logW: tf.logSoftmax(wRaw) };
}

/** [log C, log(1 - C), u] for C = sum_j w_j sigmoid(u_j), u_j = a_j y + b_j. */
function logMixture(y: tf.Tensor, s: SigmoidUnits): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const u = tf.add(tf.mul(s.a, tf.expandDims(y, -1)), s.b);
  const logC = tf.logSumExp(tf.sub(s.logW, tf.softplus(tf.neg(u))), -1);
  const log1mC = tf.logSumExp(tf.sub(s.logW, tf.softplus(u)), -1);
  return [logC, log1mC, u];
}

/** The DSF map tau^{-1}(y) and its elementwise log-derivative (see `deepSigmoid`). */
export function deepSigmoidMap(y: tf.Tensor, params: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const s = units(params);
  const [logC, log1mC, u] = logMixture(y, s);
  // log sigmoid(u) + log sigmoid(-u) = -softplus(-u) - softplus(u)
  const logSlopes = tf.sub(tf.add(s.logW, tf.log(s.a)), tf.add(tf.softplus(tf.neg(u)), tf.softplus(u)));
  const logDeriv = tf.sub(tf.logSumExp(logSlopes, -1), tf.add(logC, log1mC));
  return [tf.sub(logC, log1mC), logDeriv];
}

/** Solves tau^{-1}(y) = x for y: bisection on the exact bracket, then one differentiable Newton step. */
function deepSigmoidSolve(x: tf.Tensor, params: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const root = nonDifferentiable(
    (xIn, pIn) =>
      tf.tidy(() => {
        const s = units(pIn);
        const ends = tf.div(tf.sub(tf.expandDims(xIn, -1), s.b), s.a);
        let lo = tf.min(ends, -1);
        let hi = tf.max(ends, -1);
        for (let k = 0; k < BISECTION_STEPS; k++) {
          const [nextLo, nextHi] = tf.tidy(() => {
            const mid = tf.mul(tf.add(lo, hi), 0.5);
            const [logC, log1mC] = logMixture(mid, s);
            const above = tf.greater(tf.sub(logC, log1mC), xIn);
            return [tf.where(above, lo, mid), tf.where(above, mid, hi)];
          });
          tf.dispose([lo, hi]);
          lo = nextLo;
          hi = nextHi;
        }
        return tf.mul(tf.add(lo, hi), 0.5);
      }),
    x,
    params,
  );
  const [g, logDeriv] = deepSigmoidMap(root, params);
  const y = tf.sub(root, tf.mul(tf.sub(g, x), tf.exp(tf.neg(logDeriv))));
  // log|d tau/dx| = -log|d tau^{-1}/dy| at the solution (evaluated at y so its gradients flow).
  const [, logDerivAtY] = deepSigmoidMap(y, params);
  return [y, tf.neg(tf.sum(logDerivAtY, -1))];
}
