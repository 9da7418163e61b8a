import { describe, expect, it } from 'vitest';
import { ArgumentError, FormatError, MAX_ROWS, StateError } from './errors.js';
import { readNpy } from './npy.js';
import { split } from './split.js';
import { twoMoons } from './two-moons.js';
import { checkerboard } from './checkerboard.js';

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('datasets errors', () => {
  it('are typed members of the densityjs error family, matched by code', () => {
    const e = caught(() => twoMoons(0));
    expect(e).toBeInstanceOf(ArgumentError);
    expect([e.name, (e as ArgumentError).code]).toEqual(['ArgumentError', 'ERR_DENSITYJS_ARGUMENT']);
    expect(e.message).toBe('twoMoons: n must be a positive integer, received 0');
    // Another copy of the family (e.g. @densityjs/core's class) matches the same code.
    const foreign = Object.assign(new Error('x'), { code: 'ERR_DENSITYJS_FORMAT' });
    expect(foreign instanceof FormatError).toBe(true);
    expect(foreign instanceof ArgumentError).toBe(false);
    expect(new StateError('y').code).toBe('ERR_DENSITYJS_STATE');
  });

  it('refuses a row count too large to allocate instead of a raw RangeError', () => {
    const e = caught(() => twoMoons(1e12));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toBe(`twoMoons: n must be at most ${MAX_ROWS}, received 1000000000000`);
  });

  it('names a misspelled option and the closest valid one', () => {
    expect(caught(() => twoMoons(10, { nosie: 0.1 } as never)).message).toBe(
      'twoMoons: unknown option "nosie" in options (did you mean "noise"?); valid options: noise, shuffle, seed',
    );
    expect(caught(() => checkerboard(10, { Seed: 1 } as never)).message).toMatch(/did you mean "seed"/);
    expect(caught(() => twoMoons(10, { colour: 1 } as never)).message).not.toMatch(/did you mean/);
  });

  it('refuses NaN and fractional seeds; 0 is a seed', () => {
    expect(caught(() => twoMoons(10, { seed: NaN }))).toBeInstanceOf(ArgumentError);
    expect(caught(() => twoMoons(10, { seed: 0.5 }))).toBeInstanceOf(ArgumentError);
    expect(Array.from(twoMoons(10, { seed: 0 }).data)).toEqual(Array.from(twoMoons(10, { seed: 0 }).data));
    expect(Array.from(twoMoons(10, { seed: 0 }).data)).not.toEqual(Array.from(twoMoons(10, { seed: 1 }).data));
  });

  it('keeps messages short when given huge values', () => {
    const e = caught(() => split(twoMoons(2000).data as never, { val: 0.1 }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message.length).toBeLessThanOrEqual(500);
  });

  it('reports an unreadable file as a FormatError', () => {
    expect(caught(() => readNpy(new Uint8Array([1, 2, 3]), 'x.npy'))).toBeInstanceOf(FormatError);
  });
});
