import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bsds300 } from './bsds300.js';
import { gas, preprocessGas } from './gas.js';
import { hepmass, preprocessHepmass } from './hepmass.js';
import { miniboone, preprocessMiniboone } from './miniboone.js';
import { power, preprocessPower } from './power.js';
import {
  expectMatchesReference,
  gasFixture,
  hepmassCsv,
  makeRoot,
  miniboonFixture,
  npy,
  powerFixture,
  REFERENCE,
} from './test-fixtures.js';

describe('power', () => {
  it('matches the MAF preprocessing run by numpy on the same fixture', async () => {
    const { root, cleanup } = await makeRoot({ 'power/data.npy': npy(powerFixture(), [250, 8]) });
    try {
      const fromRoot = await power(root);
      expectMatchesReference(fromRoot, REFERENCE.power);
      // The folder itself and the file itself work too.
      expect(await power(join(root, 'power'))).toEqual(fromRoot);
      expect(await power(join(root, 'power', 'data.npy'))).toEqual(fromRoot);
      expect(preprocessPower({ data: powerFixture(), shape: [250, 8] })).toEqual(fromRoot);
      // Another numpy seed: other shuffle and noise, same sizes.
      const other = preprocessPower({ data: powerFixture(), shape: [250, 8] }, { seed: 1 });
      expect(other.train.shape).toEqual(fromRoot.train.shape);
      expect(other.train.data).not.toEqual(fromRoot.train.data);
    } finally {
      await cleanup();
    }
  });

  it('names the expected file and its origin when it is missing', async () => {
    const { root, cleanup } = await makeRoot({ 'other.txt': 'x' });
    try {
      await expect(power(root)).rejects.toThrow(
        `power: cannot find data.npy; looked for ${join(root, 'power', 'data.npy')} and ${join(root, 'data.npy')}.`,
      );
      await expect(power(root)).rejects.toThrow('https://zenodo.org/record/1161203');
      await expect(power(join(root, 'nope'))).rejects.toThrow(`power: path "${join(root, 'nope')}" does not exist. Expected power/data.npy under it`);
      await expect(power(3 as unknown as string)).rejects.toThrow('power: path must be a non-empty string');
    } finally {
      await cleanup();
    }
  });

  it('rejects malformed files with clear errors', async () => {
    const bad = new Float64Array(powerFixture(20));
    bad[17] = Number.NaN;
    const { root, cleanup } = await makeRoot({
      'a/power/data.npy': npy(powerFixture().subarray(0, 250 * 7), [250, 7]),
      'b/power/data.npy': 'not a numpy file',
      'c/power/data.npy': npy(bad, [20, 8]),
      'd/power/data.npy': npy(powerFixture(5), [5, 8]),
    });
    try {
      await expect(power(join(root, 'a'))).rejects.toThrow(
        'power: data.npy must be a 2-D array with 8 columns (rows x features), received shape [250, 7]',
      );
      await expect(power(join(root, 'b'))).rejects.toThrow(
        `power: readNpy: ${join(root, 'b', 'power', 'data.npy')} is not a valid .npy file`,
      );
      await expect(power(join(root, 'c'))).rejects.toThrow('power: data.npy holds a non-finite value (NaN) at row 2, column 1');
      await expect(power(join(root, 'd'))).rejects.toThrow('power: data.npy must have at least 10 rows to hold out 10%, received 5');
      await expect(power(join(root, 'a'), { seed: -1 })).rejects.toThrow('power: seed must be an integer in [0, 2^32)');
    } finally {
      await cleanup();
    }
  });
});

describe('gas', () => {
  it('drops correlated columns and matches the MAF preprocessing run by numpy', async () => {
    const { root, cleanup } = await makeRoot({ 'gas/ethylene_CO.npy': npy(gasFixture(), [300, 16]) });
    try {
      const splits = await gas(root);
      expect(REFERENCE.gas.kept).toHaveLength(13);
      expectMatchesReference(splits, REFERENCE.gas);
    } finally {
      await cleanup();
    }
  });

  it('explains how to export the pickle when only the pickle is there', async () => {
    const { root, cleanup } = await makeRoot({ 'gas/ethylene_CO.pickle': 'pickle bytes' });
    try {
      await expect(gas(root)).rejects.toThrow(`Found ${join(root, 'gas', 'ethylene_CO.pickle')}, but pickles cannot be read here`);
      await expect(gas(root)).rejects.toThrow("np.save('ethylene_CO.npy'");
    } finally {
      await cleanup();
    }
  });
});

