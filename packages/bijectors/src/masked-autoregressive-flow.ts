import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { affineTransform } from './affine-params.js';
import { Autoregressive, type AutoregressiveOptions } from './autoregressive.js';
import type { Conditioner } from './conditioner.js';

export interface MaskedAutoregressiveFlowOptions extends AutoregressiveOptions {
  /**
   * Autoregressive network of y (normally a MADE with params = 2): returns batch + [D, 2]
   * (`[..., i, 0]` shift, `[..., i, 1]` raw log-scale of unit i, depending on y_{<i} only), or
   * batch + [2D] (shifts then log-scales). Any function `(y, context?) => Tensor` works.
   */
  shiftAndLogScale: Conditioner;
  /** Bound of the soft clamp `c tanh(s / c)` on the log-scale (default 5); Infinity disables it. */
  logScaleClamp?: number;
}

/**
 * Masked autoregressive flow layer (MAF, Papamakarios et al. 2017) with an affine transformer:
 * `y_i = x_i exp(s_i) + t_i`, `[t_i, s_i] = f(y_{<i})`; `log|det J| = sum s_i`.
 * Density direction in one pass: `x = (y - t(y)) * exp(-s(y))`, `log|det J^{-1}| = -sum s(y)`;
 * sampling in D passes. `new Invert(maf)` is an IAF.
 */
export class MaskedAutoregressiveFlow extends Autoregressive {
  readonly logScaleClamp: number;

  constructor(opts: MaskedAutoregressiveFlowOptions) {
    super(opts?.shiftAndLogScale, opts ?? {}, opts?.name ?? 'MaskedAutoregressiveFlow', 'shiftAndLogScale');
    this.logScaleClamp = opts.logScaleClamp ?? 5;
    if (!(this.logScaleClamp > 0)) throw argumentError(this.name, 'logScaleClamp', '> 0', opts.logScaleClamp);
  }

  protected transform(v: tf.Tensor, params: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor] {
    return affineTransform(v, params, this.logScaleClamp, inverse, this.name);
  }
}
