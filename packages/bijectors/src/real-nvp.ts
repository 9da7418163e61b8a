import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { affineTransform } from './affine-params.js';
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
    return affineTransform(x2, params, this.logScaleClamp, inverse, this.name);
  }
}
