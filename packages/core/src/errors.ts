// One wording for every argument error in densityjs, so users learn to read them once:
//   "Normal: scale must be > 0, received -1 (at index 2)".

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object' && 'shape' in (value as object)) return `a tensor of shape [${(value as { shape: number[] }).shape}]`;
  return String(value);
}

/** `${owner}: ${argument} must be ${expected}, received ${received}` as an Error. */
export function argumentError(owner: string, argument: string, expected: string, received: unknown): Error {
  const text = typeof received === 'string' && received.startsWith('\u0000') ? received.slice(1) : describeValue(received);
  return new Error(`${owner}: ${argument} must be ${expected}, received ${text}`);
}

/** Marks a pre-formatted `received` text so argumentError prints it as is. */
export function raw(text: string): string {
  return `\u0000${text}`;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
