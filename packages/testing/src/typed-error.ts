import { DensityError, MAX_ERROR_MESSAGE_LENGTH } from '@densityjs/core';
import { expect } from 'vitest';

function checked(e: unknown): DensityError {
  if (!(e instanceof DensityError)) throw new Error(`untyped error: ${String(e)}`);
  expect(e.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
  return e;
}

/**
 * Runs `fn`: undefined when it returns, the error when it throws one of densityjs' typed errors
 * with a bounded message; any other error fails the test. For property suites, where each
 * generated call must end in a result or a typed error.
 */
export function typedError(fn: () => unknown): DensityError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return checked(e);
  }
}

/** `typedError` for a function that may return a promise (awaited). */
export async function typedErrorAsync(fn: () => unknown): Promise<DensityError | undefined> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    return checked(e);
  }
}
