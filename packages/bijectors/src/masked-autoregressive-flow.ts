import { affine, type AffineOptions } from './affine-transformer.js';
import { affineConditioner, type Conditioner } from './conditioner.js';
import { MaskedAutoregressive, type MaskedAutoregressiveOptions } from './masked-autoregressive.js';

/** Options of {@link MaskedAutoregressiveFlow}: a masked autoregressive layer's options with the affine transformer's options in place of `transformer`; the conditioner may also be given as `shiftAndLogScale`. */
export interface MaskedAutoregressiveFlowOptions extends Omit<MaskedAutoregressiveOptions, 'transformer' | 'conditioner'>, AffineOptions {
  /**
   * Autoregressive network of y (normally a MADE with params = 2): returns batch + [D, 2]
   * (`[..., i, 0]` shift, `[..., i, 1]` raw log-scale of unit i, depending on y_{<i} only), or
   * batch + [2D] (shifts then log-scales). Any function `(y, context?) => Tensor` works.
   */
  conditioner?: Conditioner;
  /** Another name for `conditioner` (TFP's `shift_and_log_scale_fn`). */
  shiftAndLogScale?: Conditioner;
}

/**
 * Masked autoregressive flow layer (MAF, Papamakarios et al. 2017) with an affine transformer:
 * `y_i = x_i exp(s_i) + t_i`, `[t_i, s_i] = f(y_{<i})`; `log|det J| = sum s_i`.
 * Density direction in one pass: `x = (y - t(y)) * exp(-s(y))`, `log|det J^{-1}| = -sum s(y)`;
 * sampling in D passes. `new Invert(maf)` is an IAF. A `MaskedAutoregressive` with the
 * `affine({logScaleClamp})` transformer.
 */
export class MaskedAutoregressiveFlow extends MaskedAutoregressive {
  constructor(opts: MaskedAutoregressiveFlowOptions) {
    const name = opts?.name ?? 'MaskedAutoregressiveFlow';
    const { logScaleClamp, shiftAndLogScale: _alias, ...rest } = opts ?? ({} as MaskedAutoregressiveFlowOptions);
    super({ ...rest, name, conditioner: affineConditioner(name, opts), transformer: affine({ logScaleClamp }) });
  }
}
