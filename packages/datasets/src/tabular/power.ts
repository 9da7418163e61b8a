import { argumentError, checkOptions } from '../errors.js';
import type { NpyArray } from '../npy.js';
import { NumpyRandomState } from '../numpy-random-state.js';
import type { DatasetSplits } from '../types.js';
import { asMatrix, checkSpread, columnMeans, columnStds, standardizedRows, tenth } from './matrix.js';
import { findFile, MAF_ARCHIVE, readNpyFile } from './node-files.js';

/** Options of {@link power} and {@link preprocessPower}. */
export interface PowerOptions {
  /** Seed of numpy's RandomState used for the shuffle and the noise. Default 42, as the paper. */
  seed?: number;
}

const SOURCE = {
  title: 'POWER',
  folder: 'power',
  origin:
    `is UCI's "Individual household electric power consumption" data (8 columns), saved as power/data.npy in ${MAF_ARCHIVE}`,
};

/**
 * POWER preprocessing of the MAF paper (Papamakarios et al. 2017; gpapamak/maf datasets/power.py),
 * reproduced bit for bit in its random parts (numpy's MT19937 `RandomState(seed)` is ported):
 * 1. shuffle the rows with RandomState(42);
 * 2. delete columns 3 and 1 (global intensity and global reactive power), leaving 6;
 * 3. add uniform noise, drawn in this order: voltage 0.01 U(0,1), global active power
 *    0.001 U(0,1), sub-meterings U(0,1) x 3 (one row at a time), time 0;
 * 4. test = the last int(0.1 n) rows, val = the last int(0.1 m) of the m rows left, train = the rest;
 * 5. standardize with the mean and (population) std of train + val.
 * Input: the 2-D array of power/data.npy (n x 8). Output: 6 float32 columns.
 */
export function preprocessPower(array: NpyArray | { data: Float32Array | Float64Array; shape: number[] }, options?: PowerOptions): DatasetSplits {
  const owner = 'power';
  const opts = checkOptions(owner, options, ['seed']);
  const seed = opts.seed === undefined ? 42 : opts.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw argumentError(owner, 'seed', 'an integer in [0, 2^32) (a numpy RandomState seed)', seed);
  }
  const source = asMatrix(owner, array, 'data.npy', 8);
  const n = source.rows;
  const testSize = tenth(owner, n, 'data.npy');
  const valSize = tenth(owner, n - testSize, 'the rows left after the test split');
  const raw = Float64Array.from(source.data);
  const rng = new NumpyRandomState(seed);
  rng.shuffle(n, (i, j) => {
    for (let c = 0; c < 8; c++) {
      const t = raw[i * 8 + c]!;
      raw[i * 8 + c] = raw[j * 8 + c]!;
      raw[j * 8 + c] = t;
    }
  });
  // Remaining columns after np.delete(data, 3) then np.delete(data, 1): original 0, 2, 4, 5, 6, 7.
  const kept = [0, 2, 4, 5, 6, 7];
  const data = new Float64Array(n * 6);
  for (let r = 0; r < n; r++) for (let j = 0; j < 6; j++) data[r * 6 + j] = raw[r * 8 + kept[j]!]!;
  const voltage = new Float64Array(n);
  for (let r = 0; r < n; r++) voltage[r] = 0.01 * rng.rand();
  const gap = new Float64Array(n);
  for (let r = 0; r < n; r++) gap[r] = 0.001 * rng.rand();
  for (let r = 0; r < n; r++) {
    data[r * 6]! += gap[r]!;
    data[r * 6 + 1]! += voltage[r]!;
    data[r * 6 + 2]! += rng.rand();
    data[r * 6 + 3]! += rng.rand();
    data[r * 6 + 4]! += rng.rand();
  }
  const m = { data, rows: n, cols: 6 };
  const trainEnd = n - testSize - valSize;
  const means = columnMeans(m, 0, n - testSize);
  const stds = columnStds(m, means, 0, 0, n - testSize);
  checkSpread(owner, stds, 'data.npy (train + val rows)');
  return {
    train: standardizedRows(m, 0, trainEnd, means, stds),
    val: standardizedRows(m, trainEnd, n - testSize, means, stds),
    test: standardizedRows(m, n - testSize, n, means, stds),
  };
}

/**
 * Loads POWER from local files and applies the MAF preprocessing (see preprocessPower).
 * `path`: the MAF data root (holding power/), the power/ folder, or power/data.npy itself.
 * Node only. Result: train 1,659,917 x 6, val 184,435 x 6, test 204,928 x 6 on the full data.
 */
export async function power(path: string, options?: PowerOptions): Promise<DatasetSplits> {
  const file = await findFile('power', path, 'data.npy', SOURCE);
  return preprocessPower(await readNpyFile('power', file), options);
}
