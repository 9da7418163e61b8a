import * as tf from '@tensorflow/tfjs-core';
import { Coupling, conditionerShapeError, type CouplingOptions } from './coupling.js';
import {
  rationalQuadraticSpline,
  resolveSpline,
  splineParamCount,
  type ResolvedSpline,
  type SplineSettings,
} from './rational-quadratic-spline.js';

export interface SplineCouplingOptions extends CouplingOptions, SplineSettings {}

/**
 * Rational-quadratic spline coupling (Durkan et al. 2019, "Neural Spline Flows", RQ-NSF (C)):
 * `y1 = x1`, `y2 = RQS(x2; theta)` with `theta = conditioner(x1, context)` of shape
 * batch + [D-d, 3K-1] (K widths, K heights, K-1 interior derivatives per unit, unnormalized).
 * Identity outside [-bound, bound]; `log|det J| = sum log RQS'(x2)`.
 */
export class SplineCoupling extends Coupling {
  readonly settings: ResolvedSpline;

  constructor(opts: SplineCouplingOptions) {
    super(opts, 'SplineCoupling');
    this.settings = resolveSpline(this.name, opts);
  }

  protected checkParams(params: tf.Tensor, x1: tf.Tensor, n: number): void {
    const expected = [...x1.shape.slice(0, -1), n, splineParamCount(this.settings.numBins)];
    if (params.shape.length !== expected.length || params.shape.some((d, i) => d !== expected[i])) {
      throw conditionerShapeError(this.name, `a tensor of shape [${expected}] (3 * numBins - 1 per unit)`, params);
    }
  }

  protected transform(x2: tf.Tensor, params: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor] {
    const [y2, ld] = rationalQuadraticSpline(x2, params, { ...this.settings, inverse });
    return [y2, tf.sum(ld, -1)];
  }
}
