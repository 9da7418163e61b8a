import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { splitShiftAndLogScale } from './affine-params.js';
import { Coupling, type CouplingOptions } from './coupling.js';

export interface RealNVPOptions extends CouplingOptions {
  /**
   * Bound of the soft clamp `c tanh(s / c)` on the log-scale (default 5, scales in
   * (e^-5, e^5)); `Infinity` disables it.
   */
  logScaleClamp?: number;
}

/**
 * Affine coupling of RealNVP (Dinh et al. 2017, "Density estimation using Real NVP"):
 * `y1 = x1`, `y2 = x2 * exp(s) + t` with `[t, s] = conditioner(x1, context)`;
 * `log|det J| = sum s`. Inverse `x2 = (y2 - t) * exp(-s)`, one pass in both directions.
 *
 * The conditioner returns batch + [D-d, 2] (shift, raw log-scale per unit, a MADE-like layout)
 * or batch + [2(D-d)] (shifts then raw log-scales). The log-scale is soft-clamped so training
 * cannot produce an infinite scale.
 */
export class RealNVP extends Coupling {
  readonly logScaleClamp: number;

  constructor(opts: RealNVPOptions) {
    super(opts, 'RealNVP');
    this.logScaleClamp = opts.logScaleClamp ?? 5;
    if (!(this.logScaleClamp > 0)) throw argumentError(this.name, 'logScaleClamp', '> 0', opts.logScaleClamp);
  }

  protected checkParams(): void {
    // Checked while splitting.
  }

  protected transform(x2: tf.Tensor, params: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor] {
    const batch = x2.shape.slice(0, -1);
    const n = x2.shape[x2.rank - 1]!;
    const [shift, logScale] = splitShiftAndLogScale(params, batch, n, this.logScaleClamp, this.name);
    const ld = tf.sum(logScale, -1);
    if (!inverse) return [tf.add(tf.mul(x2, tf.exp(logScale)), shift), ld];
    return [tf.mul(tf.sub(x2, shift), tf.exp(tf.neg(logScale))), tf.neg(ld)];
  }
}
