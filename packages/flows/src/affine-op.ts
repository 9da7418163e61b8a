// The affine transform of MAF/IAF/RealNVP layers as one custom-gradient op.
//
// Why: written with plain ops, the transform (split, soft clamp, exp, shift, scale, log-det sum)
// is ~12 kernels forward, and tfjs' autodiff adds ~50 more backward (one or more per op plus an
// Identity copy of every saved input). By hand the backward pass is ~12 kernels, and the op
// needs no registered gradient.
import * as tf from '@tensorflow/tfjs-core';

/** Log-scales are soft-clamped to (-LOG_SCALE_BOUND, LOG_SCALE_BOUND): no inf/NaN in training. */
export const LOG_SCALE_BOUND = 5;

/**
 * With shift μ = p[..., 0], log-scale α = B tanh(p[..., 1] / B) (B = LOG_SCALE_BOUND):
 *   forward:  out = v exp(α) + μ,      logDet =  Σ_i α_i
 *   inverse:  out = (v - μ) exp(-α),   logDet = -Σ_i α_i
 * `v`: batch + [n]; `p`: batch + [n, 2]. Returns [out (batch + [n]), logDet (batch)].
 *
 * Gradients (g = d/d out, h = d/d logDet, ∂α/∂p1 = 1 - tanh²):
 *   forward: dv = g e^α, dμ = g, dα = g v e^α + h
 *   inverse: dv = g e^-α, dμ = -g e^-α, dα = -g out - h
 */
export function affineTransform(v: tf.Tensor, p: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor] {
  const n = v.shape[v.rank - 1]!;
  const batch = v.shape.slice(0, -1);
  const op = tf.customGrad((...args: unknown[]) => {
    const [vIn, pIn] = args as [tf.Tensor, tf.Tensor];
    const save = args[2] as tf.GradSaveFunc;
    // One Unpack kernel gives both [.., n] halves (a split would need two more reshapes).
    const [shift, sRaw] = tf.unstack(pIn, -1) as [tf.Tensor, tf.Tensor];
    const th = tf.tanh(tf.mul(sRaw, 1 / LOG_SCALE_BOUND));
    // ±α folded into one multiply: the exponent and the log-det share it.
    const signedLogScale = tf.mul(th, inverse ? -LOG_SCALE_BOUND : LOG_SCALE_BOUND);
    const e = tf.exp(signedLogScale);
    const out = inverse ? tf.mul(tf.sub(vIn, shift), e) : tf.add(tf.mul(vIn, e), shift);
    const logDet = tf.sum(signedLogScale, -1, true);
    save(inverse ? [e, th, out] : [e, th, vIn]);
    const value = tf.concat([out, logDet], -1);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [es, ths, third] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [g, h] = tf.split(dy, [n, 1], -1) as [tf.Tensor, tf.Tensor];
      const dv = tf.mul(g, es);
      const dampen = tf.sub(1, tf.square(ths)); // ∂α/∂p1
      if (inverse) {
        // dμ = -dv, dα = -(g out + h): one Neg for both halves.
        const ds = tf.mul(tf.add(tf.mul(g, third), h), dampen);
        return [dv, tf.neg(tf.stack([dv, ds], -1))];
      }
      // dμ = g, dα = g v e^α + h = dv v + h.
      const ds = tf.mul(tf.add(tf.mul(dv, third), h), dampen);
      return [dv, tf.stack([g, ds], -1)];
    };
    return { value, gradFunc };
  });
  const both = op(v, p);
  const [out, logDet] = tf.split(both, [n, 1], -1) as [tf.Tensor, tf.Tensor];
  return [out, tf.reshape(logDet, batch)];
}
