import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, argumentError, raw, shapeText, withArticle } from './errors.js';

/** A number, an array, a 2-D array or a tensor: what parameters and data arguments accept. */
export type TensorLike = number | number[] | number[][] | tf.Tensor;

/** `x` itself when it is float32, else a float32 copy of it (a new tensor). */
export function asFloat32<T extends tf.Tensor>(x: T): T {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/** A float32 tensor for a parameter given as a number, nested array or tensor. */
export function toFloatTensor(value: TensorLike, owner: string, argument: string): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw argumentError(owner, argument, 'a live tensor (this one was disposed)', value);
    return asFloat32(value);
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
  return hasShape(value, shapeOfFirst(value));
}

/** The shape the first elements spell out, level by level: [[1, 2], ...] -> [n, 2]. */
function shapeOfFirst(value: unknown): number[] {
  return Array.isArray(value) ? [value.length, ...(value.length > 0 ? shapeOfFirst(value[0]) : [])] : [];
}

/** Whether `value` is a nested array of numbers of exactly `shape` (every branch alike). */
function hasShape(value: unknown, shape: readonly number[]): boolean {
  if (shape.length === 0) return typeof value === 'number';
  return Array.isArray(value) && value.length === shape[0] && value.every((v) => hasShape(v, shape.slice(1)));
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

/**
 * NumPy broadcasting of shapes: aligned from the right, each pair of dims must be equal or one
 * of them 1. The broadcast shape, or undefined when they do not broadcast.
 */
export function broadcastShapeOf(...shapes: readonly (readonly number[])[]): number[] | undefined {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = new Array(n).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const k = n - shape.length + i;
      const d = shape[i]!;
      if (d === 1) continue;
      if (out[k] !== 1 && out[k] !== d) return undefined;
      out[k] = d;
    }
  }
  return out;
}

/** Broadcast shape of several named shapes, or an ArgumentError naming the incompatible pair. */
export function broadcastShapes(owner: string, named: Record<string, readonly number[]>): number[] {
  let result: number[] = [];
  let resultFrom = '';
  for (const [name, shape] of Object.entries(named)) {
    const next = broadcastShapeOf(result, shape);
    if (next === undefined) {
      throw new ArgumentError(
        `${owner}: ${name} of shape ${shapeText(shape)} does not broadcast with ${resultFrom} of shape ${shapeText(result)}`,
        { owner, argument: name },
      );
    }
    result = next;
    resultFrom = resultFrom ? `${resultFrom}, ${name}` : name;
  }
  return result;
}

/** What {@link checkTensor} requires of a tensor argument. */
export interface TensorCheck {
  /** Accepted dtypes (default: any). */
  dtype?: tf.DataType | readonly tf.DataType[];
  /** Smallest accepted rank (default 0). */
  minRank?: number;
  /** Refuse a tensor with no elements (a 0 in its shape). Default false. */
  nonEmpty?: boolean;
}

/**
 * Checks a tensor argument before any tfjs op sees it: a tf.Tensor, not disposed, of an
 * accepted dtype and rank, and non-empty when asked; an ArgumentError naming `argument`
 * otherwise. Reads no values (no device sync). Returns the tensor, typed.
 */
export function checkTensor(owner: string, argument: string, value: unknown, check: TensorCheck = {}): tf.Tensor {
  if (!(value instanceof tf.Tensor)) throw argumentError(owner, argument, 'a tf.Tensor', value);
  if (value.isDisposed) throw argumentError(owner, argument, 'a live tensor (this one was disposed)', value);
  const { dtype, minRank = 0, nonEmpty = false } = check;
  if (dtype !== undefined) {
    const allowed = typeof dtype === 'string' ? [dtype] : dtype;
    if (!allowed.includes(value.dtype)) {
      const hint = allowed.includes('float32') ? ` (convert with tf.cast(${argument}, 'float32'))` : '';
      throw argumentError(owner, argument, `${withArticle(allowed.join(' or '))} tensor${hint}`, value);
    }
  }
  if (value.rank < minRank) throw argumentError(owner, argument, `a tensor of rank >= ${minRank}`, value);
  if (nonEmpty && value.size === 0) throw argumentError(owner, argument, 'a non-empty tensor (at least one element)', value);
  return value;
}

/** `sampleShape` argument as an array: undefined -> [], 5 -> [5]. */
export function normalizeSampleShape(sampleShape: number | number[] | undefined, owner: string): number[] {
  const shape = sampleShape === undefined ? [] : typeof sampleShape === 'number' ? [sampleShape] : sampleShape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw argumentError(owner, 'sampleShape', 'a non-negative integer or an array of them', sampleShape);
  }
  return shape;
}
