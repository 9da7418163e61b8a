import type { NpyArray } from '../npy.js';
import type { DatasetSplits } from '../types.js';
import { asMatrix, checkSpread, columnMeans, columnStds, standardizedRows, tenth } from './matrix.js';
import { findFile, MAF_ARCHIVE, readNpyFile } from './node-files.js';

const SOURCE = {
  title: 'MINIBOONE',
  folder: 'miniboone',
  origin: `is UCI's "MiniBooNE particle identification" data with outliers and discrete features removed (43 columns), saved as miniboone/data.npy in ${MAF_ARCHIVE}`,
};

/**
 * MINIBOONE preprocessing of the MAF paper (gpapamak/maf datasets/miniboone.py); the archive's
 * data.npy already has outliers and repeated-value features removed (43 columns):
 * test = last int(0.1 n) rows, val = last int(0.1 m) of the m rows left, train = the rest;
 * standardized with the mean and population std (numpy, ddof 0) of train + val.
 */
export function preprocessMiniboone(array: NpyArray | { data: Float32Array | Float64Array; shape: number[] }): DatasetSplits {
  const owner = 'miniboone';
  const m = asMatrix(owner, array, 'data.npy', 43);
  const n = m.rows;
  const testSize = tenth(owner, n, 'data.npy');
  const valSize = tenth(owner, n - testSize, 'the rows left after the test split');
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
 * Loads MINIBOONE from local files (miniboone/data.npy of the MAF archive) and applies the MAF
 * preprocessing (see preprocessMiniboone). `path`: the data root, the miniboone/ folder or the
 * file. Node only. Full data: train 29,556 x 43, val 3,284 x 43, test 3,648 x 43.
 */
export async function miniboone(path: string): Promise<DatasetSplits> {
  const file = await findFile('miniboone', path, 'data.npy', SOURCE);
  return preprocessMiniboone(await readNpyFile('miniboone', file));
}
