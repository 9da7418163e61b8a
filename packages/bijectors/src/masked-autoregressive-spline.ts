import * as tf from '@tensorflow/tfjs-core';
import { Autoregressive, type AutoregressiveOptions } from './autoregressive.js';
import type { Conditioner } from './conditioner.js';
import { conditionerShapeError } from './coupling.js';
import {
  rationalQuadraticSpline,
  resolveSpline,
  splineParamCount,
  type ResolvedSpline,
  type SplineSettings,
} from './rational-quadratic-spline.js';

export interface MaskedAutoregressiveSplineOptions extends AutoregressiveOptions, SplineSettings {
  /**
   * Autoregressive network of y (a MADE with params = 3K - 1) returning batch + [D, 3K-1]:
   * the unnormalized widths, heights and interior derivatives of unit i's spline from y_{<i}.
   */
  conditioner: Conditioner;
}

/**
 * Autoregressive rational-quadratic spline layer (Durkan et al. 2019, RQ-NSF (AR)): a MAF whose
 * elementwise transformer is a monotone rational-quadratic spline on [-bound, bound] (identity
 * outside). Density direction in one pass, sampling in D passes; `new Invert(layer)` for the
 * inverse-autoregressive variant.
 */
export class MaskedAutoregressiveSpline extends Autoregressive {
  readonly settings: ResolvedSpline;

  constructor(opts: MaskedAutoregressiveSplineOptions) {
    const name = opts?.name ?? 'MaskedAutoregressiveSpline';
    super(opts?.conditioner, opts ?? {}, name, 'conditioner');
    this.settings = resolveSpline(this.name, opts);
  }

  protected transform(v: tf.Tensor, params: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor] {
    const expected = [...v.shape, splineParamCount(this.settings.numBins)];
    if (params.shape.length !== expected.length || params.shape.some((d, i) => d !== expected[i])) {
      throw conditionerShapeError(this.name, `a tensor of shape [${expected}] (3 * numBins - 1 per unit)`, params);
    }
    const [out, ld] = rationalQuadraticSpline(v, params, { ...this.settings, inverse });
    return [out, tf.sum(ld, -1)];
  }
}
