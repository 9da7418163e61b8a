// Property-based checks of @densityjs/datasets (fast-check): every generator and helper gets
// generated good, bad and edge counts and options; each call must end in a typed error
// (ArgumentError / FormatError) or a dataset of the promised shape with finite values,
// reproducible from its seed. DENSITYJS_PROPERTY_RUNS sets the runs per property (default 30), DENSITYJS_PROPERTY_SEED the seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ds from './index.js';
import { ArgumentError, FormatError } from './errors.js';

const RUNS = Number(process.env.DENSITYJS_PROPERTY_RUNS ?? 30);
// A fixed seed: CI sees the same cases every run; DENSITYJS_PROPERTY_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.DENSITYJS_PROPERTY_SEED ?? 20261206) });
const params = { numRuns: RUNS };

/** Every export and what covers it ('properties' = this file). Fails when an export is missing. */
const COVERAGE: Record<string, string> = {
  ArgumentError: 'properties', FormatError: 'properties', StateError: 'errors.test.ts', MAX_ROWS: 'properties',
  createRng: 'properties', split: 'properties', twoMoons: 'properties', siggraph: 'properties', inverseSine: 'properties',
  eightGaussians: 'properties', checkerboard: 'properties', pinwheel: 'properties', circles: 'properties', swissRoll: 'properties',
  rings: 'properties', readNpy: 'properties', writeNpy: 'properties',
  power: 'tabular.test.ts', preprocessPower: 'tabular.test.ts', gas: 'tabular.test.ts', preprocessGas: 'tabular.test.ts',
  hepmass: 'tabular.test.ts', preprocessHepmass: 'tabular.test.ts', miniboone: 'tabular.test.ts', preprocessMiniboone: 'tabular.test.ts',
  bsds300: 'tabular.test.ts', preprocessBsds300: 'tabular.test.ts',
};

type Generator = (n: number, options?: object) => { data: Float32Array; shape: number[] };
const generators: [string, Generator, string[]][] = [
  ['twoMoons', ds.twoMoons as Generator, ['noise', 'shuffle']],
  ['siggraph', ds.siggraph as Generator, []],
  ['inverseSine', ds.inverseSine as Generator, ['inverse', 'noise']],
  ['eightGaussians', ds.eightGaussians as Generator, []],
  ['checkerboard', ds.checkerboard as Generator, []],
  ['pinwheel', ds.pinwheel as Generator, []],
  ['circles', ds.circles as Generator, []],
  ['swissRoll', ds.swissRoll as Generator, ['noise']],
  ['rings', ds.rings as Generator, []],
];

const count = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, NaN, Infinity, 1e12, 2 ** 53, '10', null, undefined, [3]) },
);
const seed = fc.oneof(fc.integer(), fc.constantFrom<unknown>(0, -0, undefined, NaN, 0.5, '1', 2 ** 60));
const optionValue = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.constantFrom<unknown>(NaN, -1, 'x', undefined, Infinity));

/** A thrown error must be one of the family; returns it or undefined. */
function typedError(fn: () => void): Error | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof ArgumentError) && !(e instanceof FormatError)) throw new Error(`untyped error: ${String(e)}`);
    expect((e as Error).message.length).toBeLessThanOrEqual(1500);
    return e as Error;
  }
}

describe('datasets exports: coverage', () => {
  it('every export is listed with the test that covers it', () => {
    expect(Object.keys(ds).filter((k) => !(k in COVERAGE))).toEqual([]);
  });
});

describe('datasets (properties)', () => {
  for (const [name, make, keys] of generators) {
    it(`${name}: a typed error or [n, d] finite rows reproducible from the seed`, () => {
      fc.assert(
        fc.property(
          count,
          seed,
          fc.dictionary(fc.constantFrom(...keys, 'seeed', 'noize', 'n'), optionValue, { maxKeys: 2 }),
          (n, s, extra) => {
            const options = { ...extra, ...(s === undefined ? {} : { seed: s }) };
            let out: ReturnType<Generator> | undefined;
            const e = typedError(() => {
              out = make(n as number, options);
            });
            if (e) {
              expect(e.message.startsWith(`${name}: `)).toBe(true);
              return;
            }
            const { data, shape } = out!;
            expect(shape[0]).toBe(n);
            expect(data.length).toBe(shape[0]! * shape[1]!);
            expect(data.every(Number.isFinite)).toBe(true);
            if (s !== undefined) expect(Array.from(make(n as number, options).data)).toEqual(Array.from(data));
          },
        ),
        params,
      );
    });
  }

  it('createRng accepts any safe integer seed, 0 included, and refuses the rest', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const e = typedError(() => ds.createRng(s as number));
        expect(e === undefined).toBe(typeof s === 'number' && Number.isSafeInteger(s));
        if (!e) {
          const a = ds.createRng(s as number);
          const b = ds.createRng(s as number);
          for (let i = 0; i < 4; i++) {
            const u = a.uniform();
            expect(u).toBe(b.uniform());
            expect(u >= 0 && u < 1).toBe(true);
          }
        }
      }),
      params,
    );
  });

  it('split: a typed error or disjoint parts that together hold at most the rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.dictionary(fc.constantFrom('train', 'val', 'test', 'shuffle', 'seed', 'vali'), fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -2, max: 60 }), fc.boolean(), fc.constant(NaN)), { maxKeys: 3 }),
        (n, options) => {
          const dataset = ds.twoMoons(n, { seed: 0 });
          let parts: ReturnType<typeof ds.split> | undefined;
          if (typedError(() => (parts = ds.split(dataset, options as never)))) return;
          const sizes = [parts!.train, parts!.val, parts!.test].map((p) => p?.shape[0] ?? 0);
          expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(n);
          for (const p of [parts!.train, parts!.val, parts!.test]) if (p) expect(p.data.length).toBe(p.shape[0]! * 2);
        },
      ),
      params,
    );
  });

  it('writeNpy / readNpy round-trip any float matrix; corrupt bytes are a FormatError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 40 }), (rows, cols, cut) => {
        const data = Float64Array.from({ length: rows * cols }, (_, i) => i / 3 - 1);
        const bytes = ds.writeNpy(data, [rows, cols]);
        const back = ds.readNpy(bytes);
        expect(back.shape).toEqual([rows, cols]);
        expect(Array.from(back.data)).toEqual(Array.from(data));
        const e = typedError(() => ds.readNpy(bytes.subarray(0, cut)));
        if (cut < bytes.length) expect(e).toBeInstanceOf(FormatError);
      }),
      params,
    );
  });
});
