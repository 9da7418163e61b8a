// Closed-form KL divergences between the multivariate normal families (diagonal, lower-triangular
// scale, full covariance) in every combination, registered with klDivergence on import.
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, matrixDiagPart, triangularSolveLower } from '@densityjs/core';
import { registerKL } from './kl-divergence.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { MultivariateNormalFullCovariance } from './multivariate-normal-full-covariance.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';

/**
 * Any of the multivariate normal families.
 * @inline
 */
type AnyMultivariateNormal = MultivariateNormalDiag | MultivariateNormalTriL | MultivariateNormalFullCovariance;

const families = [MultivariateNormalDiag, MultivariateNormalTriL, MultivariateNormalFullCovariance] as const;

/** The lower-triangular scale L (covariance L Lᵀ) of any of the three, shape batch + [d, d]. */
function scaleTrilOf(d: AnyMultivariateNormal): tf.Tensor {
  if (d instanceof MultivariateNormalDiag) {
    const n = d.eventShape[0]!;
    return tf.mul(tf.expandDims(d.scaleDiag, -1), tf.eye(n));
  }
  return d.scaleTril;
}

/**
 * KL(N(μp, Lp Lpᵀ) || N(μq, Lq Lqᵀ)) = (|Lq⁻¹ Lp|_F² + |Lq⁻¹ (μq - μp)|² - d)/2
 * + Σ log diag Lq - Σ log diag Lp, by triangular solves (no inverse), broadcasting batch shapes.
 */
export function klMultivariateNormal(p: AnyMultivariateNormal, q: AnyMultivariateNormal): tf.Tensor {
  for (const [argument, value] of [['p', p], ['q', q]] as const) {
    if (!families.some((F) => value instanceof F)) {
      throw argumentError('klMultivariateNormal', argument, 'a MultivariateNormalDiag, MultivariateNormalTriL or MultivariateNormalFullCovariance', value);
    }
  }
  const d = p.eventShape[0]!;
  if (q.eventShape[0] !== d) throw argumentError('klMultivariateNormal', 'q', `a distribution of event shape [${d}] like p`, q.eventShape);
  return tf.tidy(() => klOfScales(p, q, d));
}

function klOfScales(p: AnyMultivariateNormal, q: AnyMultivariateNormal, d: number): tf.Tensor {
  const Lp = scaleTrilOf(p);
  const Lq = scaleTrilOf(q);
  const perm = [...Array(Lp.rank - 2).keys(), Lp.rank - 1, Lp.rank - 2];
  const solved = triangularSolveLower(tf.expandDims(Lq, -3), tf.transpose(Lp, perm));
  const trace = tf.sum(tf.square(solved), [-2, -1]);
  const z = triangularSolveLower(Lq, tf.sub(q.loc, p.loc));
  const mahalanobis = tf.sum(tf.square(z), -1);
  const logDet = tf.sub(tf.sum(tf.log(matrixDiagPart(Lq)), -1), tf.sum(tf.log(matrixDiagPart(Lp)), -1));
  return tf.add(tf.mul(tf.scalar(0.5), tf.sub(tf.add(trace, mahalanobis), tf.scalar(d))), logDet);
}

for (const P of families) {
  for (const Q of families) {
    // Diag-Diag and TriL-TriL have their own registrations (the diagonal one needs no solve).
    if ((P === MultivariateNormalDiag && Q === MultivariateNormalDiag) || (P === MultivariateNormalTriL && Q === MultivariateNormalTriL)) continue;
    registerKL<AnyMultivariateNormal, AnyMultivariateNormal>(P as never, Q as never, klMultivariateNormal);
  }
}
