import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Buffers the cpu or wasm backend holds beyond the engine's tensors: scratch data that a
 * kernel allocated directly on the backend and did not free (invisible to numTensors).
 */
function untrackedBuffers(): number {
  const backend = tf.engine().backendName;
  if (backend !== 'cpu' && backend !== 'wasm') return 0;
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds() - tf.memory().numDataBuffers;
}

/**
 * Runs `fn` and fails when the live tensor count differs afterwards by anything other than
 * `expectedNew` (the tensors the caller keeps, e.g. variables a constructor creates), or when
 * the cpu or wasm backend holds buffers that no tensor owns (scratch left by a kernel). `fn`
 * must dispose of what it returns itself.
 */
export async function expectNoLeaks(
  fn: () => unknown | Promise<unknown>,
  { expectedNew = 0, label = '' }: { expectedNew?: number; label?: string } = {},
): Promise<void> {
  const before = tf.memory().numTensors;
  const untrackedBefore = untrackedBuffers();
  await fn();
  const leaked = tf.memory().numTensors - before - expectedNew;
  if (leaked !== 0) {
    throw new Error(`${label ? `${label}: ` : ''}${leaked} tensor(s) leaked (expected ${expectedNew} new)`);
  }
  const untracked = untrackedBuffers() - untrackedBefore;
  if (untracked !== 0) {
    throw new Error(`${label ? `${label}: ` : ''}${untracked} backend buffer(s) leaked by a kernel (owned by no tensor)`);
  }
  // Counted as an assertion (expect.hasAssertions) of the running test.
  expect(leaked).toBe(0);
}
