// Argument checking for every generator and loader. The wording matches @densityjs/core's
// argumentError ("owner: argument must be expected, received value") so users read one style,
// but this package re-implements it because it must not depend on tfjs (core does).

/** Renders a received value for an error message: arrays, strings and objects stay readable. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `${owner}: ${argument} must be ${expected}, received ${received}` as an Error. */
export function argumentError(owner: string, argument: string, expected: string, received: unknown): Error {
  return new Error(`${owner}: ${argument} must be ${expected}, received ${describeValue(received)}`);
}

/** Checks a sample count: a positive safe integer. */
export function checkCount(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw argumentError(owner, name, 'a positive integer', value);
  }
  return value;
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
      throw new Error(`${owner}: unknown option ${JSON.stringify(key)} (known options: ${known.join(', ')})`);
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
