import { Coupling, type CouplingOptions } from './coupling.js';
import type { SplineSettings } from './rational-quadratic-spline.js';
import { rationalQuadratic } from './rational-quadratic-transformer.js';

/** Options of {@link SplineCoupling}: a coupling layer's options with the spline settings in place of `transformer`. */
export interface SplineCouplingOptions extends Omit<CouplingOptions, 'transformer'>, SplineSettings {}

/**
 * Rational-quadratic spline coupling (Durkan et al. 2019, "Neural Spline Flows", RQ-NSF (C)):
 * `y1 = x1`, `y2 = RQS(x2; theta)` with `theta = conditioner(x1, context)` of shape
 * batch + [D-d, 3K-1] (K widths, K heights, K-1 interior derivatives per unit, unnormalized).
 * Identity outside [-bound, bound]; `log|det J| = sum log RQS'(x2)`. A `Coupling` with the
 * `rationalQuadratic(settings)` transformer.
 */
export class SplineCoupling extends Coupling {
  constructor(opts: SplineCouplingOptions) {
    const { numBins, bound, minBinWidth, minBinHeight, minDerivative, ...rest } = opts ?? ({} as SplineCouplingOptions);
    const name = opts?.name ?? 'SplineCoupling';
    super({ ...rest, name, transformer: rationalQuadratic({ numBins, bound, minBinWidth, minBinHeight, minDerivative }) });
  }
}