describe('hepmass', () => {
  it('keeps signal rows, drops repeated-value features and matches the MAF code run by numpy', async () => {
    const { root, cleanup } = await makeRoot({
      'hepmass/1000_train.csv': hepmassCsv(400, 0, 29),
      'hepmass/1000_test.csv': hepmassCsv(200, 1000, 30),
    });
    try {
      const splits = await hepmass(root);
      expect(REFERENCE.hepmass.kept).toHaveLength(25);
      expectMatchesReference(splits, REFERENCE.hepmass);
      expect(await hepmass(join(root, 'hepmass'))).toEqual(splits);
    } finally {
      await cleanup();
    }
  });

  it('reports missing and malformed CSV files', async () => {
    const badNumber = hepmassCsv(40, 0, 29).replace(/\n1,[^,]*,/, '\n1,abc,');
    const { root, cleanup } = await makeRoot({
      'a/hepmass/1000_train.csv': hepmassCsv(40, 0, 29),
      'b/hepmass/1000_train.csv': badNumber,
      'b/hepmass/1000_test.csv': hepmassCsv(20, 0, 30),
      'c/hepmass/1000_train.csv': hepmassCsv(40, 0, 29).replace('\n1,', '\n1,2,'),
      'c/hepmass/1000_test.csv': hepmassCsv(20, 0, 30),
    });
    try {
      await expect(hepmass(join(root, 'a'))).rejects.toThrow(
        `hepmass: cannot find 1000_test.csv; looked for ${join(root, 'a', 'hepmass', '1000_test.csv')}`,
      );
      await expect(hepmass(join(root, 'b'))).rejects.toThrow('cannot read "abc" (column 2) as a number');
      await expect(hepmass(join(root, 'c'))).rejects.toThrow('has 30 fields, the header has 29');
      await expect(hepmass(join(root, 'a', 'hepmass', '1000_train.csv'))).rejects.toThrow('hepmass: path must be a folder');
      // Every feature discrete: nothing would be left.
      const discrete = (rows: number, cols: 29 | 30) =>
        [['# label', ...Array.from({ length: cols - 1 }, (_, c) => `f${c}`)].join(','), ...Array.from({ length: rows }, (_, i) => [1, ...Array.from({ length: cols - 1 }, () => i % 2)].join(','))].join('\n');
      const other = await makeRoot({ 'hepmass/1000_train.csv': discrete(40, 29), 'hepmass/1000_test.csv': discrete(20, 30) });
      try {
        await expect(hepmass(other.root)).rejects.toThrow('hepmass: every feature of 1000_train.csv has its smallest value more than 5 times');
      } finally {
        await other.cleanup();
      }
    } finally {
      await cleanup();
    }
  });
});

describe('miniboone', () => {
  it('matches the MAF preprocessing run by numpy on the same fixture', async () => {
    const { root, cleanup } = await makeRoot({ 'miniboone/data.npy': npy(miniboonFixture(), [150, 43]) });
    try {
      expectMatchesReference(await miniboone(root), REFERENCE.miniboone);
    } finally {
      await cleanup();
    }
  });
});

