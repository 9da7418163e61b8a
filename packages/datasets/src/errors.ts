// Argument checking and the error classes of every generator and loader. The wording and the
// error family match @densityjs/core's ("owner: argument must be expected, received value";
// ArgumentError, FormatError, StateError with the same codes), re-implemented here because this
// package must not depend on tfjs (core does).

/**
 * Longest message an error of this package carries. Longer than core's 500: the loaders' "file
 * not found" messages explain where each file comes from and how to export it. Received values
 * are summarized in at most 160 characters.
 */
const MAX_MESSAGE_LENGTH = 1500;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The errors of this package are members of densityjs' error family (@densityjs/core's
 * ArgumentError, FormatError, StateError): the same `name` and stable `code`, and `instanceof`
 * matches by code, so `e instanceof ArgumentError` holds whichever package's class is used.
 */
abstract class DatasetError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(clip(message, MAX_MESSAGE_LENGTH), options);
  }
  /**
   * `value instanceof ThisClass`, decided by the stable `code` rather than by prototype, so
   * errors of @densityjs/core's classes of the same name match too.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const expected = (this as { readonly errorCode?: string }).errorCode;
    const code = value instanceof Error ? (value as { code?: unknown }).code : undefined;
    return typeof code === 'string' && (expected === undefined ? code.startsWith('ERR_DENSITYJS_') : code === expected);
  }
}

/** A bad argument: wrong type or range, an unknown option key, a path that does not exist. */
export class ArgumentError extends DatasetError {
  /** The `code` every ArgumentError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_ARGUMENT';
  /** Always 'ArgumentError', as @densityjs/core's class of the same name. */
  override readonly name = 'ArgumentError';
  /** Stable machine-readable code, shared with @densityjs/core's ArgumentError. */
  readonly code = 'ERR_DENSITYJS_ARGUMENT';
}

/** A data file that cannot be read: a bad .npy header, a malformed CSV line, non-finite values. */
export class FormatError extends DatasetError {
  /** The `code` every FormatError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_FORMAT';
  /** Always 'FormatError', as @densityjs/core's class of the same name. */
  override readonly name = 'FormatError';
  /** Stable machine-readable code, shared with @densityjs/core's FormatError. */
  readonly code = 'ERR_DENSITYJS_FORMAT';
}

/** An operation the environment cannot do (reading files outside Node.js). */
export class StateError extends DatasetError {
  /** The `code` every StateError carries. */
  static readonly errorCode = 'ERR_DENSITYJS_STATE';
  /** Always 'StateError', as @densityjs/core's class of the same name. */
  override readonly name = 'StateError';
  /** Stable machine-readable code, shared with @densityjs/core's StateError. */
  readonly code = 'ERR_DENSITYJS_STATE';
}

function describeList(items: ArrayLike<unknown>, kind: string): string {
  const shown = Array.from({ length: Math.min(items.length, 8) }, (_, i) => describeValue(items[i]));
  return items.length <= 8 ? `[${shown.join(', ')}]` : `${kind} of length ${items.length} [${shown.join(', ')}, …]`;
}

/** Renders a received value for an error message in at most ~160 characters. */
export function describeValue(value: unknown): string {
  return clip(describeUnclipped(value), 160);
}

function describeUnclipped(value: unknown): string {
  if (Array.isArray(value)) return describeList(value, 'an array');
  if (typeof value === 'string') return JSON.stringify(clip(value, 60));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return `a DataView of ${value.byteLength} bytes`;
    const name = value.constructor.name;
    return describeList(value as unknown as ArrayLike<number>, `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`);
  }
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `${owner}: ${argument} must be ${expected}, received ${received}` as an ArgumentError. */
export function argumentError(owner: string, argument: string, expected: string, received: unknown): ArgumentError {
  return new ArgumentError(`${owner}: ${argument} must be ${expected}, received ${describeValue(received)}`);
}

/** Largest row count a generator makes (a 2-D float32 dataset of this size takes 1 GiB). */
export const MAX_ROWS = 2 ** 27;

/** Checks a sample count: a positive integer, at most `max` (MAX_ROWS by default). */
export function checkCount(owner: string, name: string, value: unknown, max = MAX_ROWS): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw argumentError(owner, name, 'a positive integer', value);
  }
  if (value > max) throw argumentError(owner, name, `at most ${max}`, value);
  return value;
}

/**
 * The known key closest to `key` by edit distance (insertions, deletions, substitutions, swaps),
 * case-insensitive; undefined when none is within a third of the key's length.
 */
function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const a = key.toLowerCase();
    const b = candidate.toLowerCase();
    // Optimal string alignment: an adjacent swap ("nosie" -> "noise") counts as one edit.
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
        d[i]![j] = v;
      }
    }
    const row = d[a.length]!;
    if (row[b.length]! < bestDistance) {
      bestDistance = row[b.length]!;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Checks that `options` is undefined or a plain object whose keys are all in `known`, so a typo
 * (`{nosie: 0.1}`) fails loudly instead of being ignored.
 */
export function checkOptions<K extends string>(
  owner: string,
  options: unknown,
  known: readonly K[],
): Partial<Record<K, unknown>> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw argumentError(owner, 'options', 'an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key)) {
      const guess = closestKey(key, known);
      throw new ArgumentError(
        `${owner}: unknown option ${JSON.stringify(clip(key, 40))} in options${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}; ` +
          `valid options: ${known.join(', ')}`,
      );
    }
  }
  return options as Partial<Record<K, unknown>>;
}

/** A finite number >= `min` (or > `min` when `strict`), `fallback` when undefined. */
export function checkNumber(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  bounds: { min?: number; strict?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  const { min, strict = false } = bounds;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (strict ? value > min : value >= min));
  if (!ok) {
    const expected = min === undefined ? 'a finite number' : `a finite number ${strict ? '>' : '>='} ${min}`;
    throw argumentError(owner, name, expected, value);
  }
  return value as number;
}

export function checkBoolean(owner: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw argumentError(owner, name, 'a boolean', value);
  return value;
}

/**
 * A seed: any safe integer. When omitted, a fresh seed is drawn from Math.random, so calls
 * without a seed give different data (as scikit-learn with random_state=None).
 */
export function checkSeed(owner: string, value: unknown): number {
  if (value === undefined) return Math.floor(Math.random() * 2 ** 32);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw argumentError(owner, 'seed', 'a safe integer', value);
  }
  return value;
}
