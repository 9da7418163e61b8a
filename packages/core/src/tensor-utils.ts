import * as tf from '@tensorflow/tfjs-core';
import { argumentError, raw, shapeText } from './errors.js';

export type TensorLike = number | number[] | number[][] | tf.Tensor;

/** A float32 tensor for a parameter given as a number, nested array or tensor. */
export function toFloatTensor(value: TensorLike, owner: string, argument: string): tf.Tensor {
  if (value instanceof tf.Tensor) {
    return value.dtype === 'float32' ? value : tf.cast(value, 'float32');
  }
  if (typeof value === 'number' || Array.isArray(value)) {
    if (Array.isArray(value) && !isRectangularNumberArray(value)) {
      throw argumentError(owner, argument, 'a number, a rectangular (nested) array of numbers or a Tensor', value);
    }
    // Any other failure (e.g. no backend ready) is not the argument's fault: let it surface.
    return tf.tensor(value as number | number[], undefined, 'float32');
  }
  throw argumentError(owner, argument, 'a number, a (nested) array of numbers or a Tensor', value);
}

function isRectangularNumberArray(value: unknown[]): boolean {
  if (value.length === 0) return true;
  if (value.every((v) => typeof v === 'number')) return true;
  if (!value.every((v) => Array.isArray(v))) return false;
  const rows = value as unknown[][];
  const width = rows[0]!.length;
  return rows.every((row) => row.length === width && isRectangularNumberArray(row));
}

/**
 * Reads a tensor synchronously where the backend allows it; `undefined` on webgpu, where a
 * synchronous read fails in Node and, in a browser worker, can lose the device. Value checks
 * are then skipped rather than failing (async callers use `checkValuesAsync`).
 */
export function tryReadSync(t: tf.Tensor): Float32Array | Int32Array | Uint8Array | undefined {
  if (tf.getBackend() === 'webgpu') return undefined;
  try {
    return t.dataSync() as Float32Array;
  } catch {
    return undefined;
  }
}

function scanValues(
  data: ArrayLike<number>,
  ok: (v: number) => boolean,
  owner: string,
  argument: string,
  expected: string,
): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!ok(v)) {
      const where = data.length > 1 ? ` (at flat index ${i})` : '';
      throw argumentError(owner, argument, expected, raw(`${v}${where}`));
    }
  }
}

/**
 * Throws when some element of `t` fails `ok`. Checks run on the values synchronously, so they
 * are for construction-time arguments, not hot loops (switch them off with validateArgs: false).
 */
export function checkValues(
  t: tf.Tensor,
  ok: (v: number) => boolean,
  owner: string,
  argument: string,
  expected: string,
): void {
  const data = tryReadSync(t);
  if (data) scanValues(data, ok, owner, argument, expected);
}

/** `checkValues` for async callers (fit): reads with `await data()`, so it runs on every backend. */
export async function checkValuesAsync(
  t: tf.Tensor,
  ok: (v: number) => boolean,
  owner: string,
  argument: string,
  expected: string,
): Promise<void> {
  scanValues((await t.data()) as Float32Array, ok, owner, argument, expected);
}

/** Broadcast shape of several named parameters, or an error naming the incompatible pair. */
export function broadcastShapes(owner: string, named: Record<string, readonly number[]>): number[] {
  let result: number[] = [];
  let resultFrom = '';
  for (const [name, shape] of Object.entries(named)) {
    const n = Math.max(result.length, shape.length);
    const next: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = result[result.length - n + i] ?? 1;
      const b = shape[shape.length - n + i] ?? 1;
      if (a !== b && a !== 1 && b !== 1) {
        throw new Error(
          `${owner}: ${name} of shape ${shapeText(shape)} does not broadcast with ${resultFrom} of shape ${shapeText(result)}`,
        );
      }
      next.push(a === 1 ? b : a);
    }
    result = next;
    resultFrom = resultFrom ? `${resultFrom}, ${name}` : name;
  }
  return result;
}

/** `sampleShape` argument as an array: undefined -> [], 5 -> [5]. */
export function normalizeSampleShape(sampleShape: number | number[] | undefined, owner: string): number[] {
  const shape = sampleShape === undefined ? [] : typeof sampleShape === 'number' ? [sampleShape] : sampleShape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw argumentError(owner, 'sampleShape', 'a non-negative integer or an array of them', sampleShape);
  }
  return shape;
}

/**
 * Derives the k-th independent seed from a user seed, so one `seed` drives several random ops
 * reproducibly. Undefined stays undefined (fresh randomness).
 */
export function deriveSeed(seed: number | undefined, k: number): number | undefined {
  if (seed === undefined) return undefined;
  // splitmix32-style mixing: distinct k give decorrelated seeds.
  let z = (seed + 0x9e3779b9 * (k + 1)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
