import { affine, type AffineOptions } from './affine-transformer.js';
import { affineConditioner, type Conditioner } from './conditioner.js';
import { Coupling, type CouplingOptions } from './coupling.js';

/** Options of {@link RealNVP}: a coupling layer's options with the affine transformer's options in place of `transformer`; the conditioner may also be given as `shiftAndLogScale`. */
export interface RealNVPOptions extends Omit<CouplingOptions, 'transformer' | 'conditioner'>, AffineOptions {
  /**
   * Network or function of the first d units (and the context) returning batch + [D-d, 2]
   * (shift, raw log-scale per unit, a MADE-like layout) or batch + [2(D-d)] (shifts then raw
   * log-scales).
   */
  conditioner?: Conditioner;
  /** Another name for `conditioner` (TFP's `shift_and_log_scale_fn`). */
  shiftAndLogScale?: Conditioner;
}

/**
 * Affine coupling of RealNVP (Dinh et al. 2017, "Density estimation using Real NVP"):
 * `y1 = x1`, `y2 = x2 * exp(s) + t` with `[t, s] = conditioner(x1, context)`;
 * `log|det J| = sum s`. Inverse `x2 = (y2 - t) * exp(-s)`, one pass in both directions.
 * A `Coupling` with the `affine({logScaleClamp})` transformer (log-scale soft-clamped to
 * (-5, 5) by default).
 */
export class RealNVP extends Coupling {
  constructor(opts: RealNVPOptions) {
    const name = opts?.name ?? 'RealNVP';
    const { logScaleClamp, shiftAndLogScale: _alias, ...rest } = opts ?? ({} as RealNVPOptions);
    super({ ...rest, name, conditioner: affineConditioner(name, opts), transformer: affine({ logScaleClamp }) });
  }
}
