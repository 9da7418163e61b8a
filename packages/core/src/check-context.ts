import * as tf from '@tensorflow/tfjs-core';
import { argumentError, shapeText } from './errors.js';

/** Options of {@link checkContext}. */
export interface CheckContextOptions {
  /** What the caller is, for the message: 'flow', 'layer', 'network'. */
  what: string;
  /** Also accept a single context row of shape [contextSize], broadcast to the batch. */
  allowRow?: boolean;
}

/**
 * Checks the `context` of a call on a model built with `contextSize` (0: unconditional) for
 * inputs of batch shape `batchShape`: none for an unconditional model, else a tensor of shape
 * batchShape + [contextSize] (or [contextSize] with `allowRow`). Returns the context.
 */
export function checkContext(
  owner: string,
  context: unknown,
  contextSize: number,
  batchShape: readonly number[],
  { what, allowRow = false }: CheckContextOptions,
): tf.Tensor | undefined {
  if (contextSize === 0) {
    if (context !== undefined) {
      throw argumentError(owner, 'context', `undefined (the ${what} is unconditional: build it with contextSize to condition it)`, context);
    }
    return undefined;
  }
  const expected = `a tensor of shape ${shapeText([...batchShape, contextSize])}${allowRow ? ` or [${contextSize}]` : ''} (the ${what} is conditional, contextSize ${contextSize})`;
  if (!(context instanceof tf.Tensor)) throw argumentError(owner, 'context', expected, context);
  const s = context.shape;
  const row = allowRow && s.length === 1 && s[0] === contextSize;
  const full = s.length === batchShape.length + 1 && s[s.length - 1] === contextSize && batchShape.every((d, i) => s[i] === d);
  if (!row && !full) throw argumentError(owner, 'context', expected, context);
  return context;
}