describe('bsds300', () => {
  it('reads the three .npy exports unchanged as float32', async () => {
    const part = (rows: number, offset: number) => Float32Array.from({ length: rows * 63 }, (_, k) => Math.sin(k + offset));
    const { root, cleanup } = await makeRoot({
      'BSDS300/train.npy': npy(part(30, 0), [30, 63]),
      'BSDS300/validation.npy': npy(part(10, 1), [10, 63]),
      'BSDS300/test.npy': npy(new Float64Array(part(20, 2)), [20, 63]),
    });
    try {
      const { train, val, test } = await bsds300(root);
      expect(train).toEqual({ data: part(30, 0), shape: [30, 63] });
      expect(val).toEqual({ data: part(10, 1), shape: [10, 63] });
      expect(test).toEqual({ data: part(20, 2), shape: [20, 63] });
    } finally {
      await cleanup();
    }
  });

  it('explains the HDF5 export and checks the width', async () => {
    const { root, cleanup } = await makeRoot({
      'a/BSDS300/BSDS300.hdf5': 'hdf5 bytes',
      'b/BSDS300/train.npy': npy(new Float32Array(64), [1, 64]),
      'b/BSDS300/validation.npy': npy(new Float32Array(63), [1, 63]),
      'b/BSDS300/test.npy': npy(new Float32Array(63), [1, 63]),
    });
    try {
      await expect(bsds300(join(root, 'a'))).rejects.toThrow(
        `Found ${join(root, 'a', 'BSDS300', 'BSDS300.hdf5')}, but HDF5 cannot be read here: export it to .npy first.`,
      );
      await expect(bsds300(join(root, 'a'))).rejects.toThrow("h5py.File('BSDS300.hdf5', 'r')");
      await expect(bsds300(join(root, 'b'))).rejects.toThrow(
        'bsds300: train.npy must be a 2-D array with 63 columns (rows x features), received shape [1, 64]',
      );
    } finally {
      await cleanup();
    }
  });
});

describe('preprocessHepmass table checks', () => {
  const table = (rows: number[][]) => ({ data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0]!.length] });
  // Label 1 rows with two features that vary; 20 signal rows so the validation tenth is 2.
  const signal = (cols: number) => Array.from({ length: 20 }, (_, i) => [1, ...Array.from({ length: cols }, (_, c) => Math.sin(i * (c + 1.3)) + c)]);

  it('names a table without features, a test table of another width, and a test table without signal', () => {
    const train = table(signal(2));
    expect(() => preprocessHepmass({ train: { data: new Float64Array(4), shape: [4, 1] }, test: train })).toThrow(
      'hepmass: 1000_train.csv must be 2-D with a label column and features, received shape [4, 1]',
    );
    expect(() => preprocessHepmass({ train, test: table(signal(4)) })).toThrow('hepmass: 1000_test.csv must have as many columns as 1000_train.csv (3) or one more, received 5');
    expect(() => preprocessHepmass({ train, test: table(signal(2).map((r) => [0, ...r.slice(1)])) })).toThrow('hepmass: 1000_test.csv has no signal rows (label 1)');
  });

  it('keeps a test table as wide as the train table whole, and drops the one extra column of the original file', () => {
    const train = table(signal(2));
    const same = preprocessHepmass({ train, test: table(signal(2)) });
    const wider = preprocessHepmass({ train, test: table(signal(2).map((r) => [...r, 99])) });
    expect(Array.from(wider.test.data)).toEqual(Array.from(same.test.data));
    expect(same.test.shape).toEqual([20, 2]);
  });

  it('refuses a constant feature it would have to standardize', () => {
    const rows = Array.from({ length: 30 }, (_, i) => Array.from({ length: 43 }, (_, c) => (c === 5 ? 2 : Math.sin(i * (c + 1.3)))));
    expect(() => preprocessMiniboone(table(rows))).toThrow('miniboone: column 5 of data.npy (train + val rows) is constant (std 0), so it cannot be standardized');
  });
});

describe('preprocess functions: seeds and widths', () => {
  it("power's numpy seed: an integer in [0, 2^32), both ends accepted", () => {
    const array = { data: powerFixture(), shape: [250, 8] };
    for (const seed of [-1, 2 ** 32, 1.5, '1']) {
      expect(() => preprocessPower(array, { seed: seed as number })).toThrow(`power: seed must be an integer in [0, 2^32) (a numpy RandomState seed), received ${typeof seed === 'string' ? '"1"' : seed}`);
    }
    const ends = [0, 2 ** 32 - 1].map((seed) => preprocessPower(array, { seed }).train.data);
    expect(ends[0]).not.toEqual(ends[1]);
  });

  it('each names its file and the width it needs', () => {
    const narrow = { data: new Float64Array(20), shape: [10, 2] };
    expect(() => preprocessMiniboone(narrow)).toThrow('miniboone: data.npy must be a 2-D array with 43 columns (rows x features), received shape [10, 2]');
    expect(() => preprocessGas(narrow)).toThrow('gas: ethylene_CO.npy must be a 2-D array with 16 columns (rows x features), received shape [10, 2]');
    expect(() => preprocessPower(narrow)).toThrow('power: data.npy must be a 2-D array with 8 columns (rows x features), received shape [10, 2]');
  });
});
