// Closed-form KL divergences of Dirichlet || Dirichlet and Poisson || Poisson, registered with
// klDivergence on import.
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, digamma, lgamma } from '@densityjs/core';
import { Dirichlet } from './dirichlet.js';
import { registerKL } from './kl-divergence.js';
import { Poisson } from './poisson.js';

/**
 * KL(Dir(α) || Dir(β)) = log Γ(α₀) - Σ log Γ(α_k) - log Γ(β₀) + Σ log Γ(β_k)
 * + Σ (α_k - β_k)(ψ(α_k) - ψ(α₀)).
 */
export function klDirichlet(p: Dirichlet, q: Dirichlet): tf.Tensor {
  checkPair('klDirichlet', Dirichlet, 'a Dirichlet', p, q);
  const k = p.eventShape[0]!;
  if (q.eventShape[0] !== k) throw argumentError('klDirichlet', 'q', `a Dirichlet of event shape [${k}] like p`, q.eventShape);
  return tf.tidy(() => {
    const a = p.concentration;
    const b = q.concentration;
    const a0 = tf.sum(a, -1);
    const b0 = tf.sum(b, -1);
    const norm = tf.add(tf.sub(lgamma(a0), tf.sum(lgamma(a), -1)), tf.sub(tf.sum(lgamma(b), -1), lgamma(b0)));
    const cross = tf.sum(tf.mul(tf.sub(a, b), tf.sub(digamma(a), tf.expandDims(digamma(a0), -1))), -1);
    return tf.add(norm, cross);
  });
}

/** KL(Poisson(λ) || Poisson(μ)) = λ log(λ/μ) - λ + μ. */
export function klPoisson(p: Poisson, q: Poisson): tf.Tensor {
  checkPair('klPoisson', Poisson, 'a Poisson', p, q);
  return tf.tidy(() => {
    const logL = p.logRate ?? tf.log(p.rate!);
    const logM = q.logRate ?? tf.log(q.rate!);
    const l = tf.exp(logL);
    return tf.add(tf.sub(tf.mul(l, tf.sub(logL, logM)), l), tf.exp(logM));
  });
}

/** `p` and `q` both instances of `family`, else an ArgumentError from `owner` naming the one that is not. */
function checkPair(owner: string, family: typeof Dirichlet | typeof Poisson, expected: string, p: unknown, q: unknown): void {
  if (!(p instanceof family)) throw argumentError(owner, 'p', expected, p);
  if (!(q instanceof family)) throw argumentError(owner, 'q', expected, q);
}

registerKL(Dirichlet, Dirichlet, klDirichlet);
registerKL(Poisson, Poisson, klPoisson);
