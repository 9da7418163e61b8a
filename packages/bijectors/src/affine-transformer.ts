import * as tf from '@tensorflow/tfjs-core';
import { argumentError, fusedAffineTransform } from '@densityjs/core';
import { conditionerShapeError } from './conditioner.js';
import type { Transformer } from './transformer.js';

/**
 * Default bound of the soft clamp `c tanh(s / c)` on affine log-scales: scales stay in
 * (e^-5, e^5), so no training step can reach an infinite or zero scale.
 */
export const DEFAULT_LOG_SCALE_CLAMP = 5;

/** Options of the {@link affine} transformer. */
export interface AffineOptions {
  /** Bound c of the soft clamp on the log-scale (default 5); `Infinity` disables it. */
  logScaleClamp?: number;
}

/**
 * The affine transformer of RealNVP, MAF and IAF: `tau(v) = v exp(s) + t`, `log|dtau/dv| = s`,
 * from `[t, raw]` per unit with the soft-clamped log-scale `s = c tanh(raw / c)`. Its forward
 * and inverse each run as one custom-gradient op (`affineTransform`).
 */
export function affine(opts: AffineOptions = {}): Transformer {
  const logScaleClamp = opts?.logScaleClamp ?? DEFAULT_LOG_SCALE_CLAMP;
  if (typeof logScaleClamp !== 'number' || !(logScaleClamp > 0)) {
    throw argumentError('affine', 'logScaleClamp', 'a number > 0 (Infinity disables the clamp)', opts.logScaleClamp);
  }
  return {
    kind: 'affine',
    paramsPerUnit: 2,
    volumePreserving: false,
    forward: (v, params, owner) => affineTransform(v, params, logScaleClamp, false, owner),
    inverse: (v, params, owner) => affineTransform(v, params, logScaleClamp, true, owner),
    // JSON has no Infinity: null stands for an unclamped log-scale.
    toJSON: () => ({ kind: 'affine', logScaleClamp: Number.isFinite(logScaleClamp) ? logScaleClamp : null }),
  };
}

/**
 * The affine transformer of RealNVP and MAF from a conditioner output; the hot path of flow
 * training, so it runs as ONE custom-gradient op with hand-written backward formulas:
 *
 *   forward `y = v exp(s) + t`, log-det `sum s`; inverse `x = (v - t) exp(-s)`, log-det `-sum s`,
 *   with the soft-clamped log-scale `s = c tanh(raw / c)` (ds/draw = 1 - tanh^2).
 *
 * Gradients (sigma = +1 forward, -1 inverse, e = exp(sigma s), out = the value):
 *   d/dv = dout * e;  d/dt = dout (forward) or -dout * e (inverse);
 *   d/draw = sigma (1 - tanh^2) (dout * (out - t if forward, out if inverse) + dld).
 *
 * Accepted layouts of `params` for `n` units: batch + [n, 2] (MADE with params = 2:
 * `[..., i, 0]` shift, `[..., i, 1]` raw log-scale), or batch + [2n] (n shifts, then n raw
 * log-scales).
 */
export function affineTransform(
  v: tf.Tensor,
  params: tf.Tensor,
  clamp: number,
  inverse: boolean,
  owner: string,
): [tf.Tensor, tf.Tensor] {
  const batch = v.shape.slice(0, -1);
  const n = v.shape[v.rank - 1]!;
  const s = params.shape;
  const lastTwo = s.length === batch.length + 2 && s[s.length - 2] === n && s[s.length - 1] === 2;
  const flat = s.length === batch.length + 1 && s[s.length - 1] === 2 * n;
  const batchOk = batch.every((d, i) => s[i] === d);
  if (!batchOk || !(lastTwo || flat)) {
    throw conditionerShapeError(owner, `a tensor of shape [${[...batch, n, 2]}] or [${[...batch, 2 * n]}]`, params);
  }
  // One kernel each way on cpu and wasm; the composed op below elsewhere (webgpu).
  const fused = fusedAffineTransform(v, params, { logScaleClamp: clamp, inverse });
  if (fused) return fused;
  const sigma = inverse ? -1 : 1;
  const clamped = Number.isFinite(clamp);
  const op = tf.customGrad((...args: unknown[]) => {
    const [vIn, pIn, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [shift, raw] = (lastTwo ? tf.unstack(pIn, -1) : tf.split(pIn, 2, -1)) as [tf.Tensor, tf.Tensor];
    const th = clamped ? tf.tanh(tf.mul(raw, 1 / clamp)) : raw;
    const logScale = tf.mul(th, sigma * (clamped ? clamp : 1)); // sigma * s
    const e = tf.exp(logScale);
    // forward: w = v e, out = w + t;  inverse: out = (v - t) e.
    const w = inverse ? tf.mul(tf.sub(vIn, shift), e) : tf.mul(vIn, e);
    const out = inverse ? w : tf.add(w, shift);
    save(clamped ? [e, w, th] : [e, w]);
    const value = tf.concat([out, tf.sum(logScale, -1, true)], -1);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [eS, wS, thS] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const [dOut, dLd] = tf.split(dy as tf.Tensor, [n, 1], -1) as [tf.Tensor, tf.Tensor];
        const dv = tf.mul(dOut, eS);
        const dShift = inverse ? tf.neg(dv) : dOut;
        // d(value)/d(sigma s) = dout * w + dld; ds/draw = 1 - tanh^2 (clamp), times sigma.
        let dRaw = tf.add(tf.mul(dOut, wS), dLd);
        dRaw = thS ? tf.mul(dRaw, tf.sub(1, tf.square(thS))) : dRaw;
        if (sigma < 0) dRaw = tf.neg(dRaw);
        const dParams = lastTwo ? tf.stack([dShift, dRaw], -1) : tf.concat([dShift, dRaw], -1);
        return [dv, dParams];
      },
    };
  });
  const packed = op(v, params);
  const [out, ld] = tf.split(packed, [n, 1], -1) as [tf.Tensor, tf.Tensor];
  return [out, tf.reshape(ld, batch)];
}
