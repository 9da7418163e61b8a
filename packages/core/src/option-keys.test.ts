import { describe, expect, it } from 'vitest';
import { ArgumentError } from './errors.js';
import { checkOptionKeys, closestMatch, editDistance } from './option-keys.js';

/** Plain recursive Levenshtein with adjacent swaps, the definition written out. */
function reference(a: string, b: string): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const cost = a.at(-1) === b.at(-1) ? 0 : 1;
  let d = Math.min(reference(a.slice(0, -1), b) + 1, reference(a, b.slice(0, -1)) + 1, reference(a.slice(0, -1), b.slice(0, -1)) + cost);
  if (a.length > 1 && b.length > 1 && a.at(-1) === b.at(-2) && a.at(-2) === b.at(-1)) {
    d = Math.min(d, reference(a.slice(0, -2), b.slice(0, -2)) + 1);
  }
  return d;
}

describe('checkOptionKeys', () => {
  it('computes the edit distance of the definition', () => {
    const words = ['', 'a', 'ab', 'ba', 'epoch', 'epochs', 'seed', 'seeed', 'sede', 'batchSize', 'batchsize', 'patience'];
    for (const a of words) for (const b of words) expect(editDistance(a, b)).toBe(reference(a, b));
  });

  it('suggests the closest valid key, or none when nothing is close', () => {
    const known = ['epochs', 'batchSize', 'learningRate', 'seed', 'patience'];
    expect(closestMatch('epoch', known)).toBe('epochs');
    expect(closestMatch('batchsize', known)).toBe('batchSize');
    expect(closestMatch('learning_rate', known)).toBe('learningRate');
    expect(closestMatch('sede', known)).toBe('seed');
    expect(closestMatch('base', known)).toBeUndefined();
    expect(closestMatch('zzz', [])).toBeUndefined();
  });

  it('refuses an unknown key naming it and the closest valid one', () => {
    const known = ['epochs', 'batchSize'];
    expect(() => checkOptionKeys('fit', { epoch: 1 }, known)).toThrow(
      'fit: unknown option "epoch" in options (did you mean "epochs"?); valid options: epochs, batchSize',
    );
    let caught: unknown;
    try {
      checkOptionKeys('fit', { epochs: 1, verbose: undefined }, known, { hints: { verbose: 'log progress with onEpochEnd' } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ArgumentError);
    expect((caught as ArgumentError).argument).toBe('verbose');
    expect((caught as Error).message).toContain('(log progress with onEpochEnd)');
    expect(() => checkOptionKeys('x', 3, known)).toThrow('x: options must be an object, received 3');
    expect(() => checkOptionKeys('x', [1], known)).toThrow(ArgumentError);
    expect(() => checkOptionKeys('x', null, known)).toThrow(ArgumentError);
    expect(() => checkOptionKeys('x', undefined, known)).not.toThrow();
    expect(() => checkOptionKeys('x', { epochs: 1 }, known)).not.toThrow();
  });

  it('says when a function takes no options, and shortens a long unknown key', () => {
    expect(() => checkOptionKeys('dispose', { force: true }, [])).toThrow(/^dispose: unknown option "force" in options; it takes no options$/);
    const long = 'x'.repeat(50);
    expect(() => checkOptionKeys('f', { [long]: 1 }, ['seed'], { argument: 'settings' })).toThrow(
      new RegExp(`^f: unknown option "${'x'.repeat(39)}…" in settings; valid options: seed$`),
    );
  });
});
