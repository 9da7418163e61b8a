import { additive } from './additive-transformer.js';
import { Coupling, type CouplingOptions } from './coupling.js';

/** Options of {@link NICE}: a coupling layer's options; the transformer is always additive. */
export type NICEOptions = Omit<CouplingOptions, 'transformer'>;

/**
 * Additive coupling of NICE (Dinh et al. 2015): `y1 = x1`, `y2 = x2 + t(x1, context)`,
 * volume-preserving (`log|det J| = 0`); inverse `x2 = y2 - t(y1)`. The conditioner returns the
 * shift, batch + [D-d] (or batch + [D-d, 1]). A `Coupling` with the `additive()` transformer.
 */
export class NICE extends Coupling {
  constructor(opts: NICEOptions) {
    super({ ...opts, name: opts?.name ?? 'NICE', transformer: additive() });
  }
}
