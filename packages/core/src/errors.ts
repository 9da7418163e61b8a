// The error family every densityjs package throws, so a program can tell a user mistake
// (ArgumentError) from a numerical failure (NumericalError), a bad saved file (FormatError) or
// an object in the wrong state (StateError) or a method a distribution does not define
// (NotImplementedError), by class or by the stable `code`:
//
//   try { await fit(flow, x) } catch (e) { if (e instanceof NumericalError) ... }
//   if (e.code === 'ERR_DENSITYJS_ARGUMENT') ...
//
// One wording for argument errors, so users learn to read them once:
//   "Normal: scale must be > 0, received -1 (at flat index 2)".

/** Longest message any densityjs error carries; longer texts are cut with an ellipsis. */
export const MAX_ERROR_MESSAGE_LENGTH = 500;

/** Longest rendering of one received value inside a message. */
const MAX_VALUE_LENGTH = 160;

/** Array elements shown before the rest is summarized. */
const MAX_ELEMENTS = 8;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The stable codes of the family, one per class. */
export type DensityErrorCode =
  | 'ERR_DENSITYJS_ARGUMENT'
  | 'ERR_DENSITYJS_NUMERICAL'
  | 'ERR_DENSITYJS_FORMAT'
  | 'ERR_DENSITYJS_STATE'
  | 'ERR_DENSITYJS_NOT_IMPLEMENTED';

const CODE_PREFIX = 'ERR_DENSITYJS_';

function hasCode(value: unknown, test: (code: string) => boolean): boolean {
  if (!(value instanceof Error)) return false;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && test(code);
}

/**
 * Base class of every densityjs error. `instanceof` matches by `code`, so an error thrown by a
 * second copy of a package (two versions in one bundle) or by @densityjs/datasets (which does
 * not depend on this package) still matches `instanceof ArgumentError`.
 */
export class DensityError extends Error {
  /** Stable machine-readable code, `ERR_DENSITYJS_*`. */
  readonly code: DensityErrorCode;

  constructor(message: string, code: DensityErrorCode, name: string, options?: ErrorOptions) {
    super(clip(message, MAX_ERROR_MESSAGE_LENGTH), options);
    this.name = name;
    this.code = code;
  }

  /**
   * `value instanceof ThisClass`, decided by the stable `code` rather than by prototype, so it
   * also holds for errors from another copy of the package: any `ERR_DENSITYJS_*` code for
   * DensityError, the class's own `errorCode` for a subclass.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const expected = (this as { readonly errorCode?: string }).errorCode;
    return hasCode(value, (code) => (expected === undefined ? code.startsWith(CODE_PREFIX) : code === expected));
  }
}

/**
 * A user mistake in an argument: wrong type, shape, dtype, range, an unknown option key, a
 * disposed tensor. `owner` is the function or class, `argument` the argument's name.
 */
export class ArgumentError extends DensityError {
  /** The `code` every ArgumentError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_ARGUMENT';
  /** The function or class that refused the argument, e.g. `'Normal'` or `'fit'` ('' when unknown). */
  readonly owner: string;
  /** Name of the refused argument or option, e.g. `'scale'` ('' when unknown). */
  readonly argument: string;

