import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DensityError, MAX_ERROR_MESSAGE_LENGTH, NotImplementedError } from '@densityjs/core';
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

/**
 * The ArgumentError `fn` throws, checked against the argument it must name and the message it
 * must match, with no tensor left behind by the rejected call. Fails the test when `fn` returns,
 * throws anything else, or leaks.
 */
export function argumentErrorOf(fn: () => unknown, expected?: ExpectedArgumentError): ArgumentError {
  const { caught, before } = thrownBy(fn);
  return checkedArgumentError(caught, expected, before);
}

/** What `fn` throws (undefined when it returns), and the tensor count before the call. */
function thrownBy(fn: () => unknown): { caught: unknown; before: number } {
  const before = tf.memory().numTensors;
  try {
    fn();
    return { caught: undefined, before };
  } catch (error) {
    return { caught: error, before };
  }
}

/** `argumentErrorOf` for a function that returns a promise: the rejection is checked. */
export async function argumentErrorOfAsync(fn: () => Promise<unknown>, expected?: ExpectedArgumentError): Promise<ArgumentError> {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  return checkedArgumentError(caught, expected, before);
}

/** What a rejected call's ArgumentError must name and say. */
export interface ExpectedArgumentError {
  argument?: string;
  /** A pattern the message must match, or the whole message. */
  message?: RegExp | string;
}

function checkedArgumentError(caught: unknown, expected: ExpectedArgumentError | undefined, tensorsBefore: number): ArgumentError {
  expect(caught, 'expected an ArgumentError').toBeInstanceOf(ArgumentError);
  const error = checked(caught) as ArgumentError;
  if (typeof expected?.message === 'string') expect(error.message).toBe(expected.message);
  else if (expected?.message) expect(error.message).toMatch(expected.message);
  if (expected?.argument !== undefined) expect(error.argument, 'the argument the error names').toBe(expected.argument);
  expect(tf.memory().numTensors, 'tensors left by the rejected call').toBe(tensorsBefore);
  return error;
}

/**
 * The NotImplementedError `fn` throws, with exactly `message`, and no tensor left behind. Fails
 * the test when `fn` returns, throws anything else, or leaks.
 */
export function notImplementedErrorOf(fn: () => unknown, message: string): NotImplementedError {
  const { caught, before } = thrownBy(fn);
  expect(caught, 'expected a NotImplementedError').toBeInstanceOf(NotImplementedError);
  const error = checked(caught) as NotImplementedError;
  expect(error.message).toBe(message);
  expect(tf.memory().numTensors, 'tensors left by the rejected call').toBe(before);
  return error;
}
