import type * as tf from '@tensorflow/tfjs-core';
import { checkContext } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorConfig } from './bijector.js';
import { checkContextSize, conditionerVariables, disposeConditioner, type Conditioner } from './conditioner.js';

/** Options of every bijector whose parameters come from a conditioner network. */
export interface ConditionedOptions extends BijectorBaseOptions {
  /** Event size D, when known (validated on every call). */
  eventSize?: number;
  /** Dispose the conditioner (when it has `dispose`) with this bijector (default true). */
  disposeConditioner?: boolean;
  /**
   * Size of the conditioning context. When set, every call must pass `context` of shape
   * batch + [contextSize] (checked, with a clear error); when unset the context is optional.
   */
  contextSize?: number;
}

/**
 * A bijector driven by a conditioner passed in (coupling and autoregressive layers): it owns
 * the conditioner's lifetime (unless told not to), exposes its variables, and remembers the
 * context size every call is checked against. Subclasses validate the conditioner itself.
 */
export abstract class ConditionedBijector extends Bijector {
  /** The network (or function) giving the transformer's parameters. */
  readonly conditioner: Conditioner;
  private readonly ownsConditioner: boolean;
  /** Size of the context every call must pass; undefined when the context is optional. */
  readonly contextSize: number | undefined;

  protected constructor(config: BijectorConfig, conditioner: Conditioner, opts: ConditionedOptions) {
    checkContextSize(config.name, opts.contextSize);
    super(config);
    this.conditioner = conditioner;
    this.ownsConditioner = opts.disposeConditioner ?? true;
    this.contextSize = opts.contextSize;
  }

  /** With a declared `contextSize`, the context must be given with shape batch + [contextSize]. */
  protected checkContext(context: unknown, input: tf.Tensor): void {
    if (this.contextSize !== undefined) checkContext(this.name, context, this.contextSize, input.shape.slice(0, -1), { what: 'layer' });
  }

  override get trainableVariables(): tf.Variable[] {
    return conditionerVariables(this.conditioner);
  }

  override dispose(): void {
    if (this.ownsConditioner) disposeConditioner(this.conditioner);
  }
}