  constructor(message: string, details: { owner?: string; argument?: string } = {}) {
    super(message, 'ERR_DENSITYJS_ARGUMENT', 'ArgumentError');
    this.owner = details.owner ?? '';
    this.argument = details.argument ?? '';
  }
}

/** Where a numerical failure happened in training, and what the model was restored to. */
export interface NumericalErrorDetails {
  /** 0-based epoch of the failing step. */
  epoch?: number;
  /** 0-based step within that epoch. */
  step?: number;
  /** The offending loss (NaN, ±Infinity, or a finite value far above the best). */
  loss?: number;
  /**
   * The epoch whose end-of-epoch weights and state were restored; -1 means the weights the
   * run started from. Undefined when nothing was restored.
   */
  restoredEpoch?: number;
  /** The monitored loss of the restored state (Infinity when never measured). */
  restoredLoss?: number;
}

/** A computation that went non-finite or diverged (training), with where and what was restored. */
export class NumericalError extends DensityError implements NumericalErrorDetails {
  /** The `code` every NumericalError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_NUMERICAL';
  readonly epoch?: number;
  readonly step?: number;
  readonly loss?: number;
  readonly restoredEpoch?: number;
  readonly restoredLoss?: number;

  constructor(message: string, details: NumericalErrorDetails = {}, options?: ErrorOptions) {
    super(message, 'ERR_DENSITYJS_NUMERICAL', 'NumericalError', options);
    for (const [key, value] of Object.entries(details)) {
      if (value !== undefined) (this as Record<string, unknown>)[key] = value;
    }
  }
}

/** A saved model or data file that cannot be read: bad JSON, wrong format, non-finite weights. */
export class FormatError extends DensityError {
  /** The `code` every FormatError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_FORMAT';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_DENSITYJS_FORMAT', 'FormatError', options);
  }
}

/** An object used in the wrong state: disposed, or already training. */
export class StateError extends DensityError {
  /** The `code` every StateError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_STATE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_DENSITYJS_STATE', 'StateError', options);
  }
}

/**
 * A method the object does not define: the entropy of a mixture, the mean of a distribution
 * pushed through a non-affine bijector, the quantile of a vector-valued distribution.
 */
export class NotImplementedError extends DensityError {
  /** The `code` every NotImplementedError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_NOT_IMPLEMENTED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_DENSITYJS_NOT_IMPLEMENTED', 'NotImplementedError', options);
  }
}

/** `words` after "a" or "an" as their first letter asks: "an int32 ...", "a float32 ...". */
export function withArticle(words: string): string {
  return `${/^[aeiou]/i.test(words) ? 'an' : 'a'} ${words}`;
}

function describeNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function describeList(items: ArrayLike<unknown>, kind: string): string {
  const n = items.length;
  const shown: string[] = [];
  for (let i = 0; i < Math.min(n, MAX_ELEMENTS); i++) shown.push(describeValue(items[i]));
  if (n <= MAX_ELEMENTS) return `[${shown.join(', ')}]`;
  return `${kind} of length ${n} [${shown.join(', ')}, …]`;
}

/**
 * Renders a received value for an error message in at most ~160 characters: numbers and short
 * arrays as written, long arrays and typed arrays by kind, length and first elements, tensors by
 * dtype and shape (and whether disposed), objects by class or keys.
 */
export function describeValue(value: unknown): string {
  return clip(describeUnclipped(value), MAX_VALUE_LENGTH);
}

function describeUnclipped(value: unknown): string {
  if (typeof value === 'number') return describeNumber(value);
  if (typeof value === 'string') return JSON.stringify(clip(value, 60));
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return `a function${value.name ? ` ${value.name}` : ''}`;
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return describeList(value, 'an array');
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor?.name ?? 'typed array';
    if (value instanceof DataView) return `a DataView of ${value.byteLength} bytes`;
    return describeList(value as unknown as ArrayLike<number>, withArticle(name));
  }
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  const o = value as { shape?: unknown; dtype?: unknown; isDisposed?: unknown };
  if (Array.isArray(o.shape) && typeof o.dtype === 'string') {
    const what = `${o.dtype} tensor of shape ${shapeText(o.shape as number[])}`;
    return o.isDisposed === true ? `a disposed ${what}` : withArticle(what);
  }
  if ('shape' in o && Array.isArray(o.shape)) return `a tensor of shape ${shapeText(o.shape as number[])}`;
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  if (ctor && ctor !== 'Object') return withArticle(ctor);
  const keys = Object.keys(value as object);
  return keys.length === 0 ? 'an empty object' : `an object with keys {${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}}`;
}

/** `${owner}: ${argument} must be ${expected}, received ${received}` as an ArgumentError. */
export function argumentError(owner: string, argument: string, expected: string, received: unknown): ArgumentError {
  const text =
    typeof received === 'string' && received.startsWith('\u0000') ? clip(received.slice(1), 2 * MAX_VALUE_LENGTH) : describeValue(received);
  return new ArgumentError(`${owner}: ${argument} must be ${expected}, received ${text}`, { owner, argument });
}

/** Marks a pre-formatted `received` text so argumentError prints it as is. */
export function raw(text: string): string {
  return `\u0000${text}`;
}

/** `[2, 3]` for a shape. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
