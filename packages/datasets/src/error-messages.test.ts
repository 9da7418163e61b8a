// The package's argument-checking helpers, tested directly: how received values are described,
// how long messages are clipped, which misspelled option gets a suggestion, and the bounds of
// the count and number checks. The wording matches @densityjs/core's errors.
import { describe, expect, it } from 'vitest';
import {
  argumentError,
  ArgumentError,
  checkBoolean,
  checkCount,
  checkNumber,
  checkOptions,
  checkSeed,
  describeValue,
  FormatError,
  StateError,
} from './errors.js';
import { argumentMessageOf } from './test-helpers.js';

describe('describeValue', () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const cases: [string, unknown, string][] = [
    ['a number', -1.5, '-1.5'],
    ['a boolean', false, 'false'],
    ['a bigint', 12n, '12'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a short string', 'abc', '"abc"'],
    ['a long string, clipped to 60 characters', 'x'.repeat(70), `"${'x'.repeat(59)}…"`],
    ['an array of 8', [1, 2, 3, 4, 5, 6, 7, 8], '[1, 2, 3, 4, 5, 6, 7, 8]'],
    ['an array of 9', [1, 2, 3, 4, 5, 6, 7, 8, 9], 'an array of length 9 [1, 2, 3, 4, 5, 6, 7, 8, …]'],
    ['nested arrays', [[1], 'a'], '[[1], "a"]'],
    ['a typed array', new Float32Array([0.5, 2]), '[0.5, 2]'],
    ['a long typed array', new Int8Array(10), 'an Int8Array of length 10 [0, 0, 0, 0, 0, 0, 0, 0, …]'],
    ['a DataView', new DataView(new ArrayBuffer(12)), 'a DataView of 12 bytes'],
    ['a function', () => 1, 'a function'],
    ['a plain object', { a: 1 }, '{"a":1}'],
    ['a circular object', cycle, '[object Object]'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
  ];
  for (const [label, value, text] of cases) {
    it(label, () => {
      expect(describeValue(value)).toBe(text);
    });
  }

  it('clips to 160 characters', () => {
    const text = describeValue({ key: 'y'.repeat(300) });
    expect(text.length).toBe(160);
    expect(text.endsWith('…')).toBe(true);
    expect(describeValue({ k: 'y'.repeat(153) }).length).toBe(160); // 161 characters of JSON
    // At the limit nothing is clipped.
    const exact = { k: 'z'.repeat(160 - 8) };
    expect(describeValue(exact)).toBe(JSON.stringify(exact));
  });

  it('clips whole messages at 1500 characters', () => {
    const long = argumentError('owner', 'argument', 'e'.repeat(2000), 1);
    expect(long.message.length).toBe(1500);
    expect(long.message.endsWith('…')).toBe(true);
    expect(new FormatError('f'.repeat(1500)).message).toBe('f'.repeat(1500));
  });
});

describe('error classes', () => {
  it('carry their names and codes; instanceof matches by code', () => {
    expect([new ArgumentError('a').name, new FormatError('b').name, new StateError('c').name]).toEqual(['ArgumentError', 'FormatError', 'StateError']);
    const coded = (code: unknown) => Object.assign(new Error('x'), { code });
    expect(coded('ERR_DENSITYJS_STATE') instanceof StateError).toBe(true);
    expect(coded('ERR_DENSITYJS_ARGUMENT') instanceof StateError).toBe(false);
    expect(coded(7) instanceof ArgumentError).toBe(false);
    expect({ code: 'ERR_DENSITYJS_ARGUMENT' } instanceof ArgumentError).toBe(false);
  });
});

describe('checkOptions', () => {
  const known = ['noise', 'shuffle', 'seed', 'numSamples'] as const;
  const suggestion = (key: string): string | undefined => /did you mean "([^"]+)"/.exec(argumentMessageOf(() => checkOptions('f', { [key]: 1 }, known)))?.[1];

  it('suggests the option one edit away: a swap, an insertion, a deletion, a substitution, any case', () => {
    expect(['nosie', 'noisee', 'nose', 'noize', 'NOISE', 'sede'].map(suggestion)).toEqual(['noise', 'noise', 'noise', 'noise', 'noise', 'seed']);
  });

  it('allows one edit per three characters of the key, and none beyond', () => {
    expect(suggestion('numSmpls')).toBe('numSamples'); // two edits, key of 8
    expect(suggestion('nmSmpls')).toBeUndefined(); // three edits, key of 7
    expect(suggestion('xy')).toBeUndefined();
    expect(suggestion('sed')).toBe('seed');
  });

  it('on a tie keeps the first known option', () => {
    expect(/did you mean "([^"]+)"/.exec(argumentMessageOf(() => checkOptions('f', { ab: 1 }, ['aa', 'bb'])))?.[1]).toBe('aa');
  });

  it('lists the valid options and refuses non-objects', () => {
    expect(argumentMessageOf(() => checkOptions('f', { colour: 1 }, known))).toBe('f: unknown option "colour" in options; valid options: noise, shuffle, seed, numSamples');
    expect(argumentMessageOf(() => checkOptions('f', [1], known))).toBe('f: options must be an object, received [1]');
    expect(argumentMessageOf(() => checkOptions('f', null, known))).toBe('f: options must be an object, received null');
    expect(checkOptions('f', undefined, known)).toEqual({});
  });
});

describe('value checks', () => {
  it('checkCount: a positive safe integer up to max, inclusive', () => {
    expect(checkCount('f', 'n', 5, 5)).toBe(5);
    expect(argumentMessageOf(() => checkCount('f', 'n', 6, 5))).toBe('f: n must be at most 5, received 6');
    expect(argumentMessageOf(() => checkCount('f', 'n', 0))).toBe('f: n must be a positive integer, received 0');
    expect(argumentMessageOf(() => checkCount('f', 'n', 2 ** 60))).toBe(`f: n must be a positive integer, received ${2 ** 60}`);
    expect(argumentMessageOf(() => checkCount('f', 'n', '3'))).toBe('f: n must be a positive integer, received "3"');
  });

  it('checkNumber: finite, with an inclusive or strict minimum', () => {
    expect(checkNumber('f', 'x', undefined, 7)).toBe(7);
    expect(checkNumber('f', 'x', 0, 7, { min: 0 })).toBe(0);
    expect(argumentMessageOf(() => checkNumber('f', 'x', 0, 7, { min: 0, strict: true }))).toBe('f: x must be a finite number > 0, received 0');
    expect(argumentMessageOf(() => checkNumber('f', 'x', -1, 7, { min: 0 }))).toBe('f: x must be a finite number >= 0, received -1');
    expect(argumentMessageOf(() => checkNumber('f', 'x', Infinity, 7))).toBe('f: x must be a finite number, received Infinity');
    expect(argumentMessageOf(() => checkNumber('f', 'x', '1', 7))).toBe('f: x must be a finite number, received "1"');
  });

  it('checkBoolean and checkSeed', () => {
    expect(checkBoolean('f', 'b', undefined, true)).toBe(true);
    expect(argumentMessageOf(() => checkBoolean('f', 'b', 1, true))).toBe('f: b must be a boolean, received 1');
    expect(checkSeed('f', 0)).toBe(0);
    expect(argumentMessageOf(() => checkSeed('f', 0.5))).toBe('f: seed must be a safe integer, received 0.5');
    const fresh = new Set(Array.from({ length: 5 }, () => checkSeed('f', undefined)));
    expect(fresh.size).toBe(5);
    for (const s of fresh) expect(Number.isSafeInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
