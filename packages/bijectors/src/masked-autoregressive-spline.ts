import { MaskedAutoregressive, type MaskedAutoregressiveOptions } from './masked-autoregressive.js';
import type { SplineSettings } from './rational-quadratic-spline.js';
import { rationalQuadratic } from './rational-quadratic-transformer.js';

/** Options of {@link MaskedAutoregressiveSpline}: a masked autoregressive layer's options with the spline settings in place of `transformer`. */
export interface MaskedAutoregressiveSplineOptions extends Omit<MaskedAutoregressiveOptions, 'transformer'>, SplineSettings {}

/**
 * Autoregressive rational-quadratic spline layer (Durkan et al. 2019, RQ-NSF (AR)): a MAF whose
 * elementwise transformer is a monotone rational-quadratic spline on [-bound, bound] (identity
 * outside), from a MADE with params = 3K - 1. Density direction in one pass, sampling in D
 * passes; `new Invert(layer)` for the inverse-autoregressive variant.
 */
export class MaskedAutoregressiveSpline extends MaskedAutoregressive {
  constructor(opts: MaskedAutoregressiveSplineOptions) {
    const { numBins, bound, minBinWidth, minBinHeight, minDerivative, ...rest } = opts ?? ({} as MaskedAutoregressiveSplineOptions);
    const name = opts?.name ?? 'MaskedAutoregressiveSpline';
    super({ ...rest, name, transformer: rationalQuadratic({ numBins, bound, minBinWidth, minBinHeight, minDerivative }) });
  }
}
