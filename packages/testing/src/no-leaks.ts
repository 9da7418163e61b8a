import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `fn` and fails when the live tensor count differs afterwards by anything other than
 * `expectedNew` (the tensors the caller keeps, e.g. variables a constructor creates). `fn`
 * must dispose of what it returns itself.
 */
export async function expectNoLeaks(
  fn: () => unknown | Promise<unknown>,
  { expectedNew = 0, label = '' }: { expectedNew?: number; label?: string } = {},
): Promise<void> {
  const before = tf.memory().numTensors;
  await fn();
  const leaked = tf.memory().numTensors - before - expectedNew;
  if (leaked !== 0) {
    throw new Error(`${label ? `${label}: ` : ''}${leaked} tensor(s) leaked (expected ${expectedNew} new)`);
  }
  // Counted as an assertion (expect.hasAssertions) of the running test.
  expect(leaked).toBe(0);
}
